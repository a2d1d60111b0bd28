package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import org.junit.jupiter.api.Test;

/**
 * A master's count of requests per tree and node (remastering's measure of where a tree is used):
 * a sublock's request is carried by its subtree and reaches the count in batches, so the count
 * lags by fewer than {@link MasterTable.Subtree#FLUSH_AT} requests while the subtree lives and
 * loses none once it empties.
 */
class MasterTableActivityTest extends MasterTableFixture {
    private static final int SUBLOCKS = 40;

    @Test
    void everyRequestOfASubtreeIsCountedOnceItEmpties() {
        lockAndUnlockSublocksUnderAHeldRoot();
        master.dequeue(nodeA, ownerA.id(), 1, 0, false, new byte[0]);

        assertThat(countOfNodeA()).isEqualTo(2 + 2 * SUBLOCKS);
    }

    @Test
    void aLiveSubtreeHoldsBackFewerRequestsThanABatch() {
        lockAndUnlockSublocksUnderAHeldRoot();

        long exact = 1 + 2 * SUBLOCKS; // the root's request, each sublock's request and dequeue
        assertThat(countOfNodeA()).isBetween(exact - (MasterTable.Subtree.FLUSH_AT - 1), exact);
    }

    private void lockAndUnlockSublocksUnderAHeldRoot() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.CR, 0, NO_TIMEOUT, false, "T", tree);
        for (int i = 0; i < SUBLOCKS; i++) {
            long id = 2 + i;
            master.enqueue(nodeA, ownerA, id, 1, LockMode.EX, 0, NO_TIMEOUT, false, "S" + i, tree);
            master.dequeue(nodeA, ownerA.id(), id, 0, false, new byte[0]);
        }
    }

    private long countOfNodeA() {
        return master.takeActivity().get(tree).get(nodeA);
    }
}
