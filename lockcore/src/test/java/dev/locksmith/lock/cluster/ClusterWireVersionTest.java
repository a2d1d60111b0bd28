package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes that speak different lock wire versions ({@link Wire#VERSION}) cannot run together: each
 * announces its version when it joins (in its address), and a node refuses a member of another
 * version with an error naming both versions, leaving it out of its quorum, directory and
 * rebuild, instead of misreading its messages. Nodes 0 and 1 speak this build's version; node 2,
 * started beside them on the same JGroups cluster, claims the next one. Real JGroups channels on
 * 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterWireVersionTest {
    private LogCapture errors;
    private ClusterTestSupport cluster;
    private ClusterLockManager newer;

    @BeforeEach
    void startNodesOfTwoVersions() throws Exception {
        errors = LogCapture.install(ClusterLockManager.class.getName(), Level.SEVERE);
        cluster = ClusterTestSupport.startWith("wire-version-" + System.nanoTime(), 2, b -> b.expectedVotes(3));
        newer = cluster.builder(2).expectedVotes(3).wireVersion(Wire.VERSION + 1).build();
        cluster.nodes.add(newer); // closed with the others
    }

    @AfterEach
    void stop() {
        cluster.close();
        errors.close();
    }

    @Test
    void aNodeOfAnotherWireVersionJoinsTheChannelButIsRefusedByTheLockClusterWithAnErrorNamingBothVersions()
            throws Exception {
        ClusterTestSupport.awaitTrue("the JGroups view has all three nodes",
                () -> cluster.nodes.stream().allMatch(n -> n.channel().getView().size() == 3));
        ClusterTestSupport.awaitTrue("each older node logged its refusal of node 2, and node 2 its of both",
                () -> errors.wireVersionRefusals(newer.address(), Wire.VERSION + 1, Wire.VERSION) == 2
                        && errors.wireVersionRefusals(cluster.node(0).address(), Wire.VERSION, Wire.VERSION + 1) == 1
                        && errors.wireVersionRefusals(cluster.node(1).address(), Wire.VERSION, Wire.VERSION + 1) == 1);

        assertThat(cluster.node(0).members()).containsExactly(cluster.node(0).address(), cluster.node(1).address());
        assertThat(cluster.node(1).members()).containsExactly(cluster.node(0).address(), cluster.node(1).address());
        // its rebuild for the view of two waits for node 1's DONE, which may come after the errors
        ClusterTestSupport.awaitTrue("node 0 rebuilt for the view of two and serves", cluster.node(0)::isReady);
        assertThat(newer.members()).as("node 2 counts only itself").containsExactly(newer.address());
        assertThat(newer.isReady()).as("one vote of three: no quorum").isFalse();
    }

    @Test
    void theNodesOfOneVersionLockTogetherWhileTheRefusedNodeGrantsNothing() throws Exception {
        ClusterTestSupport.awaitTrue("node 2 refused by both older nodes",
                () -> errors.wireVersionRefusals(newer.address(), Wire.VERSION + 1, Wire.VERSION) == 2);
        // roots whose directory node is each member of the older nodes' view, and of the whole one
        LockOwner holder = cluster.node(0).newOwner("holder");
        LockOwner waiter = cluster.node(1).newOwner("waiter");
        for (int i = 0; i < 12; i++) {
            Lock held = holder.enqueue("versioned-" + i, LockMode.EX);
            Lock waiting = waiter.enqueueAsync(LockRequest.of("versioned-" + i, LockMode.EX));
            holder.dequeue(held);
            assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                    .isEqualTo(LockMode.EX);
            waiter.dequeue(waiting);
        }

        Lock refused = newer.newOwner("newer").enqueueAsync(
                LockRequest.of("versioned-0", LockMode.EX).withTimeout(Duration.ofMillis(500)));
        assertThat(refused.completion().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class).havingCause()
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
    }
}
