package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three TCP nodes expecting three votes; node 2 is cut off by a JGroups DISCARD protocol above
 * its transport, so each side installs its own view: the majority {n0, n1} keeps quorum, the
 * minority {n2} loses it. Before that, node 2's quorum lease runs out (500 ms, against 2 s for
 * failure detection). Then the partition heals and MERGE3 merges the views.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterQuorumTest {
    private ClusterTestSupport cluster;
    private DISCARD cut;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("quorum-" + System.nanoTime(), 3, 3);
        cut = new DISCARD();
        cluster.node(2).channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private void partition() {
        cut.discardAll(true);
        ClusterTestSupport.awaitTrue("minority lost quorum", () -> !cluster.node(2).clusterStatistics().hasQuorum());
        ClusterTestSupport.awaitTrue("majority rebuilt without n2", () -> cluster.node(0).isReady()
                && cluster.node(1).isReady() && cluster.node(0).members().size() == 2
                && cluster.node(1).members().size() == 2);
    }

    private void heal() {
        cut.discardAll(false);
        cluster.awaitView(3);
    }

    @Test
    void aMinorityGrantsNothingEvenOnAFreeResourceUntilItMergesBack() throws Exception {
        partition();
        LockOwner minority = cluster.node(2).newOwner("minority");

        assertThatThrownBy(() -> minority.enqueue(LockRequest.of("free", LockMode.EX).withTimeout(Duration.ofMillis(300))))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        Lock pending = minority.enqueueAsync(LockRequest.of("free", LockMode.EX));
        Lock majorityLock = cluster.node(1).newOwner("majority").enqueue("free", LockMode.EX);
        assertThat(majorityLock.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(pending.grantedMode()).isNull();

        heal();
        majorityLock.owner().dequeue(majorityLock);
        pending.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(pending.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aCutOffMasterGrantsNothingOnceItsLeaseRunsOutThoughItsViewStillHasQuorum() throws Exception {
        LockOwner root = cluster.node(2).newOwner("root");
        root.enqueue("cut-off", LockMode.NL); // node 2 masters "cut-off"
        LockOwner late = cluster.node(2).newOwner("late");

        cut.discardAll(true);
        ClusterTestSupport.awaitTrue("node 2's lease ran out", () -> !cluster.node(2).isLeaseHeld());
        Lock request = late.enqueueAsync(LockRequest.of("cut-off", LockMode.EX));
        Thread.sleep(300);

        assertThat(cluster.node(2).clusterStatistics().hasQuorum())
                .as("node 2 has not yet learnt it is a minority (failure detection takes 2 s)").isTrue();
        assertThat(request.grantedMode()).as("a free resource on node 2's own tree").isNull();

        ClusterTestSupport.awaitTrue("minority lost quorum", () -> !cluster.node(2).clusterStatistics().hasQuorum());
        heal();
        request.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(request.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aLockHeldInACutOffMinorityIsClearedWhenItsLeaseRunsOutBeforeTheMajorityTakesIt() throws Exception {
        LockOwner minority = cluster.node(2).newOwner("minority");
        Lock held = minority.enqueue("contested", LockMode.EX); // node 2 masters "contested" too
        AtomicLong clearedAt = new AtomicLong();
        AtomicBoolean quorumWhenCleared = new AtomicBoolean();
        minority.addClearListener((owner, locks) -> {
            if (locks.contains(held)) {
                quorumWhenCleared.set(cluster.node(2).clusterStatistics().hasQuorum());
                clearedAt.set(System.nanoTime());
            }
        });

        cut.discardAll(true);
        Lock taken = cluster.node(0).newOwner("majority").enqueueAsync(LockRequest.of("contested", LockMode.EX));
        taken.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        long takenAt = System.nanoTime();

        assertThat(clearedAt.get()).as("cleared before the majority took it").isNotZero().isLessThan(takenAt);
        assertThat(quorumWhenCleared.get()).as("cleared by the lease, before node 2 learnt it is a minority").isTrue();
        assertThat(held.queue()).isEmpty();
    }

    @Test
    void aLockHeldInTheMinorityIsClearedThereSoTheMajorityCanTakeIt() throws Exception {
        LockOwner minority = cluster.node(2).newOwner("minority");
        List<Lock> cleared = new CopyOnWriteArrayList<>();
        minority.addClearListener((owner, locks) -> cleared.addAll(locks));
        Lock held = minority.enqueue("contested", LockMode.EX);

        partition();
        Lock taken = cluster.node(0).newOwner("majority").enqueue("contested", LockMode.EX);

        assertThat(taken.grantedMode()).isEqualTo(LockMode.EX);
        ClusterTestSupport.awaitTrue("minority told its lock is gone", () -> cleared.contains(held));
        assertThat(held.queue()).isEmpty();
    }

    @Test
    void localNamespaceLocksKeepWorkingWithoutQuorum() throws Exception {
        LockOwner owner = cluster.node(2).newOwner("local-user");
        Lock before = owner.enqueue(LockRequest.of("node-only", LockMode.EX).withFlags(LockFlag.LOCAL));

        partition();
        Lock during = owner.enqueue(LockRequest.of("also-node-only", LockMode.EX).withFlags(LockFlag.LOCAL));

        assertThat(before.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(during.grantedMode()).isEqualTo(LockMode.EX);
    }
}
