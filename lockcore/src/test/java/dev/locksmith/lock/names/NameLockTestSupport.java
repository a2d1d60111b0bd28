package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/**
 * A manager (deadlock search after 50 ms), a lock space, processes, and helpers for commands run
 * on another thread. Bounds on waits only stop a broken test from hanging; nothing is timed.
 */
abstract class NameLockTestSupport {
    static final Duration HANG_GUARD = Duration.ofSeconds(20);

    final LockManager manager = LockManager.builder().name("names-test").deadlockWait(Duration.ofMillis(50)).build();
    final LockSpace space = new LockSpace(manager, 0, 1000);
    final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "m-process");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void closeAll() {
        threads.shutdownNow();
        manager.close();
    }

    interface Command<T> {
        T run() throws Exception;
    }

    /** Runs a command on another thread, as another M process would. */
    <T> CompletableFuture<T> inBackground(Command<T> command) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return command.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("command did not end", e);
        }
    }

    /** One attempt ({@code LOCK +names:0}): whether the names could be taken now. */
    static boolean canLock(NameLocks process, String... names) throws InterruptedException {
        boolean taken = process.lockIncrement(Duration.ZERO, names);
        if (taken) {
            process.unlock(names);
        }
        return taken;
    }

    /** Waits (bounded) until {@code process} sleeps in the engine: its command could not have every name. */
    void eventuallyWaits(NameLocks process) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        while (!isWaiting(process)) {
            assertThat(System.nanoTime()).as(process + " should be waiting").isLessThan(end);
            Thread.sleep(2);
        }
    }

    /** Whether {@code process} has a request waiting in the engine now. */
    boolean isWaiting(NameLocks process) {
        String name = process.owner().name();
        return manager.locks().stream().anyMatch(l -> l.owner().equals(name)
                && (l.queue() == LockQueue.WAITING || l.queue() == LockQueue.CONVERTING));
    }

    /** Waits (bounded) until some request waits in the engine. */
    void eventuallySomethingWaits() throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        while (manager.locks().stream().noneMatch(l -> l.queue() == LockQueue.WAITING || l.queue() == LockQueue.CONVERTING)) {
            assertThat(System.nanoTime()).as("a request should be waiting").isLessThan(end);
            Thread.sleep(2);
        }
    }
}
