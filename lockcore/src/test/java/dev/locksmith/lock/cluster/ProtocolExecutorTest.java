package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol executor keeps a single thread's order and exclusion while letting idle receivers run tasks inline. */
class ProtocolExecutorTest {
    private final ProtocolExecutor executor = new ProtocolExecutor(r -> {
        Thread t = new Thread(r, "protocol-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void queuedTasksRunOneAtATimeInSubmissionOrder() throws Exception {
        List<Integer> order = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            executor.execute(() -> {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                order.add(n);
                running.decrementAndGet();
            });
        }
        executor.submit(() -> null).get(1, TimeUnit.MINUTES);
        assertThat(overlaps).hasValue(0);
        assertThat(order).hasSize(1_000).isSorted();
    }

    @Test
    void anIdleExecutorRunsTheTaskOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        assertThat(executor.runIfIdle(() -> ranOn[0] = Thread.currentThread())).isTrue();
        assertThat(ranOn[0]).isSameAs(caller);
    }

    @Test
    void aBusyExecutorRefusesToRunInlineSoTheCallerQueuesBehindEarlierTasks() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new ArrayList<>();
        executor.execute(() -> {
            running.countDown();
            awaitQuietly(release);
            order.add("earlier");
        });
        assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();

        Runnable later = () -> order.add("later");
        assertThat(executor.runIfIdle(later)).isFalse();
        executor.execute(later);
        release.countDown();
        executor.submit(() -> null).get(1, TimeUnit.MINUTES);

        assertThat(order).containsExactly("earlier", "later");
    }

    @Test
    void aShutDownExecutorRejectsNewTasksAndRunsNothingInline() {
        executor.shutdownNow();
        assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThat(executor.runIfIdle(() -> { })).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
