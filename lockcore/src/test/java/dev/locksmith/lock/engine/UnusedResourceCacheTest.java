package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Emptied resources are cached per stripe, but boundedly: the table never keeps more than that; a
 * sublock is cached only once its name comes back, and a resource deleted or revived starts with no
 * value block and no locks.
 */
class UnusedResourceCacheTest {
    private final LockManager manager = LockManager.builder().deadlockWait(Duration.ZERO).build();
    private final LockOwner owner = manager.newOwner("o");

    @AfterEach
    void close() {
        manager.close();
    }

    private Engine engine() {
        return ((Owner) owner).engine;
    }

    private long tableEntries() {
        return Arrays.stream(engine().stripes()).mapToLong(s -> {
            s.lock();
            try {
                return s.entries();
            } finally {
                s.unlock();
            }
        }).sum();
    }

    @Test
    void resourcesWithoutLocksNeverExceedTheCacheBound() throws InterruptedException {
        for (int i = 0; i < 100_000; i++) {
            owner.dequeue(owner.enqueue("NAME-" + i, LockMode.EX));
        }
        assertThat(manager.statistics().resources()).isZero();
        assertThat(tableEntries()).isLessThanOrEqualTo((long) Stripe.UNUSED_CAPACITY * engine().stripes().length);
    }

    @Test
    void aRevivedResourceStartsWithAFreshValueBlock() throws InterruptedException {
        Lock writer = owner.enqueue(LockRequest.of("R", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        value[0] = 9;
        writer.setValueBlock(value);
        owner.dequeue(writer, LockFlag.VALBLK);
        Lock reader = owner.enqueue(LockRequest.of("R", LockMode.PR).withFlags(LockFlag.VALBLK));
        assertThat(reader.valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void sublocksOfNamesSeenOnceLeaveNoResourceBehind() throws InterruptedException {
        Lock root = owner.enqueue("FILE", LockMode.NL);
        for (int i = 0; i < 10_000; i++) {
            owner.dequeue(owner.enqueue(LockRequest.of("RFA " + i, LockMode.EX).withParent(root)));
        }
        assertThat(manager.statistics().resources()).isEqualTo(1);
        assertThat(tableEntries()).isLessThanOrEqualTo(1 + Stripe.RECENT_CAPACITY);
    }

    @Test
    void aSublockLockedAgainIsCachedFromItsSecondRelease() throws InterruptedException {
        Lock root = owner.enqueue("FILE", LockMode.NL);
        owner.dequeue(owner.enqueue(LockRequest.of("TREE", LockMode.EX).withParent(root)));
        long afterFirst = tableEntries();
        owner.dequeue(owner.enqueue(LockRequest.of("TREE", LockMode.EX).withParent(root)));
        assertThat(afterFirst).isEqualTo(1);
        assertThat(tableEntries()).isEqualTo(2);
        assertThat(manager.resources()).hasSize(1);
    }

    @Test
    void aSublockDeletedAtItsReleaseLosesItsValueBlock() throws InterruptedException {
        Lock root = owner.enqueue("FILE", LockMode.NL);
        Lock writer = owner.enqueue(LockRequest.of("RFA 1", LockMode.EX).withParent(root).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        value[0] = 9;
        writer.setValueBlock(value);
        owner.dequeue(writer, LockFlag.VALBLK);
        Lock reader = owner.enqueue(LockRequest.of("RFA 1", LockMode.PR).withParent(root).withFlags(LockFlag.VALBLK));
        assertThat(reader.valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void aCachedSublockRevivedStartsWithAFreshValueBlockAndNoLocks() throws InterruptedException {
        Lock root = owner.enqueue("FILE", LockMode.NL);
        owner.dequeue(owner.enqueue(LockRequest.of("BKT 1", LockMode.EX).withParent(root)));
        Lock writer = owner.enqueue(LockRequest.of("BKT 1", LockMode.EX).withParent(root).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        value[0] = 9;
        writer.setValueBlock(value);
        owner.dequeue(writer, LockFlag.VALBLK);
        assertThat(manager.resources()).hasSize(1);
        Lock reader = owner.enqueue(LockRequest.of("BKT 1", LockMode.PR).withParent(root).withFlags(LockFlag.VALBLK));
        assertThat(reader.valueBlock()).isEqualTo(new byte[16]);
        assertThat(manager.locks()).hasSize(2);
    }

    @Test
    void aCachedResourceIsInvisible() throws InterruptedException {
        owner.dequeue(owner.enqueue("R", LockMode.EX));
        assertThat(manager.resources()).isEmpty();
        assertThat(manager.locks()).isEmpty();
    }
}
