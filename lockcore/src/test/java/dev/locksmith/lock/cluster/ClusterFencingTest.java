package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Lock#fencingToken()} only grows per resource, whichever node masters it: on each path
 * by which a tree gets a new master, the old master first gives a resource many tokens (the
 * highest of them on a lock that is gone by then), and the next grant, on the new master, must
 * carry a greater one. Three TCP nodes, two votes expected, empty trees dropped at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFencingTest {
    private static final int CHURN = 20;
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startWith("fencing-" + System.nanoTime(), 3,
                b -> b.expectedVotes(2).emptyTreeRetention(Duration.ZERO));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void tokensGrowWhenAnEmptyTreeIsDroppedAndMasteredAfreshByAnotherNode() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock lock = first.enqueue("dropped", LockMode.NL);
        long highest = churn(first, lock);
        first.dequeue(lock);
        ClusterTestSupport.awaitTrue("no node masters 'dropped' or has a directory entry for it",
                () -> cluster.nodes.stream().allMatch(n -> !mastered(n, "dropped")
                        && n.clusterStatistics().directoryEntries() == 0));

        Lock next = cluster.node(1).newOwner("next").enqueue("dropped", LockMode.EX);

        assertThat(mastered(cluster.node(1), "dropped")).as("node 1 masters the tree afresh").isTrue();
        assertThat(next.fencingToken()).isGreaterThan(highest);
    }

    @Test
    void tokensGrowWhenATreeIsRemasteredToABusierNode() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstLock = first.enqueue("moved", LockMode.NL); // node 0 masters the tree
        LockOwner reader = cluster.node(2).newOwner("reader");
        Lock read = reader.enqueue("moved", LockMode.PR);
        LockOwner busy = cluster.node(1).newOwner("busy");
        long highest = churn(first, firstLock);
        first.dequeue(firstLock);

        // node 1's refused requests count as its activity on the tree, and grant no token
        while (!mastered(cluster.node(1), "moved")) {
            try {
                busy.enqueue(LockRequest.of("moved", LockMode.EX).withFlags(LockFlag.NOQUEUE));
            } catch (LockException e) {
                assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED);
            }
        }
        reader.dequeue(read);
        Lock next = busy.enqueue("moved", LockMode.EX);

        assertThat(next.fencingToken()).isGreaterThan(highest);
    }

    @Test
    void tokensGrowWhenATreeIsRebuiltFromTheSurvivorsCopiesAfterItsMasterCrashed() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        Lock doomedLock = doomed.enqueue("rebuilt", LockMode.NL); // node 2 masters the tree
        Lock survivorCopy = cluster.node(0).newOwner("survivor").enqueue("rebuilt", LockMode.NL);
        long highest = churn(doomed, doomedLock);

        crash(2);
        Lock next = cluster.node(1).newOwner("next").enqueue("rebuilt", LockMode.EX);

        assertThat(survivorCopy.grantedMode()).isEqualTo(LockMode.NL);
        assertThat(next.fencingToken()).isGreaterThan(highest);
    }

    @Test
    void tokensGrowWhenATreeWhoseMasterCrashedWithEveryCopyIsMasteredAfresh() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        Lock doomedLock = doomed.enqueue("lost", LockMode.NL); // node 2 masters the tree; no one else uses it
        long highest = churn(doomed, doomedLock);

        crash(2);
        Lock next = cluster.node(1).newOwner("next").enqueue("lost", LockMode.EX);

        assertThat(mastered(cluster.node(1), "lost") || mastered(cluster.node(0), "lost")).isTrue();
        assertThat(next.fencingToken()).isGreaterThan(highest);
    }

    /** Converts {@code lock} up to PR and back {@value #CHURN} times; returns the highest token it was given. */
    private static long churn(LockOwner owner, Lock lock) throws InterruptedException {
        long highest = lock.fencingToken();
        for (int i = 0; i < CHURN; i++) {
            owner.convert(lock, LockMode.PR);
            highest = Math.max(highest, lock.fencingToken());
            owner.convert(lock, LockMode.NL);
            highest = Math.max(highest, lock.fencingToken());
        }
        return highest;
    }

    private void crash(int node) {
        cluster.node(node).crashForTest();
        cluster.nodes.remove(node);
        cluster.awaitView(cluster.nodes.size());
    }

    private static boolean mastered(ClusterLockManager node, String root) {
        return node.resource(Namespace.group(0), List.of(root)).isPresent();
    }
}
