package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node of a three-node TCP cluster crashes (its stack stops without leaving) or leaves; the
 * survivors rebuild the lock database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterRebuildTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("rebuild-" + System.nanoTime(), 3, 3);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCrashedNodesExLockIsFreedAndItsValueBlockBecomesNotValid() throws Exception {
        LockOwner keeper = cluster.node(0).newOwner("keeper");
        keeper.enqueue(LockRequest.of("vb", LockMode.NL).withFlags(LockFlag.VALBLK));
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue(LockRequest.of("vb", LockMode.EX).withFlags(LockFlag.VALBLK));
        LockOwner reader = cluster.node(1).newOwner("reader");
        Lock waiting = reader.enqueueAsync(LockRequest.of("vb", LockMode.PR).withFlags(LockFlag.VALBLK));
        ClusterTestSupport.awaitTrue("reader queued", () -> waiting.queue().equals(java.util.Optional.of(LockQueue.WAITING))
                && waitingOn(0, "vb") == 1);

        cluster.node(2).crashForTest();

        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(waiting.status()).isEqualTo(LockStatus.VALNOTVALID);
    }

    @Test
    void aTreeMasteredByACrashedNodeIsRebuiltWithSurvivorsGrantsAndWaiters() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("orphan", LockMode.NL);
        LockOwner holder = cluster.node(0).newOwner("holder");
        Lock held = holder.enqueue("orphan", LockMode.PR);
        LockOwner writer = cluster.node(1).newOwner("writer");
        Lock waiting = writer.enqueueAsync(LockRequest.of("orphan", LockMode.EX));
        ClusterTestSupport.awaitTrue("writer queued on the master", () -> waitingOn(2, "orphan") == 1);

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        cluster.awaitView(2);

        assertThat(mastersOf("orphan")).hasSize(1);
        assertThat(held.grantedMode()).isEqualTo(LockMode.PR);
        assertThat(waiting.queue()).contains(LockQueue.WAITING);
        holder.dequeue(held);
        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aSurvivingReaderVouchesForTheValueBlockOfARebuiltTree() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        Lock w = doomed.enqueue(LockRequest.of("kept", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        Arrays.fill(value, (byte) 42);
        w.setValueBlock(value);
        doomed.convert(w, LockRequest.conversionTo(LockMode.NL).withFlags(LockFlag.VALBLK));
        LockOwner reader = cluster.node(0).newOwner("reader");
        reader.enqueue(LockRequest.of("kept", LockMode.PR).withFlags(LockFlag.VALBLK));

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        cluster.awaitView(2);
        Lock later = cluster.node(1).newOwner("later").enqueue(LockRequest.of("kept", LockMode.PR).withFlags(LockFlag.VALBLK));

        assertThat(later.valueBlock()).isEqualTo(value);
        assertThat(later.status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void aRequestThatWaitedThroughTheRebuildIsToldItWaited() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("waited", LockMode.EX); // node 2 masters 'waited' and holds it
        Lock waiting = cluster.node(1).newOwner("waiter").enqueueAsync(LockRequest.of("waited", LockMode.EX));
        ClusterTestSupport.awaitTrue("waiter queued", () -> waitingOn(2, "waited") == 1);

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(waiting.status()).isEqualTo(LockStatus.NORMAL);
    }

    @Test
    void fencingTokensKeepGrowingWhenATreeMovesToANewMaster() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("fenced", LockMode.NL);
        LockOwner user = cluster.node(0).newOwner("user");
        Lock before = user.enqueue("fenced", LockMode.EX);
        long tokenBefore = before.fencingToken();
        user.convert(before, LockMode.NL);

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        cluster.awaitView(2);
        Lock after = cluster.node(1).newOwner("other").enqueue("fenced", LockMode.EX);

        assertThat(after.fencingToken()).isGreaterThan(tokenBefore);
    }

    @Test
    void aNodeThatLeavesGracefullyHasItsLocksFreed() throws Exception {
        LockOwner leaving = cluster.node(2).newOwner("leaving");
        leaving.enqueue("left", LockMode.EX);
        LockOwner waiter = cluster.node(0).newOwner("waiter");
        Lock waiting = waiter.enqueueAsync(LockRequest.of("left", LockMode.EX));
        ClusterTestSupport.awaitTrue("waiter queued", () -> waitingOn(2, "left") == 1);

        cluster.node(2).close();
        cluster.nodes.remove(2);

        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aSurvivorResendsManyCopiesInAFewLargeMessagesAndAllAreReinstalled() throws Exception {
        int trees = 10;
        int perTree = 1_000;
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        for (int t = 0; t < trees; t++) {
            doomed.enqueue("big-" + t, LockMode.NL);
        }
        LockOwner holder = cluster.node(0).newOwner("holder");
        List<Lock> subs = new java.util.ArrayList<>();
        for (int t = 0; t < trees; t++) {
            Lock root = holder.enqueue("big-" + t, LockMode.CR);
            for (int i = 0; i < perTree; i++) {
                subs.add(holder.enqueueAsync(LockRequest.of("sub-" + i, LockMode.EX).withParent(root)));
            }
        }
        for (Lock l : subs) {
            l.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        cluster.quietMessageCount();
        long sentBefore = cluster.node(0).clusterStatistics().messagesSent();

        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        cluster.awaitView(2);

        long sentDuringRebuild = cluster.node(0).clusterStatistics().messagesSent() - sentBefore;
        // 10,000 copies: at most a few RESEND messages per destination, plus REGISTER and DONE
        assertThat(sentDuringRebuild).isLessThanOrEqualTo(10);
        // awaited, not read once: node 0's requests made it the busiest node of every rebuilt
        // tree, so a tree rebuilt on node 1 may be moving to node 0, in neither engine for a moment
        ClusterTestSupport.awaitTrue("every copy installed, each tree on one master", () ->
                cluster.nodes.stream().mapToLong(n -> n.locks().stream().filter(l -> l.owner().startsWith("holder@"))
                        .count()).sum() == (long) trees * (perTree + 1)
                && java.util.stream.IntStream.range(0, trees).allMatch(t -> mastersOf("big-" + t).size() == 1));
        assertThat(subs).allSatisfy(l -> assertThat(l.grantedMode()).isEqualTo(LockMode.EX));
    }

    @Test
    void aRequestWhoseTimeoutRanOutWhileItsMasterWasLostTimesOutInsteadOfBeingGranted() throws Exception {
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("expiring", LockMode.EX);
        LockOwner waiter = cluster.node(0).newOwner("waiter");
        Lock waiting = waiter.enqueueAsync(LockRequest.of("expiring", LockMode.EX)
                .withTimeout(java.time.Duration.ofMillis(300)));
        ClusterTestSupport.awaitTrue("waiter queued on the master", () -> waitingOn(2, "expiring") == 1);

        cluster.node(2).crashForTest(); // the master dies before it could time the request out
        cluster.nodes.remove(2);
        cluster.awaitView(2);

        assertThat(waiting.completion().toCompletableFuture().handle((l, e) -> e).get(30, TimeUnit.SECONDS))
                .isNotNull();
        assertThat(waiting.status()).isEqualTo(LockStatus.TIMEOUT);
        // the dead node's EX went and nobody holds the resource now
        Lock later = cluster.node(1).newOwner("later").enqueue(LockRequest.of("expiring", LockMode.EX)
                .withFlags(LockFlag.NOQUEUE));
        assertThat(later.grantedMode()).isEqualTo(LockMode.EX);
    }

    private int waitingOn(int nodeIndex, String root) {
        return cluster.node(nodeIndex).resource(Namespace.group(0), List.of(root))
                .map(r -> r.waiting().size()).orElse(0);
    }

    private List<ClusterLockManager> mastersOf(String root) {
        return cluster.nodes.stream()
                .filter(n -> n.resource(Namespace.group(0), List.of(root)).isPresent()).toList();
    }
}
