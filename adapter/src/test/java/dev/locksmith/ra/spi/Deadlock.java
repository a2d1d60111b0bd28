package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Two requests made to wait for each other: which one the lock manager chose as the deadlock victim. */
final class Deadlock {

    /**
     * Runs each party of a deadlock on a thread of its own: the common pool may run async tasks one
     * after the other (JDK 25 does on two cores), and then the two never wait for each other.
     */
    static final Executor OWN_THREAD = task -> {
        Thread thread = new Thread(task, "deadlock party");
        thread.setDaemon(true);
        thread.start();
    };

    private Deadlock() {
    }

    /**
     * Which request failed, and how.
     *
     * @param first whether it was the first of the two
     * @param failure what it failed with
     */
    record Victim(boolean first, Throwable failure) {
    }

    /** Waits (a minute at most) for both requests to end; exactly one of them must have failed. */
    static Victim of(CompletableFuture<?> first, CompletableFuture<?> second) throws Exception {
        List<CompletableFuture<?>> both = List.of(first, second);
        Victim victim = null;
        for (int i = 0; i < both.size(); i++) {
            try {
                both.get(i).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(victim).as("only one victim").isNull();
                victim = new Victim(i == 0, e.getCause());
            }
        }
        assertThat(victim).as("one of the two is the deadlock victim").isNotNull();
        return victim;
    }
}
