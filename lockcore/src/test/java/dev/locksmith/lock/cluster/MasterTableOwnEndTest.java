package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import org.junit.jupiter.api.Test;

/**
 * This node's own request that has to wait is told its end by the thread that ends it, through its
 * master entry ({@link MasterTable.Held}, the engine's end listener). The end may come before the
 * entry is published (made, counted, its wait noted): whichever of the two comes second reports
 * the outcome, once. The table's seam ({@link MasterTable#beforeTrack}) ends the request on the
 * requesting thread in that gap.
 */
class MasterTableOwnEndTest extends MasterTableFixture {

    @Test
    void aGrantThatComesBeforeTheEntryIsPublishedIsReportedOnceByThePublication() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("the holder granted", () -> replies.contains("granted 2 EX"));
        master.beforeTrack = () -> {
            master.beforeTrack = null;
            master.dequeue(nodeB, ownerB.id(), 2, 0, false, new byte[0]); // grants the waiter on this thread
            assertThat(replies).as("not reported before its entry is published").containsExactly("granted 2 EX");
        };

        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree, new Object());

        assertThat(master.beforeTrack).as("the holder went inside the request").isNull();
        assertThat(replies).containsExactly("granted 2 EX", "granted 1 EX");
    }

    @Test
    void aFailureThatComesBeforeTheEntryIsPublishedIsReportedOnceByThePublication() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("the holder granted", () -> replies.contains("granted 2 EX"));
        master.beforeTrack = () -> {
            master.beforeTrack = null;
            // ends the waiter on this thread, on the engine: its copy cannot find the entry yet
            dev.locksmith.lock.LockManager engine = master.engine();
            long waiting = engine.locks().stream().filter(l -> l.queue() == dev.locksmith.lock.LockQueue.WAITING)
                    .findFirst().orElseThrow().id();
            engine.clearLock(engine.adminCapability(), waiting);
            assertThat(replies).as("not reported before its entry is published").containsExactly("granted 2 EX");
        };

        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree, new Object());

        assertThat(master.beforeTrack).as("the clear ran inside the request").isNull();
        assertThat(replies).containsExactly("granted 2 EX", "failed 1 CANCELLED");
    }

    @Test
    void aGrantThatComesAfterTheEntryIsPublishedIsReportedByTheThreadThatMadeIt() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("the holder granted", () -> replies.contains("granted 2 EX"));
        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree, new Object());
        assertThat(replies).containsExactly("granted 2 EX");

        master.dequeue(nodeB, ownerB.id(), 2, 0, false, new byte[0]);

        assertThat(replies).as("reported before the dequeue returned").containsExactly("granted 2 EX", "granted 1 EX");
    }
}
