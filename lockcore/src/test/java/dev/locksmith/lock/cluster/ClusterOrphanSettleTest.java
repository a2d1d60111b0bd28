package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rebuild does not decide a request that a live master may still hold. A tree moves from
 * node 0 to node 1, which installs it, but its MOVED is held back, so node 2 knows no master for
 * the tree: its waiting request there is an orphan that node 1 holds. Node 2's owner cancels it
 * meanwhile (the cancel waits for MOVED), and node 3 crashes. The request must end as node 1
 * ends it: had node 2 ended it here, node 1 would grant it later to a copy that is gone, and
 * the lock would block its resource for ever.
 *
 * <p>Run with the tree's directory entry on each node in turn: on node 0 and node 2 the entry
 * still names node 0 when the view changes (MOVED updates it), and a cancel sent by it would be
 * dropped at node 0 while node 1 keeps the request; on node 1 it names node 1; node 3's goes
 * with it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterOrphanSettleTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        // a lease long enough that a loaded machine's pauses do not clear node 0's grants meanwhile
        cluster = ClusterTestSupport.startWith("orphan-settle-" + System.nanoTime(), 4,
                b -> b.expectedVotes(4).quorumLease(Duration.ofSeconds(3)));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @ParameterizedTest(name = "directory node {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void aCancelOfARequestALiveMasterHoldsIsDecidedByThatMasterAfterTheRebuild(int directoryNode) throws Exception {
        String hot = rootWithDirectoryNode(directoryNode);
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstRoot = first.enqueue(hot, LockMode.CR); // node 0 masters the tree
        Lock firstRow = first.enqueue(LockRequest.of("row", LockMode.EX).withParent(firstRoot));
        LockOwner waiter = cluster.node(2).newOwner("waiter");
        Lock waiterRoot = waiter.enqueue(hot, LockMode.CR);
        Lock waiting = waiter.enqueueAsync(LockRequest.of("row", LockMode.EX).withParent(waiterRoot));
        ClusterTestSupport.awaitTrue("node 2's request waits behind node 0's EX",
                () -> waiting.queue().equals(Optional.of(LockQueue.WAITING)) && waitingOn(0, hot, "row", "waiter"));
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue(hot, LockMode.CR);
        HoldMessages movedOfNode1 = HoldMessages.install(cluster.node(1), Wire.MOVED);

        // node 1's requests outnumber node 0's: the tree moves there, and node 1's MOVED is held
        AtomicBoolean stop = new AtomicBoolean();
        Thread worker = new Thread(() -> ClusterTestSupport.churn(busy, busyRoot, "busy", stop), "busy-on-n1");
        worker.start();
        ClusterTestSupport.awaitTrue("node 1 installed the tree", () -> movedOfNode1.heldCount() >= 1);
        stop.set(true);
        worker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(worker.isAlive()).as("worker finished").isFalse();
        assertThat(waitingOn(1, hot, "row", "waiter")).as("node 1 holds node 2's request").isTrue();

        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> waiter.cancel(waiting));
        ClusterTestSupport.awaitTrue("the cancel is requested", () -> ((ClusterLock) waiting).cancelRequested()
                || waiting.status() != LockStatus.PENDING);
        cluster.node(3).crashForTest();
        cluster.nodes.remove(3);
        cluster.awaitView(3);
        movedOfNode1.release(); // from the old view now: ignored

        assertThat(cancel.get(30, TimeUnit.SECONDS)).as("the request ended CANCELLED").isTrue();
        ClusterTestSupport.awaitTrue("node 1 no longer holds node 2's request",
                () -> cluster.nodes.stream().noneMatch(n -> holds(n, hot, "row", "waiter")));
        first.dequeue(firstRow);
        Lock next = first.enqueueAsync(LockRequest.of("row", LockMode.EX).withParent(firstRoot));
        next.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(next.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(waiting.grantedMode()).isNull();
    }

    /** Whether node {@code node} masters {@code row} (under {@code root}) with a request of {@code owner} waiting on it. */
    private boolean waitingOn(int node, String root, String row, String owner) {
        return rowOn(cluster.node(node), root, row).map(r -> ofOwner(r.waiting(), owner)).orElse(false);
    }

    /** Whether {@code node} masters {@code row} (under {@code root}) with any lock of {@code owner} on it. */
    private static boolean holds(ClusterLockManager node, String root, String row, String owner) {
        return rowOn(node, root, row).map(r -> ofOwner(r.granted(), owner) || ofOwner(r.converting(), owner)
                || ofOwner(r.waiting(), owner)).orElse(false);
    }

    private static Optional<ResourceInfo> rowOn(ClusterLockManager node, String root, String row) {
        return node.resource(Namespace.group(0), List.of(root, row));
    }

    /** A root name whose directory node, in the view of all four nodes, is node {@code i}. */
    private String rootWithDirectoryNode(int i) {
        List<org.jgroups.Address> members = cluster.node(0).members();
        for (int n = 0; ; n++) {
            String root = "hot" + n;
            if (DirectoryHash.nodeOf(new TreeKey(Namespace.group(0), root), members).equals(cluster.node(i).address())) {
                return root;
            }
        }
    }

    private static boolean ofOwner(List<LockInfo> locks, String owner) {
        return locks.stream().anyMatch(l -> l.owner().startsWith(owner + "@"));
    }
}
