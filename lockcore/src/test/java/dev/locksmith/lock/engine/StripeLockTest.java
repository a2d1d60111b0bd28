package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StripeLockTest {

    /** Guarded by the lock under test; plain on purpose, so a lost update shows a broken exclusion. */
    private long counter;

    @Test
    void excludesEveryOtherThreadAndPublishesTheHoldersWrites() throws InterruptedException {
        StripeLock lock = new StripeLock();
        int threads = 4;
        int rounds = 200_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    lock.lock();
                    try {
                        counter++;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(w.isAlive()).isFalse();
        }
        lock.lock();
        try {
            assertThat(counter).isEqualTo((long) threads * rounds);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aContenderThatWentToSleepGetsTheLockOnceItIsReleased() throws InterruptedException {
        StripeLock lock = new StripeLock();
        CountDownLatch acquired = new CountDownLatch(1);
        AtomicBoolean sawHolder = new AtomicBoolean();
        lock.lock();
        Thread contender = new Thread(() -> {
            lock.lock();
            sawHolder.set(counter == 1);
            lock.unlock();
            acquired.countDown();
        });
        contender.start();
        // Long enough for the contender to spin out and park.
        while (contender.getState() != Thread.State.TIMED_WAITING && contender.isAlive()) {
            Thread.onSpinWait();
        }
        counter = 1;
        lock.unlock();
        assertThat(acquired.await(1, TimeUnit.MINUTES)).isTrue();
        assertThat(sawHolder).isTrue();
    }
}
