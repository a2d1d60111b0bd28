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

    /**
     * {@code owner}'s root lock {@code root} on T (CR) and its EX sublock {@code root + 1}, from
     * {@code node}; returns once both are granted.
     */
    private void rootWithSublock(Address node, MasterTable.OwnerRef owner, long root) {
        int before = replies.size();
        master.enqueue(node, owner, root, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        master.enqueue(node, owner, root + 1, root, LockMode.EX, 0, NO_TIMEOUT, false, "S" + root, tree);
        awaitTrue("both granted", () -> replies.size() == before + 2);
    }

    private void dequeue(Address node, long owner, long lockId) {
        master.dequeue(node, owner, lockId, 0, false, NO_VALUE);
    }

    @Test
    void aTreeStaysCountedUntilTheLastLockOfEveryOwnerGoes() {
        rootWithSublock(nodeA, ownerA, 1);
        rootWithSublock(nodeB, ownerB, 3);

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
        rootWithSublock(nodeA, ownerA, 1);

        master.dequeue(nodeA, 1, 1, 0, true, NO_VALUE); // an abnormal dequeue clears the sublock in the engine too
        assertThat(master.lockCount(tree)).as("the sublock's entry is still here").isPositive();

        dequeue(nodeA, 1, 2);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).containsExactly(tree);
    }

    @Test
    void aTreeEmptiedAndUsedAgainIsCountedAndEmptiedAgain() {
        rootWithSublock(nodeA, ownerA, 1);
        dequeue(nodeA, 1, 2);
        dequeue(nodeA, 1, 1);

        rootWithSublock(nodeB, ownerB, 3);
        assertThat(master.lockCount(tree)).isPositive();

        dequeue(nodeB, 2, 4);
        dequeue(nodeB, 2, 3);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).containsExactly(tree, tree);
    }

    @Test
    void aSublockThatFindsItsRootsSubtreeEmptiedWhileItIsMadeCountsItsTreeOnItsOwn() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        awaitTrue("root granted", () -> replies.size() == 1);
        // between the sublock's engine request and its count, the root's abnormal dequeue (a
        // clear) takes the root's subtree count to zero and the tree's with it
        master.beforeTrack = () -> {
            master.beforeTrack = null;
            master.dequeue(nodeA, 1, 1, 0, true, NO_VALUE);
            assertThat(master.lockCount(tree)).as("the root went, its sublock not counted yet").isZero();
        };
        master.enqueue(nodeA, ownerA, 2, 1, LockMode.EX, 0, NO_TIMEOUT, false, "S", tree);

        assertThat(master.beforeTrack).as("the clear ran inside the sublock's request").isNull();
        assertThat(emptied).as("emptied once, by the root's clear").containsExactly(tree);
        assertThat(master.lockCount(tree)).as("the sublock's entry counts its tree again").isOne();

        dequeue(nodeA, 1, 2);
        assertThat(master.lockCount(tree)).isZero();
        assertThat(emptied).as("emptied again, once, when the sublock went").containsExactly(tree, tree);
    }
}
