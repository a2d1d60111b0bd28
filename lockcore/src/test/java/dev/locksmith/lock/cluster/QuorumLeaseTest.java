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
    private static final long VIEW = 7;
    private final Address self = UUID.randomUUID();
    private final Address a = UUID.randomUUID();
    private final Address b = UUID.randomUUID();
    private final Address c = UUID.randomUUID();
    private final Address d = UUID.randomUUID();

    @Test
    void aNodeThatIsAMajorityOnItsOwnHoldsTheLeaseWithoutPinging() {
        QuorumLease lease = new QuorumLease(TERM, 1);
        lease.view(List.of(self, a), self, VIEW);

        assertThat(lease.needsPings()).isFalse();
        assertThat(lease.isHeld()).isTrue();
    }

    @Test
    void noLeaseUntilAMajorityAnswered() {
        QuorumLease lease = new QuorumLease(TERM, 5);
        lease.view(List.of(self, a, b, c, d), self, VIEW);
        long sent = System.nanoTime();

        lease.answered(a, sent, VIEW);
        assertThat(lease.isHeld()).isFalse();
        lease.answered(b, sent, VIEW);
        assertThat(lease.isHeld()).isTrue();
    }

    @Test
    void theLeaseRunsOutATermAfterTheMajoritysLatestAnsweredPingWasSent() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        long now = System.nanoTime();

        lease.answered(a, now - TERM - 1, VIEW);
        assertThat(lease.isHeld()).as("answered a ping sent more than a term ago").isFalse();
        lease.answered(a, now, VIEW);
        assertThat(lease.isHeld()).isTrue();
        ClusterTestSupport.awaitTrue("lease ran out", () -> !lease.isHeld());
        assertThat(System.nanoTime() - now).isGreaterThanOrEqualTo(TERM);
    }

    @Test
    void answersFromNodesOutsideTheViewDoNotCount() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a), self, VIEW);

        lease.answered(b, System.nanoTime(), VIEW);

        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void aMemberThatLeftNoLongerCountsTowardsTheLease() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.answered(a, System.nanoTime(), VIEW);

        lease.view(List.of(self, b), self, VIEW + 1);

        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void onlyPingsFromMembersAreAnswered() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a), self, VIEW);

        assertThat(lease.answer(a, VIEW)).isTrue();
        assertThat(lease.answer(b, VIEW)).isFalse();
    }

    @Test
    void pingsSentInAnOlderViewThanThePreviousAreNotAnswered() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);

        assertThat(lease.answer(a, VIEW - 1)).as("sent by a node still in an older view").isFalse();
    }

    @Test
    void aMemberAlreadyInANewerViewIsAnsweredWhileThisNodeInstallsItLate() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);

        assertThat(lease.answer(a, VIEW + 1)).as("b left: a installed the next view first").isTrue();
    }

    @Test
    void aNodeThisNodesViewExcludedIsNotAnsweredWhateverViewItNames() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.view(List.of(self, a), self, VIEW + 1);

        assertThat(lease.answer(b, VIEW + 2)).isFalse();
        assertThat(lease.answer(b, VIEW)).isFalse();
    }

    @Test
    void aMemberStillInstallingTheNewViewIsAnsweredInThePreviousOne() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.view(List.of(self, a, b, c), self, VIEW + 1);

        assertThat(lease.answer(a, VIEW)).as("a was a member of both views").isTrue();
        assertThat(lease.answer(c, VIEW)).as("c joined in the new view").isFalse();
        assertThat(lease.answer(a, VIEW - 1)).as("two views back").isFalse();
    }

    @Test
    void aNodeExcludedAndMergedBackIsNotAnsweredInTheViewItMissed() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, c), self, VIEW);
        lease.view(List.of(self, a), self, VIEW + 1); // c excluded: paused, say
        lease.view(List.of(self, a, c), self, VIEW + 2); // merged back

        assertThat(lease.answer(c, VIEW)).as("c still in the view it had before its pause").isFalse();
        assertThat(lease.answer(c, VIEW + 1)).isFalse();
        assertThat(lease.answer(c, VIEW + 2)).isTrue();
    }

    @Test
    void answersGivenInAnotherViewDoNotCount() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);

        lease.answered(a, System.nanoTime(), VIEW + 1);

        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void aDepartedNodeThisNodeAnsweredMayHoldItsLeaseForUpToATermAndAFifth() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.answer(a, VIEW);
        lease.answer(b, VIEW);

        lease.view(List.of(self, b), self, VIEW + 1);

        assertThat(lease.outstandingNanos()).isPositive().isLessThanOrEqualTo(TERM + TERM / 5);
    }

    @Test
    void aLeaseLostBecauseItsAnswerersLeftIsALapseOfItsOwnNotTheStartsNoLease() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        long startsNoLease = lease.lapsedAt();
        lease.answered(a, System.nanoTime(), VIEW);
        assertThat(lease.isHeld()).isTrue();

        lease.view(List.of(self, b, c), self, VIEW + 1); // a, the one that answered, left

        assertThat(lease.isHeld()).isFalse();
        assertThat(lease.lapsedAt()).as("a lapse LeaseGuard has not cleared yet").isNotEqualTo(startsNoLease)
                .isNotEqualTo(QuorumLease.FOREVER);
    }

    @Test
    void aDepartedNodeWithALongerTermIsWaitedOutForItsTerm() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.answer(a, VIEW, 3 * TERM); // its ping said it holds its lease 3 terms after the send

        lease.view(List.of(self, b), self, VIEW + 1);

        assertThat(lease.outstandingNanos()).isGreaterThan(TERM + TERM / 5).isLessThanOrEqualTo(3 * TERM + 3 * TERM / 5);
    }

    @Test
    void aDepartedNodeWithAShorterTermIsWaitedOutForThisNodesTerm() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        long before = System.nanoTime();
        lease.answer(a, VIEW, TERM / 10);

        lease.view(List.of(self, b), self, VIEW + 1);

        long outstanding = lease.outstandingNanos();
        long elapsed = System.nanoTime() - before;
        assertThat(outstanding).isGreaterThanOrEqualTo(TERM + TERM / 5 - elapsed);
    }

    @Test
    void nothingIsOutstandingForMembersOrForNodesAnsweredLongAgo() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(self, a, b), self, VIEW);
        lease.answer(a, VIEW);

        assertThat(lease.outstandingNanos()).as("a is still a member").isZero();
        lease.view(List.of(self, b), self, VIEW + 1);
        ClusterTestSupport.awaitTrue("a's lease ran out", () -> lease.outstandingNanos() == 0);
    }

    @Test
    void theMembersToPingAreTheViewWithoutThisNode() {
        QuorumLease lease = new QuorumLease(TERM, 3);
        lease.view(List.of(a, self, b), self, VIEW);

        assertThat(lease.others()).containsExactly(a, b);
    }
}
