package dev.locksmith.lock.cluster;

import static dev.locksmith.lock.cluster.ClusterTestSupport.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import org.jgroups.Address;
import org.junit.jupiter.api.Test;

/**
 * A master counts the locks of each tree it holds, so that a tree with locks is never dropped:
 * the count is above zero exactly while a lock of the tree is there, whichever owners' roots and
 * sublocks come and go (a sublock counts under its root, a root in the tree), and the tree is
 * reported emptied once each time its last lock goes.
 */
class MasterTableTreeCountTest extends MasterTableFixture {
    private static final byte[] NO_VALUE = new byte[0];

    /** Node A's root lock 1 on T with sublock 2, and node B's root lock 3 on T with sublock 4, all granted. */
    private void twoOwnersWithASublockEach() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeA, ownerA, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, "S1", tree);
        master.enqueue(nodeB, ownerB, 3, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeB, ownerB, 4, 3, LockMode.EX, 0, NO_TIMEOUT, false, "S2", tree);
        awaitTrue("all four granted", () -> replies.size() == 4);
    }

    private void dequeue(Address node, long owner, long lockId) {
        master.dequeue(node, owner, lockId, 0, false, NO_VALUE);
    }

    @Test
    void aTreeStaysCountedUntilTheLastLockOfEveryOwnerGoes() {
        twoOwnersWithASublockEach();

        dequeue(nodeA, 1, 2);
        dequeue(nodeA, 1, 1);
        dequeue(nodeB, 2, 4);
        assertThat(master.lockCount(tree)).as("node B's root is still there").isPositive();
        assertThat(emptied).isEmpty();

        dequeue(nodeB, 2, 3);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).containsExactly(tree);
    }

    @Test
    void aSublockWhoseRootWasClearedKeepsItsTreeCountedUntilItsOwnDequeue() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeA, ownerA, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, "S1", tree);
        awaitTrue("both granted", () -> replies.size() == 2);

        master.dequeue(nodeA, 1, 1, 0, true, NO_VALUE); // an abnormal dequeue clears the sublock in the engine too
        assertThat(master.lockCount(tree)).as("the sublock's entry is still here").isPositive();

        dequeue(nodeA, 1, 2);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).containsExactly(tree);
    }

    @Test
    void aTreeEmptiedAndUsedAgainIsCountedAndEmptiedAgain() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        awaitTrue("granted", () -> replies.size() == 1);
        dequeue(nodeA, 1, 1);

        master.enqueue(nodeB, ownerB, 3, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(nodeB, ownerB, 4, 3, LockMode.EX, 0, NO_TIMEOUT, false, "S2", tree);
        awaitTrue("granted again", () -> replies.size() == 3);
        assertThat(master.lockCount(tree)).isPositive();

        dequeue(nodeB, 2, 4);
        dequeue(nodeB, 2, 3);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).containsExactly(tree, tree);
    }
}
