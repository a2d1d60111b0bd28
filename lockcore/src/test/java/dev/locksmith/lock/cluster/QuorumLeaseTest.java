package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/** The quorum lease on its own: who counts, when it runs out, and what the survivors wait for. */
class QuorumLeaseTest {
    private static final long TERM = Duration.ofMillis(200).toNanos();
    private final Address self = UUID.randomUUID();
    private final Address a = UUID.randomUUID();
    private final Address b = UUID.randomUUID();
    private final Address c = UUID.randomUUID();
    private final Address d = UUID.randomUUID();

    @Test
    void aNodeThatIsAMajorityOnItsOwnHoldsTheLeaseWithoutPinging() {
        QuorumLease lease = new QuorumLease(TERM, 1);
        lease.view(List.of(self, a), self);

        assertThat(lease.needsPings()).isFalse();
        assertThat(lease.isHeld()).isTrue();
    }

    @Test
    void noLeaseUntilAMajorityAnswered() {
        QuorumLease lease = new QuorumLease(TERM, 5);
        lease.view(List.of(self, a, b, c, d), self);
        long sent = System.nanoTime();

        lease.answered(a, sent);
        assertThat(lease.isHeld()).isFalse();
        lease.answered(b, sent);
        assertThat(lease.isHeld()).isTrue();
    }

    @Test
    void theLeaseRunsOutATermAfterTheMajoritysLatestAnsweredPingWasSent() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self);
        long now = System.nanoTime();

        lease.answered(a, now - TERM - 1);
        assertThat(lease.isHeld()).as("answered a ping sent more than a term ago").isFalse();
        lease.answered(a, now);
        assertThat(lease.isHeld()).isTrue();
        ClusterTestSupport.awaitTrue("lease ran out", () -> !lease.isHeld());
        assertThat(System.nanoTime() - now).isGreaterThanOrEqualTo(TERM);
    }

    @Test
    void answersFromNodesOutsideTheViewDoNotCount() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a), self);

        lease.answered(b, System.nanoTime());

        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void aMemberThatLeftNoLongerCountsTowardsTheLease() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self);
        lease.answered(a, System.nanoTime());

        lease.view(List.of(self, b), self);

        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void onlyPingsFromMembersAreAnswered() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a), self);

        assertThat(lease.answer(a)).isTrue();
        assertThat(lease.answer(b)).isFalse();
    }

    @Test
    void aDepartedNodeThisNodeAnsweredMayHoldItsLeaseForUpToATermAndAFifth() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self);
        lease.answer(a);
        lease.answer(b);

        lease.view(List.of(self, b), self);

        assertThat(lease.outstandingNanos()).isPositive().isLessThanOrEqualTo(TERM + TERM / 5);
    }

    @Test
    void nothingIsOutstandingForMembersOrForNodesAnsweredLongAgo() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self);
        lease.answer(a);

        assertThat(lease.outstandingNanos()).as("a is still a member").isZero();
        lease.view(List.of(self, b), self);
        ClusterTestSupport.awaitTrue("a's lease ran out", () -> lease.outstandingNanos() == 0);
    }

    @Test
    void theMembersToPingAreTheViewWithoutThisNode() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(a, self, b), self);

        assertThat(lease.others()).containsExactly(a, b);
    }
}
