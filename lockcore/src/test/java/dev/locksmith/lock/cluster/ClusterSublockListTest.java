package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A copy's list of sublocks ({@link ClusterLock#adopt}): a sublock's dequeue marks it gone without
 * its parent's monitor, and the parent takes gone sublocks out when it next enters its monitor for
 * the list. So a parent counts exactly its live sublocks, whichever thread dequeued the others and
 * in whatever order, and its list does not grow with sublocks that came and went. One real node.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterSublockListTest {
    private ClusterTestSupport cluster;
    private LockOwner owner;
    private Lock root;

    @BeforeEach
    void startNode() throws Exception {
        cluster = ClusterTestSupport.start("sublock-list-" + System.nanoTime(), 1, 1);
        owner = cluster.node(0).newOwner("worker");
        root = owner.enqueue("FILE", LockMode.CR);
    }

    @AfterEach
    void stopNode() {
        cluster.close();
    }

    @Test
    void aParentIsDequeuedOnceItsSublocksWereDequeuedOnAnotherThread() throws Exception {
        List<Lock> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(owner.enqueue(LockRequest.of("ROW" + i, LockMode.EX).withParent(root)));
        }
        Thread other = new Thread(() -> {
            owner.dequeue(rows.get(1)); // the middle one first
            owner.dequeue(rows.get(0));
            owner.dequeue(rows.get(2));
        });
        other.start();
        other.join();

        owner.dequeue(root);

        assertThat(root.queue()).isEmpty();
        assertThat(owner.locks()).isEmpty();
    }

    @Test
    void aParentWithALiveSublockRefusesItsDequeueCountingOnlyTheLiveOne() throws Exception {
        Lock kept = owner.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(root));
        for (int i = 0; i < 5; i++) {
            owner.dequeue(owner.enqueue(LockRequest.of("ROW" + i, LockMode.EX).withParent(root)));
        }

        assertThatThrownBy(() -> owner.dequeue(root))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.SUBLOCKS))
                .hasMessageContaining("has 1 sublock(s)");
        assertThat(owner.locks()).containsExactly(root, kept);
    }

    @Test
    void aParentKeepsFewGoneSublocksListedHoweverManyCameAndWent() throws Exception {
        Lock kept = owner.enqueue(LockRequest.of("KEPT", LockMode.EX).withParent(root));
        Lock previous = null;
        for (int i = 0; i < 10_000; i++) {
            // two at a time, released out of order: gone sublocks end up behind live ones, not only at the head
            Lock next = owner.enqueue(LockRequest.of("ROW" + (i % 64), LockMode.EX).withParent(root));
            if (previous != null) {
                owner.dequeue(previous);
            }
            previous = next;
        }
        owner.dequeue(previous);

        assertThat(((ClusterLock) root).linkedSubLockCount()).isLessThanOrEqualTo(40);
        assertThat(owner.locks()).containsExactly(root, kept);
        assertThat(((ClusterLock) root).linkedSubLockCount()).isEqualTo(1); // the walk took the gone ones out
    }
}
