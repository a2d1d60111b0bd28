package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.HoldHistory;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The history tests' {@link HoldRecorder} reports only overlaps that happened: a hold its node's
 * lapsed lease cleared ends when the clear began, before the clear's dequeue let the master grant
 * the lock to another owner, not when the clear listener heard of it (later, on the node's
 * callback thread, which a loaded machine may run late).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HoldRecorderTest {
    @Test
    void aHoldALapsedLeaseClearedEndsBeforeTheMasterGrantsTheLockToAnother() throws Exception {
        HoldRecorder recorder = new HoldRecorder();
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("recorder-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(1)))) {
            ClusterLockManager master = cluster.node(0);
            ClusterLockManager lapsing = cluster.node(1);
            ClusterTestSupport.awaitTrue("node 1 holds its lease", lapsing::isLeaseHeld);
            master.newOwner("anchor").enqueue("H", LockMode.NL); // node 0 masters H
            HoldRecorder.Worker reader = recorder.worker(lapsing, lapsing.newOwner("n1-reader"));
            HoldRecorder.Worker writer = recorder.worker(master, master.newOwner("n0-writer"));
            assertThat(reader.enqueue(LockRequest.of("H", LockMode.PR))).isNotNull();
            CompletableFuture<Lock> written = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.enqueue(LockRequest.of("H", LockMode.EX)); // waits for the reader
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // node 1's callback thread is busy, as on a loaded machine: its clear listeners wait
            CountDownLatch callbacksBusy = new CountDownLatch(1);
            lapsing.deliver(() -> awaitQuietly(callbacksBusy));
            HoldMessages pings = HoldMessages.install(lapsing, Wire.PING); // so its lease runs out
            try {
                assertThat(written.get(30, TimeUnit.SECONDS)).as("the writer got H once node 1's clear let it go")
                        .isNotNull();
            } finally {
                callbacksBusy.countDown();
                pings.release();
            }
            ClusterTestSupport.awaitTrue("node 1's clear listener was told", () -> reader.cleared("H"));
            reader.end("H");
            writer.end("H");
        }

        HoldHistory history = new HoldHistory();
        recorder.holds().forEach(h -> history.record(h.resource(), h.owner(), h.mode(), h.from(), h.to()));
        assertThat(recorder.holds()).extracting(HoldRecorder.Hold::owner).containsExactlyInAnyOrder("n1-reader",
                "n0-writer");
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
