package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 002's dynamic remastering on three TCP nodes: a tree first used (and so mastered) on
 * node 0 moves to node 1 once node 1's requests on it clearly outnumber node 0's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterRemasteringTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("remaster-" + System.nanoTime(), 3, 3);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aTreeMovesToTheNodeWhereTheWorkloadShiftedWithItsLocksAndValueBlock() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstRoot = first.enqueue(LockRequest.of("hot", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        Arrays.fill(value, (byte) 9);
        firstRoot.setValueBlock(value);
        first.convert(firstRoot, LockRequest.conversionTo(LockMode.CR).withFlags(LockFlag.VALBLK));
        LockOwner bystander = cluster.node(2).newOwner("bystander");
        Lock kept = bystander.enqueue("hot", LockMode.CR);
        Lock keptSub = bystander.enqueue(LockRequest.of("pinned", LockMode.EX).withParent(kept));
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue("hot", LockMode.CR);
        Lock queuedBehindPinned = busy.enqueueAsync(LockRequest.of("pinned", LockMode.PR).withParent(busyRoot));

        AtomicBoolean moved = new AtomicBoolean();
        Thread slow = new Thread(() -> workUntil(first, firstRoot, moved, 20), "slow-on-n0");
        slow.start();
        workUntil(busy, busyRoot, moved, 0, () -> cluster.node(1).resource(Namespace.group(0), List.of("hot")).isPresent());
        slow.join();

        assertThat(cluster.node(0).resource(Namespace.group(0), List.of("hot"))).isEmpty();
        assertThat(cluster.node(0).clusterStatistics().remasters()).isEqualTo(1);
        assertThat(kept.grantedMode()).isEqualTo(LockMode.CR);
        assertThat(keptSub.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(queuedBehindPinned.queue()).contains(LockQueue.WAITING);
        bystander.dequeue(keptSub);
        queuedBehindPinned.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Lock reader = cluster.node(1).newOwner("reader").enqueue(LockRequest.of("hot", LockMode.NL).withFlags(LockFlag.VALBLK));
        assertThat(reader.valueBlock()).isEqualTo(value);
    }

    @Test
    void afterMovingATreeItsNewMasterUsesItWithoutMessages() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstRoot = first.enqueue("moving", LockMode.CR);
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue("moving", LockMode.CR);
        first.dequeue(firstRoot);
        workUntil(busy, busyRoot, new AtomicBoolean(), 0,
                () -> cluster.node(1).resource(Namespace.group(0), List.of("moving")).isPresent());
        ClusterTestSupport.awaitTrue("everyone knows the new master", () -> cluster.nodes.stream().allMatch(ClusterLockManager::isReady));
        // node 1 sends MOVED in the protocol task that installed the tree, after the tree shows:
        // once a later protocol task of node 1 ran (members() runs on it), they count as sent
        cluster.node(1).members();
        Lock warm = busy.enqueue(LockRequest.of("row", LockMode.EX).withParent(busyRoot));
        busy.dequeue(warm);
        long before = totalMessages();

        for (int i = 0; i < 50; i++) {
            Lock sub = busy.enqueue(LockRequest.of("row", LockMode.EX).withParent(busyRoot));
            busy.dequeue(sub);
        }

        assertThat(totalMessages()).isEqualTo(before);
    }

    private void workUntil(LockOwner owner, Lock root, AtomicBoolean stop, long pauseMillis) {
        workUntil(owner, root, stop, pauseMillis, stop::get);
    }

    /** Sublock requests under {@code root} until {@code done}; then sets {@code stop}. */
    private static void workUntil(LockOwner owner, Lock root, AtomicBoolean stop, long pauseMillis,
                                  java.util.function.BooleanSupplier done) {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int i = 0;
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                Lock sub = owner.enqueue(LockRequest.of("row" + (i++ % 5), LockMode.EX).withParent(root));
                owner.dequeue(sub);
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
            stop.set(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long totalMessages() {
        return cluster.quietMessageCount();
    }
}
