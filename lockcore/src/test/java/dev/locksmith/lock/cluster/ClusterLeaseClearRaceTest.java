package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A grant checked against the quorum lease just before the lease ran out, and applied to its
 * copy only after the lapse's clear walked this node's copies (as when the JVM is paused between
 * the two), is held back like a grant made without the lease — it does not stay granted while the
 * majority waits the lease out and grants the lock elsewhere ({@link LeaseGuard}, "Clear epoch").
 * So at each place a grant is checked and applied: the local path, the general path's request
 * made on this node's master, a waiter's grant by this node's master, a GRANTED from another
 * master, and the release of grants held back while the lease was out.
 *
 * <p>A paused JVM cannot be stopped at that point on purpose, so the granting thread is held there
 * by the lease guard's seam ({@link LeaseGuard#afterLeaseCheck}) while node 0 stops pinging (its
 * PINGs are held back) and its lease runs out. The clear has walked the requesting owner's copies
 * once another granted lock of that owner is gone: the walk lists an owner's copies before it
 * clears any. Real JGroups channels on 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLeaseClearRaceTest {
    private static final String ROOT = "LEASE-RACE";
    private ClusterTestSupport cluster;
    private ClusterLockManager node;
    private HoldMessages pings;
    private final HeldGrant grantHeld = new HeldGrant();

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startWith("lease-race-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(1)).emptyTreeRetention(Duration.ofMinutes(5)));
        node = cluster.node(0);
        ClusterTestSupport.awaitTrue("node 0 holds its lease", node::isLeaseHeld);
        LockOwner first = node.newOwner("first");
        first.dequeue(first.enqueue(ROOT, LockMode.NL)); // node 0 masters ROOT's tree from now on (kept empty)
    }

    @AfterEach
    void stopCluster() {
        grantHeld.resume(); // a failed test may have left it held
        if (pings != null) {
            pings.release();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aLocalPathGrantAppliedAfterTheLapsesClearIsHeldBackUntilTheLeaseReturns() throws Exception {
        LockOwner worker = node.newOwner("worker");
        Lock keep = worker.enqueue("KEEP", LockMode.CR);
        AtomicReference<Lock> request = new AtomicReference<>();

        // the local path grants on the requesting thread
        assertGrantAcrossTheLapseHeldBack(keep, () -> request.set(worker.enqueueAsync(LockRequest.of(ROOT, LockMode.EX))),
                request::get);
    }

    @Test
    void aGrantMadeAtOnceOnTheGeneralPathAndAppliedAfterTheLapsesClearIsHeldBackUntilTheLeaseReturns()
            throws Exception {
        LockOwner worker = node.newOwner("worker");
        Lock keep = worker.enqueue("KEEP", LockMode.CR);
        AtomicReference<Lock> request = new AtomicReference<>();
        // a timeout keeps the request off the local path: it is made on node 0's master by the general path
        LockRequest timed = LockRequest.of(ROOT, LockMode.EX).withTimeout(Duration.ofMinutes(5));

        assertGrantAcrossTheLapseHeldBack(keep, () -> request.set(worker.enqueueAsync(timed)), request::get);
    }

    @Test
    void aWaitersGrantAppliedAfterTheLapsesClearIsHeldBackUntilTheLeaseReturns() throws Exception {
        LockOwner holder = node.newOwner("holder");
        Lock held = holder.enqueue(ROOT, LockMode.EX);
        LockOwner waiter = node.newOwner("waiter");
        Lock keep = waiter.enqueue("KEEP", LockMode.CR);
        Lock waiting = waiter.enqueueAsync(LockRequest.of(ROOT, LockMode.EX));
        awaitWaiting(waiting);

        // node 0's master grants the waiter (Replies) on the thread that dequeues the holder
        assertGrantAcrossTheLapseHeldBack(keep, () -> holder.dequeue(held), () -> waiting);
    }

    @Test
    void aGrantFromAnotherMasterAppliedAfterTheLapsesClearIsHeldBackUntilTheLeaseReturns() throws Exception {
        LockOwner holder = cluster.node(1).newOwner("holder");
        Lock held = holder.enqueue("REMOTE-" + ROOT, LockMode.EX); // node 1 masters this tree
        LockOwner waiter = node.newOwner("waiter");
        Lock keep = waiter.enqueue("KEEP", LockMode.CR);
        Lock waiting = waiter.enqueueAsync(LockRequest.of("REMOTE-" + ROOT, LockMode.EX));
        awaitWaiting(waiting);

        // node 1 sends GRANTED, which node 0 applies as it comes in (Incoming)
        assertGrantAcrossTheLapseHeldBack(keep, () -> holder.dequeue(held), () -> waiting);
    }

    @Test
    void aHeldBackGrantReleasedJustBeforeTheLeaseRanOutAgainIsHeldBackAgain() throws Exception {
        LockOwner worker = node.newOwner("worker");
        Lock keep = worker.enqueue("KEEP", LockMode.CR);
        lapseAndAwaitClear(keep);
        Lock request = worker.enqueueAsync(LockRequest.of(ROOT, LockMode.EX)); // held back: no lease
        assertThat(request.grantedMode()).isNull();
        node.leaseGuard().afterLeaseCheck = grantHeld::holdOnce;

        pings.release(); // the lease returns, and the protocol thread releases the grant
        grantHeld.awaitChecked();
        long epoch = node.leaseGuard().clearEpoch();
        pings = HoldMessages.install(node, Wire.PING);
        ClusterTestSupport.awaitTrue("node 0's lease ran out again", () -> node.leaseGuard().clearEpoch() > epoch);
        node.awaitDueTimerTasks(); // the watch that raised the epoch has walked the copies
        grantHeld.resume();
        node.members(); // on the protocol thread, after the release it held
        boolean grantedWithoutLease = request.grantedMode() != null;
        pings.release();

        assertThat(grantedWithoutLease).as("granted after the lapse's clear, without the lease").isFalse();
        request.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(request.grantedMode()).isEqualTo(LockMode.EX);
    }

    /**
     * Runs {@code granting} on a thread of its own, holds node 0's next grant (the one it makes)
     * after its lease check while the lease runs out and its clear takes {@code keep}, a granted
     * lock of the requesting owner; then the grant of {@code requested} must be held back (not
     * applied while the lease is not held) and applied once the lease is back, as any grant made
     * without the lease.
     */
    private void assertGrantAcrossTheLapseHeldBack(Lock keep, Runnable granting, Supplier<Lock> requested)
            throws Exception {
        node.leaseGuard().afterLeaseCheck = grantHeld::holdOnce;
        Thread granter = new Thread(granting);
        granter.start();
        grantHeld.awaitChecked();
        lapseAndAwaitClear(keep);
        grantHeld.resume();
        granter.join();
        node.members(); // runs on node 0's protocol thread: after the incoming GRANTED it held, if it held one
        boolean grantedWithoutLease = requested.get().grantedMode() != null;
        pings.release();

        assertThat(grantedWithoutLease).as("granted after the lapse's clear, without the lease").isFalse();
        requested.get().completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(requested.get().grantedMode()).isEqualTo(LockMode.EX);
    }

    private static void awaitWaiting(Lock waiting) {
        ClusterTestSupport.awaitTrue("the request is queued", () -> waiting.queue().isPresent()
                && waiting.grantedMode() == null);
    }

    /** Node 0 stops pinging; returns once its lease ran out and its clear took {@code granted}. */
    private void lapseAndAwaitClear(Lock granted) throws Exception {
        pings = HoldMessages.install(node, Wire.PING);
        ClusterTestSupport.awaitTrue("node 0's lease ran out", () -> !node.isLeaseHeld());
        ClusterTestSupport.awaitTrue("the lapse's clear walked the owner's copies", () -> granted.queue().isEmpty());
    }

    private static final class HeldGrant {
        private final AtomicBoolean armed = new AtomicBoolean(true);
        private final CountDownLatch checked = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);

        void holdOnce() {
            if (armed.compareAndSet(true, false)) {
                checked.countDown();
                try {
                    resume.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitChecked() throws InterruptedException {
            assertThat(checked.await(30, TimeUnit.SECONDS)).as("a grant reached its lease check").isTrue();
        }

        void resume() {
            resume.countDown();
        }
    }
}
