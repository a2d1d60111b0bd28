package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A closed owner leaves no proxy on another node's master: not when its close overtakes a
 * request of it being sent on another thread, and not when a tree it holds a lock in moved from
 * its own node to another.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterOwnerCloseProxyTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("owner-close-proxy-" + System.nanoTime(), 2, 2);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    /**
     * The owner closes while a thread of it is about to send its request to node 1: its dequeue
     * and its CLOSE go first, and the late ENQUEUE would make its proxy again there, with a lock
     * granted for good.
     */
    @Test
    void aRequestSentWhileItsOwnerClosesLeavesNoProxyOrLockOnItsMaster() throws Exception {
        ClusterLockManager requester = cluster.node(0);
        ClusterLockManager master = cluster.node(1);
        master.newOwner("keeper").enqueue("late", LockMode.NL); // node 1 masters the tree
        LockOwner router = requester.newOwner("router");
        Lock routed = router.enqueue("late", LockMode.NL); // node 0 knows the master: the next request takes the fast path
        LockOwner closing = requester.newOwner("closing");
        AtomicBoolean closedInside = new AtomicBoolean();
        requester.requests.beforeRemoteEnqueue = () -> {
            requester.requests.beforeRemoteEnqueue = null;
            long sent = requester.clusterStatistics().messagesSent();
            try {
                CompletableFuture.runAsync(closing::close).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the close failed", e);
            }
            // its DEQUEUE (on the closing thread) and its CLOSE (on the protocol thread) went
            ClusterTestSupport.awaitTrue("the owner's dequeue and close were sent",
                    () -> requester.clusterStatistics().messagesSent() >= sent + 2);
            closedInside.set(true);
        };

        closing.enqueueAsync(LockRequest.of("late", LockMode.PR));
        assertThat(closedInside).as("the owner was closed while its request was being sent").isTrue();
        // node 0's next message to node 1 arrives after the late ENQUEUE and whatever follows it
        router.convert(routed, LockRequest.conversionTo(LockMode.CR));

        assertThat(master.masterTable().hasProxy(requester.address(), closing.id())).isFalse();
        assertThat(master.resource(Namespace.group(0), List.of("late")).orElseThrow().granted())
                .extracting(LockInfo::owner).noneMatch(owner -> owner.startsWith("closing@"));
    }

    /**
     * A tree mastered on the owner's own node moves to node 1: its lock there is its first on
     * another master, so its close must be told there too.
     */
    @Test
    void anOwnerWhoseTreeMovedToAnotherNodeLeavesNoProxyThereWhenItCloses() throws Exception {
        ClusterLockManager first = cluster.node(0);
        ClusterLockManager busy = cluster.node(1);
        LockOwner staying = first.newOwner("staying");
        staying.enqueue("moved", LockMode.CR); // node 0 masters the tree
        LockOwner worker = busy.newOwner("worker");
        Lock root = worker.enqueue("moved", LockMode.CR);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; busy.resource(Namespace.group(0), List.of("moved")).isEmpty() && System.nanoTime() < deadline; i++) {
            worker.dequeue(worker.enqueue(LockRequest.of("row" + (i % 5), LockMode.EX).withParent(root)));
        }
        assertThat(busy.resource(Namespace.group(0), List.of("moved"))).as("the tree moved to node 1").isPresent();
        assertThat(busy.masterTable().hasProxy(first.address(), staying.id())).as("the owner's proxy came along").isTrue();

        staying.close();

        ClusterTestSupport.awaitTrue("the closed owner's proxy went from node 1",
                () -> !busy.masterTable().hasProxy(first.address(), staying.id()));
    }
}
