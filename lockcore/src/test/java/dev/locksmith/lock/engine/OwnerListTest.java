package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The owner's list of locks: what a push links behind a new lock. */
class OwnerListTest {
    private final LockManager manager = LockManager.builder().deadlockWait(Duration.ZERO).build();
    private final LockOwner owner = manager.newOwner("o");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aPushDropsTheDeadLockAtTheHead() throws InterruptedException {
        Lock kept = owner.enqueue("KEPT", LockMode.PR);
        owner.dequeue(owner.enqueue("R", LockMode.EX));
        LockBlock next = (LockBlock) owner.enqueue("R", LockMode.EX);
        assertThat(next.oNext).isSameAs(kept);
    }

    @Test
    void aPushKeepsALiveHead() throws InterruptedException {
        Lock first = owner.enqueue("A", LockMode.PR);
        LockBlock second = (LockBlock) owner.enqueue("B", LockMode.PR);
        assertThat(second.oNext).isSameAs(first);
    }

    @Test
    void anOwnerTakingAndReleasingLocksInTurnListsOnlyItsLiveLock() throws InterruptedException {
        for (int i = 0; i < 1_000; i++) {
            owner.dequeue(owner.enqueue("R", LockMode.EX));
        }
        LockBlock live = (LockBlock) owner.enqueue("R", LockMode.EX);
        assertThat(live.oNext).isNull();
        assertThat(owner.locks()).containsExactly(live);
    }
}
