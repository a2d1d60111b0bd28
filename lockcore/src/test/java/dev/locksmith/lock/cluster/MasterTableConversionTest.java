package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A master takes each conversion number of a lock once: the same conversion may reach it twice
 * (inside a rebuild's RESEND, then in its own CONVERT), and the second must change nothing. A
 * conversion pending when its tree is exported for a new master goes with its own request.
 */
class MasterTableConversionTest extends MasterTableFixture {
    /** Lock 1 of node A and lock 2 of node B, both PR on T. */
    private void bothNodesReadT() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.PR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.PR, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("both granted", () -> replies.size() == 2);
    }

    @Test
    void aConversionArrivingTwiceIsTakenOnceAndGrantedOnce() {
        bothNodesReadT();

        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);
        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);
        master.dequeue(nodeA, 1, 1, 0, false, new byte[0]);
        ClusterTestSupport.awaitTrue("the conversion granted", () -> replies.contains("granted 2 EX"));

        assertThat(replies).containsExactly("granted 1 PR", "granted 2 PR", "granted 2 EX");
    }

    @Test
    void aConversionThatCameAgainAfterItsGrantChangesNothing() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.NL, 0, NO_TIMEOUT, false, "T", tree);
        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);
        ClusterTestSupport.awaitTrue("granted EX", () -> replies.contains("granted 2 EX"));
        master.convert(nodeB, 2, 2, 2, LockMode.NL, 0, NO_TIMEOUT, false, new byte[0]);
        ClusterTestSupport.awaitTrue("back to NL", () -> replies.contains("granted 2 NL"));

        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("node A granted", () -> replies.contains("granted 1 EX"));

        assertThat(replies).containsExactly("granted 2 NL", "granted 2 EX", "granted 2 NL", "granted 1 EX");
    }

    @Test
    void conversionNumbersGoOnPastTheLargestInt() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.NL, 0, NO_TIMEOUT, false, "T", tree);
        master.convert(nodeB, 2, 2, Integer.MAX_VALUE, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);
        ClusterTestSupport.awaitTrue("granted EX", () -> replies.contains("granted 2 EX"));

        master.convert(nodeB, 2, 2, Integer.MIN_VALUE, LockMode.PR, 0, NO_TIMEOUT, false, new byte[0]);

        ClusterTestSupport.awaitTrue("the next number taken", () -> replies.contains("granted 2 PR"));
    }

    @Test
    void aNewConversionWhileOneIsPendingIsStillRefused() {
        bothNodesReadT();
        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);

        master.convert(nodeB, 2, 2, 2, LockMode.PW, 0, NO_TIMEOUT, false, new byte[0]);

        ClusterTestSupport.awaitTrue("refused", () -> replies.contains("failed 2 CVTUNGRANT"));
    }

    @Test
    void aPendingConversionLeavesInAnExportWithItsOwnFlagsAndTimeout() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.NL, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("both granted", () -> replies.size() == 2);
        int valblk = 1 << LockFlag.VALBLK.ordinal();
        long timeout = TimeUnit.SECONDS.toNanos(60);
        master.convert(nodeB, 2, 2, 1, LockMode.EX, valblk, timeout, false, new byte[0]);

        MasterTable.Resend converting = master.exportAndDrop(tree).entries().stream()
                .filter(e -> e.lockId() == 2).findFirst().orElseThrow();

        assertThat(converting.queue()).isEqualTo(LockQueue.CONVERTING);
        assertThat(converting.flags()).as("the conversion's flags").isEqualTo(valblk);
        assertThat(converting.timeoutNanos()).as("what is left of the conversion's timeout").isBetween(1L, timeout);
    }
}
