package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import org.junit.jupiter.api.Test;

/**
 * The entries of the local path ({@link MasterTable#enqueueLocal}) are in no proxy's map: the
 * requesting node's copies keep them, and the table finds them through those copies when it
 * exports a tree, converts or cancels a lock, or looks for waits; a copy that leaves its entry
 * behind (dequeued while its tree moves) puts it in the map first, so the export still finds it.
 */
class MasterTableOwnEntryTest extends MasterTableFixture {

    @Test
    void aHeldLockOfTheLocalPathIsExportedThroughItsCopy() {
        Object copy = new Object();
        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree, copy);

        MasterTable.Export export = master.exportAndDrop(tree);

        assertThat(export.entries()).singleElement().satisfies(e -> {
            assertThat(e.lockId()).isEqualTo(1);
            assertThat(e.queue()).isEqualTo(LockQueue.GRANTED);
            assertThat(e.granted()).isEqualTo(LockMode.EX);
        });
    }

    @Test
    void anEntryItsCopyLeftBehindIsExportedFromTheMap() {
        Object copy = new Object();
        MasterTable.Held entry = master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T",
                tree, copy);

        MasterTable.keepFindable(entry);
        recorded.ownEntries.remove(copy); // the copy leaves its owner's list

        assertThat(master.exportAndDrop(tree).entries()).extracting(MasterTable.Resend::lockId).containsExactly(1L);
    }

    @Test
    void anEntryRemovedBeforeItsCopyLeftItBehindStaysOutOfTheMap() {
        Object copy = new Object();
        MasterTable.Held entry = master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T",
                tree, copy);
        master.dequeue(nodeA, ownerA.id(), 1, entry, 0, false, new byte[0]);

        MasterTable.keepFindable(entry);
        recorded.ownEntries.remove(copy);

        assertThat(master.exportAndDrop(tree).entries()).isEmpty();
        assertThat(master.lockCount(tree)).isZero();
    }

    @Test
    void aConversionOfALockOfTheLocalPathFindsItsEntryThroughItsCopy() {
        Object copy = new Object();
        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.NL, 0, NO_TIMEOUT, false, "T", tree, copy);

        master.convertOwn(nodeA, ownerA.id(), 1, copy, 1, LockMode.EX, 0, NO_TIMEOUT, false, new byte[0]);

        ClusterTestSupport.awaitTrue("the conversion granted", () -> replies.contains("granted 1 EX"));
    }

    @Test
    void aWaitingRequestOfTheLocalPathIsCancelledThroughItsCopy() {
        localRequestWaitsBehindNodeB();

        master.cancel(nodeA, ownerA.id(), 1, MasterTable.NEW_REQUEST);

        ClusterTestSupport.awaitTrue("the waiter cancelled", () -> replies.contains("failed 1 CANCELLED"));
    }

    @Test
    void aRequestOfTheLocalPathWaitingLongEnoughIsAnEdgeOfTheWaitForGraph() {
        localRequestWaitsBehindNodeB();

        assertThat(master.waitEdges(0)).singleElement().satisfies(edge -> {
            assertThat(edge.waiterLockId()).isEqualTo(1);
            assertThat(edge.blockerOwner()).isEqualTo(ownerB.id());
        });
    }

    /** Node B's owner holds T in EX (lock 2); node A's owner asks for it on the local path (lock 1) and waits. */
    private void localRequestWaitsBehindNodeB() {
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("the holder granted", () -> replies.contains("granted 2 EX"));
        master.enqueueLocal(nodeA, ownerA, 1, 0, null, LockMode.EX, 0, NO_TIMEOUT, false, "T", tree, new Object());
    }
}
