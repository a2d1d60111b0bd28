package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.BytesMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The survivors' wait for a departed node's lease when a member's DONE of the view arrives a
 * second time, saying that lease runs longer than the first said: in fork mode a member answers
 * a late fork's HELLO with its DONE again, its outstanding lease measured anew. The rebuild
 * still completes, once the later end has passed. The second DONE is sent here over the
 * member's real channel (one sent with a chosen, longer lease end); the lease term (10 s) is
 * longer than detecting the crash and sending it take, so it arrives while the first wait runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterDepartedLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(10);
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startWith("departed-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(LEASE));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aSecondDoneOfTheViewThatExtendsTheDepartedLeaseDelaysTheRebuildWithoutStallingIt() throws Exception {
        ClusterLockManager survivor = cluster.node(0);
        ClusterLockManager member = cluster.node(1);
        ClusterLockManager doomed = cluster.node(2);
        survivor.newOwner("keeper").enqueue("leased", LockMode.NL); // node 0 masters "leased"
        ClusterTestSupport.awaitTrue("node 2 holds its lease", doomed::isLeaseHeld);
        doomed.newOwner("doomed").enqueue("leased", LockMode.EX);
        Lock waiting = member.newOwner("waiter").enqueueAsync(LockRequest.of("leased", LockMode.EX));
        ClusterTestSupport.awaitTrue("waiter queued", () -> survivor.resource(Namespace.group(0),
                List.of("leased")).map(r -> r.waiting().size()).orElse(0) == 1);

        doomed.crashForTest();
        // both survivors installed the view without node 2 and sent their DONEs (node 0's to
        // itself handled at once): node 0 waits for node 2's lease to run out
        ClusterTestSupport.awaitTrue("both survivors installed the view without node 2",
                () -> survivor.members().size() == 2 && member.members().size() == 2);
        assertThat(survivor.isReady()).as("node 0 waits for the departed lease").isFalse();
        long view = viewOf(survivor);
        // the member's DONE again, after its first (one sender's messages arrive in order), with a later end
        Wire again = Wire.message(Wire.DONE, view).putLong(LEASE.plusSeconds(5).toNanos());
        member.channel().send(new BytesMessage(survivor.address(), again.toBytes()));

        assertThat(waiting.completion().toCompletableFuture())
                .as("node 0 completed the rebuild once the later end passed, freeing node 2's lock")
                .succeedsWithin(Duration.ofSeconds(60));
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        ClusterTestSupport.awaitTrue("node 0 completed the rebuild", survivor::isReady);
    }

    /** The id of the view {@code node} installed last. */
    private static long viewOf(ClusterLockManager node) {
        return node.channel().getView().getViewId().getId();
    }
}
