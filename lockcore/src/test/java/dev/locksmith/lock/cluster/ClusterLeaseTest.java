package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The survivors' half of the quorum lease: a crashed node's locks are freed only after the
 * lease it held has run out, however soon its crash was detected. The lease term (3 s) is
 * longer than detection and rebuild take here (under a second), so freeing early would show.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterLeaseTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startWith("lease-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(3)));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCrashedNodesLockGoesToAWaiterOnlyAfterTheCrashedNodesLeaseRanOut() throws Exception {
        cluster.node(0).newOwner("keeper").enqueue("leased", LockMode.NL); // node 0 masters "leased"
        ClusterTestSupport.awaitTrue("node 2 holds its lease", () -> cluster.node(2).isLeaseHeld());
        cluster.node(2).newOwner("doomed").enqueue("leased", LockMode.EX);
        Lock waiting = cluster.node(1).newOwner("waiter").enqueueAsync(LockRequest.of("leased", LockMode.EX));
        ClusterTestSupport.awaitTrue("waiter queued", () -> cluster.node(0).resource(Namespace.group(0),
                List.of("leased")).map(r -> r.waiting().size()).orElse(0) == 1);
        ClusterLockManager doomed = cluster.node(2);

        doomed.crashForTest();
        boolean grantedWhileLeaseHeld = false;
        while (doomed.isLeaseHeld()) {
            // the grant is read first: seen while the lease still holds, it came too early
            boolean granted = waiting.grantedMode() != null;
            grantedWhileLeaseHeld |= granted && doomed.isLeaseHeld();
        }

        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(grantedWhileLeaseHeld).isFalse();
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
    }
}
