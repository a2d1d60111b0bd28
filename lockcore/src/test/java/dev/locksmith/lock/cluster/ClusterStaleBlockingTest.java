package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jgroups.BytesMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A BLOCKING message that arrives after the grant it was sent for was cleared (an
 * administrative clear here; a lapsed lease's clear and a lost quorum dequeue copies the same
 * way) calls no handler: it names its lock by id, ids are never reused on a node, and a dead
 * copy ignores it, so the lock made next, on the same resource, hears only of its own blocking.
 * The stale message is sent over the master's real channel, before the real one (one sender's
 * messages arrive in order).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterStaleBlockingTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("stale-blocking-" + System.nanoTime(), 2, 2);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aBlockingForAClearedGrantReachesNeitherItsLockNorTheLockMadeAfterIt() throws Exception {
        ClusterLockManager holderNode = cluster.node(0);
        ClusterLockManager master = cluster.node(1);
        master.newOwner("keeper").enqueue("blocked", LockMode.NL); // node 1 masters the tree
        LockOwner holder = holderNode.newOwner("holder");
        List<LockMode> toCleared = new CopyOnWriteArrayList<>();
        List<LockMode> toNext = new CopyOnWriteArrayList<>();
        Lock cleared = holder.enqueue(LockRequest.of("blocked", LockMode.PR)
                .withBlockingHandler((l, mode) -> toCleared.add(mode)));
        holderNode.clearLock(holderNode.adminCapability(), cleared.id());
        Lock next = holder.enqueue(LockRequest.of("blocked", LockMode.PR)
                .withBlockingHandler((l, mode) -> toNext.add(mode)));
        long view = master.channel().getView().getViewId().getId();

        // the master's BLOCKING for the cleared grant, late: then the real one for the next lock
        Wire stale = Wire.message(Wire.BLOCKING, view).putLong(cleared.id()).putByte(LockMode.PW.ordinal());
        master.channel().send(new BytesMessage(holderNode.address(), stale.toBytes()));
        Lock waiting = master.newOwner("writer").enqueueAsync(LockRequest.of("blocked", LockMode.EX));

        ClusterTestSupport.awaitTrue("the next lock heard it blocks the writer", () -> !toNext.isEmpty());
        holder.dequeue(next);
        assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.EX);
        assertThat(toNext).as("the next lock's handler heard only its own blocking").containsExactly(LockMode.EX);
        assertThat(toCleared).as("the cleared lock's handler").isEmpty();
    }
}
