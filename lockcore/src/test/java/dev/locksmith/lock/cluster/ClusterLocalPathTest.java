package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
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
 * node while its locks are held or being granted: a lapse of the quorum lease, the tree moving to
 * another node, and a rebuild after another node crashed (an administrative clear: see
 * {@link ClusterClearRaceTest}). Real JGroups
 * channels on 127.0.0.1. The races are not deterministic — each test runs many requests through
 * the moment — but a failure is never spurious.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLocalPathTest {
    private static final String ROOT = "LOCAL-PATH";
    /**
     * The quorum lease of the tests that are not about the lease: long enough that a loaded
     * machine's pauses do not lapse a node's lease, whose clear would cancel a worker's request and
     * drop the held sublock these tests check is kept.
     */
    private static final Duration UNHURRIED_LEASE = Duration.ofSeconds(3);
    private ClusterTestSupport cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
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
        cluster = ClusterTestSupport.startWith("local-remaster-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(UNHURRIED_LEASE));
        ClusterLockManager first = cluster.node(0);
        ClusterLockManager busy = cluster.node(1);
        LockOwner local = first.newOwner("local");
        Lock localRoot = local.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        Lock kept = local.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(localRoot));
        LockOwner remote = busy.newOwner("remote");
        Lock remoteRoot = remote.enqueue(ROOT, LockMode.CR);

        // node 0 slowly, node 1 busily, so that the tree moves to node 1 while both work on it
        workThrough(new Worker(local, localRoot, 5), new Worker(remote, remoteRoot, 0), () -> {
            ClusterTestSupport.awaitTrue("the tree moved to node 1",
                    () -> busy.resource(Namespace.group(0), List.of(ROOT)).isPresent() && busy.isReady());
            ClusterTestSupport.awaitTrue("node 0 no longer masters it", () -> first.resource(Namespace.group(0),
                    List.of(ROOT)).isEmpty() && first.isReady());
        }, 200);

        assertHeldInExOnlyOn(busy, kept);
        local.dequeue(kept);
        Lock after = remote.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(remoteRoot));
        assertThat(after.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aRebuildAfterAnotherNodeCrashedKeepsTheLocalSublocksExclusive() throws Exception {
        cluster = ClusterTestSupport.startWith("local-rebuild-" + System.nanoTime(), 3,
                b -> b.expectedVotes(2).quorumLease(UNHURRIED_LEASE));
        ClusterLockManager node = cluster.node(0);
        LockOwner a = node.newOwner("a");
        LockOwner b = node.newOwner("b");
        Lock rootA = a.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        Lock rootB = b.enqueue(ROOT, LockMode.CR);
        Lock held = a.enqueue(LockRequest.of("HELD", LockMode.EX).withParent(rootA));
        long rebuildsBefore = node.clusterStatistics().rebuilds();

        workThrough(new Worker(a, rootA, 0), new Worker(b, rootB, 0), () -> {
            cluster.node(2).crashForTest();
            ClusterTestSupport.awaitTrue("node 0 rebuilt without node 2", () -> node.clusterStatistics().rebuilds()
                    > rebuildsBefore && node.isReady() && node.members().size() == 2);
        }, 1_000);

        assertHeldInExOnlyOn(node, held);
        a.dequeue(held);
        for (String row : List.of("ROW0", "ROW1", "ROW2")) {
            assertThat(node.resource(Namespace.group(0), List.of(ROOT, row))).as(row).isEmpty();
        }
    }

    /** {@code sublock} of {@link #ROOT} is granted EX, and its resource on {@code master} has that one grant. */
    private static void assertHeldInExOnlyOn(ClusterLockManager master, Lock sublock) {
        assertThat(sublock.grantedMode()).isEqualTo(LockMode.EX);
        ResourceInfo there = master.resource(Namespace.group(0), List.of(ROOT, sublock.resourceName())).orElseThrow();
        assertThat(there.granted()).extracting(LockInfo::grantedMode).containsExactly(LockMode.EX);
    }

    /** An owner working on EX sublocks of {@code root}, pausing {@code pauseMillis} between them. */
    private record Worker(LockOwner owner, Lock root, long pauseMillis) {
    }

    /**
     * Runs {@code a} and {@code b} in threads of their own while {@code during} runs and then
     * until they have done {@code moreOperations} more lock + unlock between them; then stops
     * them and checks that neither failed and that no row ever had two holders.
     */
    private static void workThrough(Worker a, Worker b, Runnable during, int moreOperations) throws InterruptedException {
        Rows rows = new Rows();
        Thread ta = new Thread(() -> work(a, rows), "worker-a");
        Thread tb = new Thread(() -> work(b, rows), "worker-b");
        ta.start();
        tb.start();
        try {
            during.run();
            int done = rows.operations.get();
            ClusterTestSupport.awaitTrue("the workers go on", () -> rows.operations.get() >= done + moreOperations
                    || rows.failure.get() != null);
        } finally {
            rows.stop.set(true);
            ta.join();
            tb.join();
        }
        assertThat(rows.failure.get()).isNull();
        assertThat(rows.overlaps.get()).isZero();
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
     * EX sublocks ROW0..ROW2 under the worker's root, one after another, until {@code rows.stop}:
     * each holder stays inside a moment and counts an overlap if it found another holder of its row.
     */
    private static void work(Worker w, Rows rows) {
        try {
            for (int i = 0; !rows.stop.get(); i++) {
                int row = i % 3;
                Lock sub = w.owner().enqueue(LockRequest.of("ROW" + row, LockMode.EX).withParent(w.root()));
                if (rows.inside[row].incrementAndGet() != 1) {
                    rows.overlaps.incrementAndGet();
                }
                for (int spin = 0; spin < 50; spin++) {
                    Thread.onSpinWait();
                }
                rows.inside[row].decrementAndGet();
                w.owner().dequeue(sub);
                rows.operations.incrementAndGet();
                if (w.pauseMillis() > 0) {
                    Thread.sleep(w.pauseMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            rows.failure.compareAndSet(null, t);
        }
    }
}
