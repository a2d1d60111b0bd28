package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local path ({@link LocalPath}) against what can happen to a tree mastered on the requesting
 * node while its locks are held or being granted: an administrative clear, a lapse of the quorum
 * lease, the tree moving to another node, and a rebuild after another node crashed. Real JGroups
 * channels on 127.0.0.1. The races are not deterministic — each test runs many requests through
 * the moment — but a failure is never spurious.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLocalPathTest {
    private static final String ROOT = "LOCAL-PATH";
    private ClusterTestSupport cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClearRacingLocalSublockRequestsLeavesNoSublockOnTheMaster() throws Exception {
        cluster = ClusterTestSupport.start("local-clear-" + System.nanoTime(), 2, 2);
        ClusterLockManager node = cluster.node(0);
        node.newOwner("pin").enqueue(ROOT, LockMode.NL); // node 0 masters the tree, and keeps it
        LockOwner racer = node.newOwner("racer");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread clearer = new Thread(() -> {
            while (running.get()) {
                node.clearOwner(node.adminCapability(), racer.id());
            }
        });
        clearer.start();
        try {
            Lock root = null;
            for (int i = 0; i < 20_000; i++) {
                try {
                    if (root == null || root.grantedMode() == null) {
                        root = racer.enqueue(ROOT, LockMode.CR);
                    }
                    racer.dequeue(racer.enqueue(LockRequest.of("ROW" + (i % 4), LockMode.EX).withParent(root)));
                } catch (LockException e) {
                    // cleared before its grant or its dequeue, or its parent cleared first
                    assertThat(e.status()).isIn(LockStatus.CANCELLED, LockStatus.IVLOCKID, LockStatus.PARNOTGRANT,
                            LockStatus.NOTQUEUED);
                }
            }
        } finally {
            running.set(false);
            clearer.join();
        }
        racer.dequeueAll();

        ClusterTestSupport.awaitTrue("the racer's locks left the master", () -> node.resource(Namespace.group(0),
                List.of(ROOT)).orElseThrow().granted().size() == 1);
        ResourceInfo root = node.resource(Namespace.group(0), List.of(ROOT)).orElseThrow();
        assertThat(root.granted()).extracting(LockInfo::grantedMode).containsExactly(LockMode.NL);
        for (int i = 0; i < 4; i++) {
            assertThat(node.resource(Namespace.group(0), List.of(ROOT, "ROW" + i))).as("ROW%d", i).isEmpty();
        }
    }

    @Test
    void aNodeWhoseLeaseRanOutGrantsNothingOnTheLocalPathUntilItIsBack() throws Exception {
        cluster = ClusterTestSupport.startWith("local-lease-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(1)).emptyTreeRetention(Duration.ofMinutes(5)));
        ClusterLockManager node = cluster.node(0);
        ClusterTestSupport.awaitTrue("node 0 holds its lease", node::isLeaseHeld);
        LockOwner worker = node.newOwner("worker");
        Lock root = worker.enqueue(ROOT, LockMode.CR);
        Lock sub = worker.enqueue(LockRequest.of("ROW", LockMode.EX).withParent(root));
        HoldMessages pings = HoldMessages.install(node, Wire.PING);

        ClusterTestSupport.awaitTrue("node 0's lease ran out", () -> !node.isLeaseHeld());
        ClusterTestSupport.awaitTrue("its grants were cleared", () -> root.queue().isEmpty() && sub.queue().isEmpty());
        // the tree is still mastered here (kept empty for minutes): the local path takes the request,
        // and would grant it before enqueueAsync returns if it granted at all
        Lock again = worker.enqueueAsync(LockRequest.of(ROOT, LockMode.EX));
        boolean grantedWithoutLease = again.grantedMode() != null;
        pings.release();

        assertThat(grantedWithoutLease).isFalse();
        again.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(again.grantedMode()).isEqualTo(LockMode.EX);
        Lock row = worker.enqueue(LockRequest.of("ROW", LockMode.EX).withParent(again));
        assertThat(row.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aTreeMovingAwayWhileLocalSublocksAreGrantedNeverGrantsOneTwice() throws Exception {
        cluster = ClusterTestSupport.start("local-remaster-" + System.nanoTime(), 3, 3);
        ClusterLockManager first = cluster.node(0);
        ClusterLockManager busy = cluster.node(1);
        LockOwner local = first.newOwner("local");
        Lock localRoot = local.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        Lock kept = local.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(localRoot));
        LockOwner remote = busy.newOwner("remote");
        Lock remoteRoot = remote.enqueue(ROOT, LockMode.CR);
        Rows rows = new Rows();

        Thread slow = new Thread(() -> work(local, localRoot, rows, 5), "local-on-n0");
        Thread fast = new Thread(() -> work(remote, remoteRoot, rows, 0), "busy-on-n1");
        slow.start();
        fast.start();
        try {
            ClusterTestSupport.awaitTrue("the tree moved to node 1",
                    () -> busy.resource(Namespace.group(0), List.of(ROOT)).isPresent() && busy.isReady());
            // and node 0 goes on working on it, now remotely, for a while
            ClusterTestSupport.awaitTrue("node 0 no longer masters it", () -> first.resource(Namespace.group(0),
                    List.of(ROOT)).isEmpty() && first.isReady());
            int done = rows.operations.get();
            ClusterTestSupport.awaitTrue("both go on", () -> rows.operations.get() >= done + 200 || rows.failure.get() != null);
        } finally {
            rows.stop.set(true);
            slow.join();
            fast.join();
        }

        assertThat(rows.failure.get()).isNull();
        assertThat(rows.overlaps.get()).isZero();
        assertThat(kept.grantedMode()).isEqualTo(LockMode.EX);
        ResourceInfo keptThere = busy.resource(Namespace.group(0), List.of(ROOT, "KEPT")).orElseThrow();
        assertThat(keptThere.granted()).extracting(LockInfo::grantedMode).containsExactly(LockMode.EX);
        local.dequeue(kept);
        Lock after = remote.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(remoteRoot));
        assertThat(after.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aRebuildAfterAnotherNodeCrashedKeepsTheLocalSublocksExclusive() throws Exception {
        cluster = ClusterTestSupport.start("local-rebuild-" + System.nanoTime(), 3, 2);
        ClusterLockManager node = cluster.node(0);
        LockOwner a = node.newOwner("a");
        LockOwner b = node.newOwner("b");
        Lock rootA = a.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        Lock rootB = b.enqueue(ROOT, LockMode.CR);
        Lock held = a.enqueue(LockRequest.of("HELD", LockMode.EX).withParent(rootA));
        Rows rows = new Rows();
        Thread ta = new Thread(() -> work(a, rootA, rows, 0), "a-on-n0");
        Thread tb = new Thread(() -> work(b, rootB, rows, 0), "b-on-n0");
        ta.start();
        tb.start();
        long rebuildsBefore = node.clusterStatistics().rebuilds();
        try {
            cluster.node(2).crashForTest();
            ClusterTestSupport.awaitTrue("node 0 rebuilt without node 2", () -> node.clusterStatistics().rebuilds()
                    > rebuildsBefore && node.isReady() && node.members().size() == 2);
            int done = rows.operations.get();
            ClusterTestSupport.awaitTrue("the workers go on", () -> rows.operations.get() >= done + 1_000
                    || rows.failure.get() != null);
        } finally {
            rows.stop.set(true);
            ta.join();
            tb.join();
        }

        assertThat(rows.failure.get()).isNull();
        assertThat(rows.overlaps.get()).isZero();
        assertThat(held.grantedMode()).isEqualTo(LockMode.EX);
        ResourceInfo heldThere = node.resource(Namespace.group(0), List.of(ROOT, "HELD")).orElseThrow();
        assertThat(heldThere.granted()).extracting(LockInfo::grantedMode).containsExactly(LockMode.EX);
        a.dequeue(held);
        for (String row : List.of("ROW0", "ROW1", "ROW2")) {
            assertThat(node.resource(Namespace.group(0), List.of(ROOT, row))).as(row).isEmpty();
        }
    }

    /** One holder count per row, ROW0..ROW2, and how often a holder found another inside. */
    private static final class Rows {
        final AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger operations = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
    }

    /**
     * EX sublocks ROW0..ROW2 under {@code root}, one after another, until {@code rows.stop}: each
     * holder stays inside a moment and counts an overlap if it found another holder of its row.
     */
    private static void work(LockOwner owner, Lock root, Rows rows, long pauseMillis) {
        try {
            for (int i = 0; !rows.stop.get(); i++) {
                int row = i % 3;
                Lock sub = owner.enqueue(LockRequest.of("ROW" + row, LockMode.EX).withParent(root));
                if (rows.inside[row].incrementAndGet() != 1) {
                    rows.overlaps.incrementAndGet();
                }
                for (int spin = 0; spin < 50; spin++) {
                    Thread.onSpinWait();
                }
                rows.inside[row].decrementAndGet();
                owner.dequeue(sub);
                rows.operations.incrementAndGet();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            rows.failure.compareAndSet(null, t);
        }
    }
}
