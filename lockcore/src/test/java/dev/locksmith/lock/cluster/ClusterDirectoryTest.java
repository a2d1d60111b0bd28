package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.LockOwner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The directory spread by weight (LOCKDIRWT) over three TCP nodes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterDirectoryTest {
    @Test
    void aNodeOfDirectoryWeightZeroHoldsNoEntriesWhileTheOthersShareThem() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWeighted("weights-" + System.nanoTime(), 1, 1, 0)) {
            LockOwner owner = cluster.node(2).newOwner("user");
            for (int i = 0; i < 60; i++) {
                owner.enqueue("tree-" + i, LockMode.NL);
            }

            assertThat(cluster.node(2).clusterStatistics().directoryEntries()).isZero();
            assertThat(cluster.node(0).clusterStatistics().directoryEntries()).isPositive();
            assertThat(cluster.node(1).clusterStatistics().directoryEntries()).isPositive();
            assertThat(cluster.node(0).clusterStatistics().directoryEntries()
                    + cluster.node(1).clusterStatistics().directoryEntries()).isEqualTo(60);
            assertThat(cluster.node(2).clusterStatistics().treesMastered()).isEqualTo(60);
        }
    }

    @Test
    void aJoiningNodeTakesItsShareOfTheDirectoryAndFindsTheExistingMasters() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("join-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2))) {
            LockOwner holder = cluster.node(0).newOwner("holder");
            for (int i = 0; i < 40; i++) {
                holder.enqueue("held-" + i, LockMode.EX);
            }

            cluster.nodes.add(cluster.builder(2).expectedVotes(2).build());
            cluster.awaitView(3);

            assertThat(cluster.node(2).clusterStatistics().directoryEntries()).isPositive();
            assertThat(cluster.nodes.stream().mapToInt(n -> n.clusterStatistics().directoryEntries()).sum())
                    .isEqualTo(40);
            LockOwner newcomer = cluster.node(2).newOwner("newcomer");
            for (int i = 0; i < 40; i++) {
                String name = "held-" + i;
                assertThatThrownBy(() -> newcomer.enqueue(LockRequest.of(name, LockMode.PR).withFlags(LockFlag.NOQUEUE)))
                        .isInstanceOfSatisfying(LockException.class,
                                e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
            }
        }
    }
}
