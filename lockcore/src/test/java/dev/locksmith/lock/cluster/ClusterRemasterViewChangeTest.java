package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A view change in the middle of a remastering: node 0 has exported and dropped tree "hot" for
 * node 1, but its INSTALL (and MOVED) are held back when node 2 crashes. Neither node masters
 * the tree then; the survivors' copies rebuild it at its directory node, and it ends with one
 * master, every survivor's lock, and none of the dead node's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterRemasterViewChangeTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("remaster-view-" + System.nanoTime(), 3, 3);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aRemasteringInterruptedByACrashEndsWithOneMasterAndTheSurvivorsLocks() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstRoot = first.enqueue("hot", LockMode.CR); // node 0 masters "hot"
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("hot", LockMode.CR);
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue("hot", LockMode.CR);
        Lock busyRow = busy.enqueue(LockRequest.of("kept-row", LockMode.EX).withParent(busyRoot));
        HoldMessages moveOfNode0 = HoldMessages.install(cluster.node(0), Wire.INSTALL, Wire.MOVED);

        // node 1's requests outnumber node 0's: node 0 exports the tree and its INSTALL is held
        AtomicBoolean stop = new AtomicBoolean();
        Thread worker = new Thread(() -> ClusterTestSupport.churn(busy, busyRoot, "row", stop), "busy-on-n1");
        worker.start();
        ClusterTestSupport.awaitTrue("node 0 exported the tree", () -> moveOfNode0.heldCount() >= 1);
        assertThat(cluster.node(0).clusterStatistics().remasters()).isEqualTo(1);
        assertThat(cluster.node(0).resource(Namespace.group(0), List.of("hot"))).isEmpty();

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        cluster.awaitView(2);
        moveOfNode0.release(); // from the old view now: ignored
        stop.set(true);
        worker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(worker.isAlive()).as("worker finished").isFalse();

        // node 1's activity may move the rebuilt tree once more, so the end state is awaited
        ClusterTestSupport.awaitTrue("one master, holding the survivors' locks and none of the dead node's", () -> {
            List<ResourceInfo> hot = cluster.nodes.stream()
                    .flatMap(n -> n.resource(Namespace.group(0), List.of("hot")).stream()).toList();
            return hot.size() == 1 && hot.get(0).granted().stream()
                    .map(l -> l.owner().substring(0, l.owner().indexOf('@'))).sorted().toList()
                    .equals(List.of("busy", "first"));
        });
        assertThat(firstRoot.grantedMode()).isEqualTo(LockMode.CR);
        assertThat(busyRow.grantedMode()).isEqualTo(LockMode.EX);
        // the rebuilt tree still guards its resources: another EX on kept-row waits
        Lock contender = first.enqueueAsync(LockRequest.of("kept-row", LockMode.EX).withParent(firstRoot));
        ClusterTestSupport.awaitTrue("the contender waits behind node 1's EX",
                () -> contender.queue().equals(java.util.Optional.of(LockQueue.WAITING)));
        busy.dequeue(busyRow);
        contender.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(contender.grantedMode()).isEqualTo(LockMode.EX);
    }
}
