package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** LOCK, LOCK +, LOCK -, timeouts and ZALLOCATE as GT.M defines them (seed 003). */
class NameLockCommandTest extends NameLockTestSupport {
    final NameLocks a = space.newProcess("a");
    final NameLocks b = space.newProcess("b");
    final NameLocks c = space.newProcess("c");

    @Test
    void lockReleasesEveryPreviousLockFirst() throws Exception {
        a.lock("^A");
        a.lock("^B");
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^B"));
        assertThat(canLock(b, "^A")).isTrue();
    }

    @Test
    void lockWithoutNamesReleasesEverything() throws Exception {
        a.lockIncrement("^A", "^B(1)");
        a.lock();
        assertThat(a.levels()).isEmpty();
        assertThat(manager.locks()).isEmpty();
        assertThat(space.used()).isZero();
    }

    @Test
    void multiNameLockThatCannotTakeOneNameTakesNone() throws Exception {
        a.lock("^B");
        assertThat(b.lock(Duration.ZERO, "^A", "^B", "^C")).isFalse();
        assertThat(b.levels()).isEmpty();
        assertThat(canLock(c, "^A")).isTrue();
        assertThat(canLock(c, "^C")).isTrue();
    }

    @Test
    void multiNameLockWaitsForAllAndThenHoldsAll() throws Exception {
        a.lock("^B");
        var all = inBackground(() -> {
            b.lock("^A", "^B", "^C(1)");
            return b.levels().keySet();
        });
        eventuallySomethingWaits();
        a.lock();
        assertThat(await(all)).extracting(MName::toString).containsExactly("^A", "^B", "^C(1)");
    }

    @Test
    void failedIncrementalLockKeepsWhatWasHeldBefore() throws Exception {
        a.lock("^X");
        b.lockIncrement("^A");
        assertThat(b.lockIncrement(Duration.ZERO, "^B", "^X")).isFalse();
        assertThat(b.levels()).containsOnlyKeys(MName.parse("^A"));
        assertThat(canLock(c, "^B")).isTrue();
    }

    @Test
    void twoIncrementsNeedTwoDecrements() throws Exception {
        a.lockIncrement("^A");
        a.lockIncrement("^A");
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^A"), 2));
        a.unlock("^A");
        assertThat(canLock(b, "^A")).isFalse();
        a.unlock("^A");
        assertThat(canLock(b, "^A")).isTrue();
        assertThat(a.levels()).isEmpty();
    }

    @Test
    void decrementOfANameNotHeldIsIgnored() throws Exception {
        a.lockIncrement("^A");
        a.unlock("^B", "^A(1)");
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^A"));
    }

    @Test
    void timeoutZeroMakesOneAttempt() throws Exception {
        a.lock("^A");
        assertThat(b.lock(Duration.ZERO, "^A")).isFalse();
        assertThat(b.lock(Duration.ZERO, "^B")).isTrue();
    }

    @Test
    void positiveTimeoutReturnsFalseWhenTheNameStaysHeld() throws Exception {
        a.lock("^A");
        assertThat(b.lock(Duration.ofMillis(100), "^A")).isFalse();
        assertThat(b.levels()).isEmpty();
    }

    @Test
    void positiveTimeoutReturnsTrueWhenTheNameIsReleasedInTime() throws Exception {
        a.lock("^A");
        var test = inBackground(() -> b.lock(HANG_GUARD, "^A"));
        eventuallySomethingWaits();
        a.lock();
        assertThat(await(test)).isTrue();
    }

    @Test
    void interruptedLockThrowsAndHoldsNothing() throws Exception {
        a.lock("^B");
        Thread[] waiter = new Thread[1];
        var interrupted = inBackground(() -> {
            waiter[0] = Thread.currentThread();
            try {
                b.lock("^A", "^B");
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        });
        eventuallySomethingWaits();
        waiter[0].interrupt();
        assertThat(await(interrupted)).isTrue();
        assertThat(b.levels()).isEmpty();
        assertThat(canLock(c, "^A")).isTrue();
    }

    @Test
    void zallocateInterlocksLikeLock() throws Exception {
        a.zallocate("^D(1)");
        assertThat(canLock(b, "^D")).isFalse();
        assertThat(canLock(b, "^D(2)")).isTrue();
        assertThat(b.zallocate(Duration.ZERO, "^D(1,1)")).isFalse();
    }

    @Test
    void lockDoesNotReleaseZallocatedNames() throws Exception {
        a.zallocate("^Z");
        a.lock("^A");
        a.lock();
        assertThat(a.zallocated()).containsExactly(MName.parse("^Z"));
        assertThat(canLock(b, "^Z")).isFalse();
    }

    @Test
    void nameBothLockedAndZallocatedNeedsBothReleased() throws Exception {
        a.zallocate("^Z");
        a.lockIncrement("^Z");
        a.unlock("^Z");
        assertThat(canLock(b, "^Z")).isFalse();
        a.lockIncrement("^Z");
        a.zdeallocate("^Z");
        assertThat(canLock(b, "^Z")).isFalse();
        a.unlock("^Z");
        assertThat(canLock(b, "^Z")).isTrue();
    }

    @Test
    void zallocateIsNotCounted() throws Exception {
        a.zallocate("^Z");
        a.zallocate("^Z");
        a.zdeallocate("^Z");
        assertThat(a.zallocated()).isEmpty();
        assertThat(canLock(b, "^Z")).isTrue();
    }

    @Test
    void zdeallocateWithoutNamesReleasesEveryZallocationButNoLock() throws Exception {
        a.zallocate("^Y", "^Z");
        a.lockIncrement("^A");
        a.zdeallocate();
        assertThat(a.zallocated()).isEmpty();
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^A"));
    }

    @Test
    void deadlockBetweenIncrementalLocksFailsOneVictimThatKeepsItsEarlierLocks() throws Exception {
        a.lockIncrement("^A");
        b.lockIncrement("^B");
        var fromA = inBackground(() -> outcome(a, "^B"));
        var fromB = inBackground(() -> outcome(b, "^A"));
        LockStatus first = await(fromA.applyToEither(fromB, s -> s));
        assertThat(first).isEqualTo(LockStatus.DEADLOCK);
        NameLocks victim = fromA.isDone() ? a : b;
        NameLocks survivor = victim == a ? b : a;
        assertThat(victim.levels()).hasSize(1);
        victim.lock();
        assertThat(await(victim == a ? fromB : fromA)).isEqualTo(LockStatus.NORMAL);
        assertThat(survivor.levels()).hasSize(2);
    }

    private static LockStatus outcome(NameLocks process, String name) throws InterruptedException {
        try {
            process.lockIncrement(name);
            return LockStatus.NORMAL;
        } catch (LockException e) {
            return e.status();
        }
    }

    @Test
    void badNameChangesNothing() throws Exception {
        a.lock("^A");
        assertThatThrownBy(() -> a.lock("^B", "^C(")).isInstanceOf(LockException.class)
                .hasMessageContaining("position 4");
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^A"));
    }

    @Test
    void negativeTimeoutIsRefused() {
        assertThatThrownBy(() -> a.lock(Duration.ofSeconds(-1), "^A"))
                .isInstanceOf(LockException.class).hasMessageContaining("timeout must be zero or positive");
    }

    @Test
    void closedProcessRefusesCommands() {
        a.close();
        assertThatThrownBy(() -> a.lock("^A")).isInstanceOf(LockException.class)
                .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.OWNERCLOSED);
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingLockWithCancelled() throws Exception {
        a.lock("^A");
        b.lockIncrement("^B");
        var waiting = inBackground(() -> outcome(b, "^A"));
        eventuallySomethingWaits();
        b.close();
        assertThat(await(waiting)).isEqualTo(LockStatus.CANCELLED);
        assertThat(canLock(c, "^B")).isTrue();
        assertThat(space.used()).isEqualTo(1);
    }

    @Test
    void closeReleasesLocksAndZallocations() throws Exception {
        a.lockIncrement("^A(1)");
        a.zallocate("^Z");
        a.close();
        assertThat(canLock(b, "^A", "^Z")).isTrue();
        assertThat(space.used()).isZero();
        assertThat(Set.copyOf(space.claims().values())).isEmpty();
    }
}
