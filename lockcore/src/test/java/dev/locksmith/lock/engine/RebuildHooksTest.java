package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hooks the cluster uses: reinstalling a tree on a new master, failing a cross-node deadlock victim. */
class RebuildHooksTest {
    @Test
    void grantsAfterRaisingTheFencingFloorCarryLargerTokens() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            LockOwner owner = manager.newOwner("o");
            manager.raiseFencingFloor(1_000_000);

            Lock lock = owner.enqueue("r", LockMode.EX);

            assertThat(lock.fencingToken()).isGreaterThan(1_000_000);
        }
    }

    @Test
    void restoredValueBlockIsReadByTheNextGrant() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            LockOwner owner = manager.newOwner("o");
            Lock installed = owner.enqueue(LockRequest.of("r", LockMode.NL).withFlags(LockFlag.VALBLK));
            byte[] value = new byte[16];
            Arrays.fill(value, (byte) 7);

            manager.restoreValueBlock(installed, value, true);
            Lock reader = owner.enqueue(LockRequest.of("r", LockMode.PR).withFlags(LockFlag.VALBLK));

            assertThat(reader.valueBlock()).isEqualTo(value);
            assertThat(reader.status()).isEqualTo(LockStatus.SYNCH);
        }
    }

    @Test
    void restoredValueBlockMarkedNotValidIsReadAsValNotValid() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            LockOwner owner = manager.newOwner("o");
            Lock installed = owner.enqueue(LockRequest.of("r", LockMode.NL).withFlags(LockFlag.VALBLK));

            manager.restoreValueBlock(installed, new byte[16], false);
            Lock reader = owner.enqueue(LockRequest.of("r", LockMode.PR).withFlags(LockFlag.VALBLK));

            assertThat(reader.status()).isEqualTo(LockStatus.VALNOTVALID);
        }
    }

    @Test
    void restoringAValueOfTheWrongLengthIsRefused() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            Lock installed = manager.newOwner("o").enqueue("r", LockMode.NL);

            assertThatThrownBy(() -> manager.restoreValueBlock(installed, new byte[3], true))
                    .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.IVBUFLEN));
        }
    }

    @Test
    void aWaitingRequestChosenAsAClusterDeadlockVictimFailsWithDeadlock() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            manager.newOwner("holder").enqueue("r", LockMode.EX);
            Lock waiting = manager.newOwner("waiter").enqueueAsync(LockRequest.of("r", LockMode.EX));

            assertThat(manager.failAsDeadlockVictim(waiting)).isTrue();

            assertThat(waiting.status()).isEqualTo(LockStatus.DEADLOCK);
            assertThat(manager.statistics().deadlockVictims()).isEqualTo(1);
        }
    }

    @Test
    void aGrantedLockIsNoDeadlockVictim() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            Lock granted = manager.newOwner("holder").enqueue("r", LockMode.EX);

            assertThat(manager.failAsDeadlockVictim(granted)).isFalse();
            assertThat(granted.grantedMode()).isEqualTo(LockMode.EX);
        }
    }
}
