package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteGateTest {
    private final RouteGate gate = new RouteGate();

    @Test
    void aWriterWaitsUntilTheReaderInsideLeaves() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch mayLeave = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            RouteGate.Slot slot = gate.enter();
            inside.countDown();
            await(mayLeave);
            gate.leave(slot);
        });
        reader.start();
        inside.await();
        CompletableFuture<Long> closed = new CompletableFuture<>();
        Thread writer = new Thread(() -> closed.complete(gate.writeLock()));
        writer.start();
        awaitState(writer, Thread.State.TIMED_WAITING); // polling for the reader to leave
        assertThat(closed).isNotDone();

        mayLeave.countDown();

        gate.unlockWrite(closed.get(30, TimeUnit.SECONDS));
        reader.join();
    }

    @Test
    void aReaderEntersOnlyOnceTheWriterOpensTheGate() throws Exception {
        long stamp = gate.writeLock();
        CountDownLatch entered = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            RouteGate.Slot slot = gate.enter();
            entered.countDown();
            gate.leave(slot);
        });
        reader.start();
        awaitState(reader, Thread.State.WAITING);
        assertThat(entered.getCount()).isEqualTo(1);

        gate.unlockWrite(stamp);

        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        reader.join();
    }

    @Test
    void nestedEntriesKeepTheWriterOutUntilTheOutermostLeaves() throws Exception {
        RouteGate.Slot outer = gate.enter();
        RouteGate.Slot inner = gate.enter();
        gate.leave(inner);
        CompletableFuture<Long> closed = new CompletableFuture<>();
        Thread writer = new Thread(() -> closed.complete(gate.writeLock()));
        writer.start();
        awaitState(writer, Thread.State.TIMED_WAITING);
        assertThat(closed).isNotDone();

        gate.leave(outer);

        gate.unlockWrite(closed.get(30, TimeUnit.SECONDS));
    }

    @Test
    void readersAndAWriterNeverOverlap() throws Exception {
        int writes = shutAndOpenWhileTwoReaders(inside -> {
            for (int i = 0; i < 200_000; i++) {
                RouteGate.Slot slot = gate.enter();
                inside.run();
                gate.leave(slot);
            }
        });

        assertThat(writes).isPositive();
    }

    @Test
    void readersAndAWriterNeverOverlapWhileTheSlotsOfEndedThreadsArePruned() throws Exception {
        // a stream of short-lived callers, each nesting once: their registrations prune the list
        // while the writer scans it, and every writer prunes it too
        int writes = shutAndOpenWhileTwoReaders(inside -> {
            for (int i = 0; i < 2_000; i++) {
                Thread caller = new Thread(() -> {
                    for (int j = 0; j < 20; j++) {
                        RouteGate.Slot outer = gate.enter();
                        RouteGate.Slot inner = gate.enter();
                        inside.run();
                        gate.leave(inner);
                        gate.leave(outer);
                    }
                });
                caller.start();
                joinQuietly(caller);
            }
        });

        assertThat(writes).isPositive();
        assertThat(gate.slotCount()).isLessThanOrEqualTo(64);
    }

    @Test
    void theSlotsOfEndedThreadsArePrunedWithoutAWriter() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Thread caller = new Thread(() -> gate.leave(gate.enter()));
            caller.start();
            caller.join();
        }

        // pruned as the list doubles from 64: never more than twice the live callers (none) and the floor
        assertThat(gate.slotCount()).isLessThanOrEqualTo(64);
    }

    /**
     * Runs {@code reader} on two threads, handing it what it runs while inside the gate, and shuts
     * and opens the gate on this thread until both are done, asserting that no reader is inside
     * while the gate is shut; returns how often it was shut.
     */
    private int shutAndOpenWhileTwoReaders(java.util.function.Consumer<Runnable> reader) {
        AtomicInteger readersInside = new AtomicInteger();
        Runnable inside = () -> {
            readersInside.incrementAndGet();
            readersInside.decrementAndGet();
        };
        CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            new Thread(() -> {
                reader.accept(inside);
                done.countDown();
            }).start();
        }
        int writes = 0;
        int overlaps = 0;
        while (done.getCount() > 0) {
            long stamp = gate.writeLock();
            overlaps += readersInside.get() != 0 ? 1 : 0;
            gate.unlockWrite(stamp);
            writes++;
        }
        assertThat(overlaps).as("times a reader was inside the shut gate").isZero();
        return writes;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(thread.getState()).isEqualTo(state);
    }
}
