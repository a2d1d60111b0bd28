package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trees whose last lock went are forgotten by their master and their directory node (a DROP
 * message); a request racing with the drop ends at exactly one master, and one refused by the
 * old master after its timeout ran out still times out while it looks the tree up again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTreeDropTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        // a 3 s quorum lease: these tests are not about the lease, and a loaded machine's pauses
        // lapsed the default one, whose clear took a raced lock (seen under two busy loops)
        cluster = ClusterTestSupport.startWith("drop-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).emptyTreeRetention(Duration.ZERO).quorumLease(Duration.ofSeconds(3)));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void treesUsedAndReleasedFromARemoteNodeLeaveNoEntryOnAnyNode() throws Exception {
        LockOwner master = cluster.node(1).newOwner("master");
        LockOwner remote = cluster.node(0).newOwner("remote");
        List<Lock> masterLocks = new ArrayList<>();
        List<Lock> remoteLocks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            masterLocks.add(master.enqueue("drop-tree-" + i, LockMode.NL));
            Lock root = remote.enqueue("drop-tree-" + i, LockMode.CR);
            remoteLocks.add(remote.enqueue(LockRequest.of("row", LockMode.EX).withParent(root)));
            remoteLocks.add(root);
        }
        assertThat(cluster.node(1).clusterStatistics().treesMastered()).isEqualTo(60);
        assertThat(cluster.nodes.stream().mapToInt(n -> n.clusterStatistics().directoryEntries()).sum()).isEqualTo(60);

        remoteLocks.forEach(remote::dequeue);
        masterLocks.forEach(master::dequeue);

        ClusterTestSupport.awaitTrue("no tree mastered, no directory entry, no known master on any node",
                () -> cluster.nodes.stream().allMatch(n -> n.clusterStatistics().treesMastered() == 0
                        && n.clusterStatistics().directoryEntries() == 0 && n.knownMasters() == 0));
        // used again, a tree gets a master and an entry again: its new first user
        Lock again = remote.enqueue("drop-tree-7", LockMode.EX);
        assertThat(cluster.node(0).clusterStatistics().treesMastered()).isEqualTo(1);
        assertThat(cluster.nodes.stream().mapToInt(n -> n.clusterStatistics().directoryEntries()).sum()).isEqualTo(1);
        remote.dequeue(again);
    }

    @Test
    void aRequestRacingWithTheDropOfItsTreeEndsAtExactlyOneMaster() throws Exception {
        LockOwner first = cluster.node(1).newOwner("first");
        LockOwner a = cluster.node(0).newOwner("a");
        LockOwner b = cluster.node(2).newOwner("b");
        for (int i = 0; i < 150; i++) {
            String name = "race-" + i;
            Lock l = first.enqueue(name, LockMode.EX);
            CyclicBarrier start = new CyclicBarrier(3);
            Lock[] requests = new Lock[2];
            Thread ta = new Thread(() -> requests[0] = await(start, () -> a.enqueueAsync(LockRequest.of(name, LockMode.EX))));
            Thread tb = new Thread(() -> requests[1] = await(start, () -> b.enqueueAsync(LockRequest.of(name, LockMode.EX))));
            ta.start();
            tb.start();
            await(start, () -> {
                first.dequeue(l); // the tree empties on node 1 and is dropped while a and b ask for it
                return null;
            });
            ta.join();
            tb.join();

            ClusterTestSupport.awaitTrue("one of the racing requests granted",
                    () -> isGranted(requests[0]) || isGranted(requests[1]));
            int winner = isGranted(requests[0]) ? 0 : 1;
            Lock loser = requests[1 - winner];
            ClusterTestSupport.awaitTrue("the other request waits at the same master",
                    () -> mastersOf(name).size() == 1 && waitingOn(mastersOf(name).get(0), name) == 1);
            assertThat(loser.queue()).as("iteration %d", i).contains(LockQueue.WAITING);
            assertThat(cluster.nodes.stream().mapToInt(n -> n.clusterStatistics().directoryEntries()).sum())
                    .as("directory entries after iteration %d", i).isEqualTo(1);

            (winner == 0 ? a : b).dequeue(requests[winner]);
            loser.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(mastersOf(name)).hasSize(1);
            (winner == 0 ? b : a).dequeue(loser);
            // the drop is asynchronous (and put off while its master is busy): the next iteration
            // counts directory entries, so this tree's must be gone first
            ClusterTestSupport.awaitTrue("raced tree " + i + " dropped everywhere",
                    () -> cluster.nodes.stream().allMatch(n -> n.clusterStatistics().treesMastered() == 0
                            && n.clusterStatistics().directoryEntries() == 0));
        }
    }

    @Test
    void aRequestRefusedByItsDroppedMasterAfterItsTimeoutRanOutTimesOutWhileItsTreeIsLookedUpAgain() throws Exception {
        String root = ClusterTestSupport.rootDirectedTo(cluster.node(2).address(), cluster.node(0).members());
        // node 1 masters the tree, then drops it; its DROP is held, so node 2 still names it the master
        HoldMessages dropOfNode1 = cluster.masteredThenDroppedWithDropHeld(1, root);
        HoldMessages refusalOfNode1 = HoldMessages.install(cluster.node(1), Wire.NOTMASTER);
        HoldMessages lookupsOfNode0 = null;
        try {
            Lock request = cluster.node(0).newOwner("late").enqueueAsync(
                    LockRequest.of(root, LockMode.EX).withTimeout(Duration.ofSeconds(2)));
            ClusterTestSupport.awaitTrue("node 1 refused the request (NOTMASTER held)",
                    () -> refusalOfNode1.heldCount() == 1);
            ClusterTestSupport.awaitTrue("the request's timeout ran out", () -> ((ClusterLock) request).timedOut());
            cluster.node(0).awaitDueTimerTasks(); // its timeout found it sent to node 1, and left it to node 1
            // the refusal sends it to look the tree up again, and the lookup stays unanswered
            lookupsOfNode0 = HoldMessages.install(cluster.node(0), Wire.LOOKUP);
            refusalOfNode1.release();

            assertThat(request.completion().toCompletableFuture()).failsWithin(Duration.ofSeconds(20))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        } finally {
            refusalOfNode1.release();
            if (lookupsOfNode0 != null) {
                lookupsOfNode0.release();
            }
            dropOfNode1.release();
        }
    }

    @Test
    void aSublockMadeWhileAClearTakesItsRootLeavesNoCountBehindAndItsTreeIsDropped() throws Exception {
        ClusterLockManager node = cluster.node(0);
        LockOwner owner = node.newOwner("owner");
        Lock root = owner.enqueue("cleared", LockMode.CR); // node 0 masters the tree
        TreeKey tree = new TreeKey(Namespace.group(0), "cleared");
        java.util.concurrent.atomic.AtomicInteger countWhenCleared = new java.util.concurrent.atomic.AtomicInteger(-1);
        node.masterTable().beforeTrack = () -> {
            node.masterTable().beforeTrack = null;
            // the sublock is in the engine but not counted yet: an administrator clears its root
            // now, which empties the root's subtree count (and the tree's) before the sublock joins it
            try {
                CompletableFuture.runAsync(() -> node.clearLock(node.adminCapability(), root.id()))
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the clear of the root failed", e);
            }
            countWhenCleared.set(node.masterTable().lockCount(tree));
        };
        Lock sub = owner.enqueueAsync(LockRequest.of("sub", LockMode.EX).withParent(root));
        ClusterTestSupport.awaitTrue("the sublock's request reached the master table", () -> countWhenCleared.get() != -1);

        assertThat(countWhenCleared.get()).as("the tree's count when the sublock was about to join it").isZero();
        assertThat(root.queue()).as("the root was cleared").isEmpty();
        ClusterTestSupport.awaitTrue("the sublock went with its root", () -> sub.queue().isEmpty());
        ClusterTestSupport.awaitTrue("no lock and no count left: the tree is dropped everywhere",
                () -> node.masterTable().lockCount(tree) == 0 && node.resource(Namespace.group(0), List.of("cleared")).isEmpty()
                        && cluster.nodes.stream().allMatch(n -> n.clusterStatistics().treesMastered() == 0
                        && n.clusterStatistics().directoryEntries() == 0));
        Lock again = cluster.node(1).newOwner("next").enqueue("cleared", LockMode.EX);
        assertThat(again.grantedMode()).isEqualTo(LockMode.EX);
    }

    private static boolean isGranted(Lock l) {
        return l.queue().equals(java.util.Optional.of(LockQueue.GRANTED));
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T await(CyclicBarrier barrier, Step<T> step) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
            return step.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<ClusterLockManager> mastersOf(String root) {
        return cluster.nodes.stream()
                .filter(n -> n.resource(Namespace.group(0), List.of(root)).isPresent()).toList();
    }

    private static int waitingOn(ClusterLockManager node, String root) {
        return node.resource(Namespace.group(0), List.of(root)).map(r -> r.waiting().size()).orElse(0);
    }
}
