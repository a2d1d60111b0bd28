package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/** What a member sent before it came back after the others excluded it is void; nothing else is. */
class RejoinsTest {
    private final Address a = UUID.randomUUID();
    private final Address b = UUID.randomUUID();
    private final Address c = UUID.randomUUID();
    private final Rejoins rejoins = new Rejoins();

    @Test
    void aMemberExcludedWithQuorumAndBackVoidsWhatItSentBeforeTheViewItCameBackIn() {
        rejoins.viewInstalled(List.of(a, b, c), List.of(a, b), 5, true);
        rejoins.viewInstalled(List.of(a, b), List.of(a, b, c), 7, true);

        assertThat(rejoins.sentBeforeRejoining(c, 4)).as("sent in the view it left").isTrue();
        assertThat(rejoins.sentBeforeRejoining(c, 6)).as("sent in a view of its own while apart").isTrue();
        assertThat(rejoins.sentBeforeRejoining(c, 7)).as("sent in the view it came back in").isFalse();
        assertThat(rejoins.sentBeforeRejoining(a, 4)).as("a member that never left").isFalse();
    }

    @Test
    void aMemberThatLeftAViewWithoutQuorumVoidsNothing() {
        rejoins.viewInstalled(List.of(a, b, c), List.of(a), 5, false); // this node is the minority
        rejoins.viewInstalled(List.of(a), List.of(a, b, c), 7, true);

        assertThat(rejoins.sentBeforeRejoining(b, 4)).isFalse();
    }

    @Test
    void aMemberThatLeavesAgainIsForgottenUntilItComesBackAgain() {
        rejoins.viewInstalled(List.of(a, b, c), List.of(a, b), 5, true);
        rejoins.viewInstalled(List.of(a, b), List.of(a, b, c), 7, true);
        rejoins.viewInstalled(List.of(a, b, c), List.of(a, b), 8, true);

        assertThat(rejoins.sentBeforeRejoining(c, 6)).as("not a member: Incoming drops it anyway").isFalse();

        rejoins.viewInstalled(List.of(a, b), List.of(a, b, c), 10, true);
        assertThat(rejoins.sentBeforeRejoining(c, 9)).isTrue();
        assertThat(rejoins.sentBeforeRejoining(c, 10)).isFalse();
    }

    @Test
    void onlyTheLatestDeparturesAreRemembered() {
        List<Address> departed = new ArrayList<>();
        for (int i = 0; i <= Rejoins.REMEMBERED; i++) {
            Address gone = UUID.randomUUID();
            departed.add(gone);
            rejoins.viewInstalled(List.of(a, gone), List.of(a), i, true);
        }
        Address oldest = departed.get(0);
        Address newest = departed.get(departed.size() - 1);
        rejoins.viewInstalled(List.of(a), List.of(a, oldest, newest), 100_000, true);

        assertThat(rejoins.sentBeforeRejoining(oldest, 0)).as("one departure too many ago: forgotten").isFalse();
        assertThat(rejoins.sentBeforeRejoining(newest, Rejoins.REMEMBERED)).isTrue();
    }
}
