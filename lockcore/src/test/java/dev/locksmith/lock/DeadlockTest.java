package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deadlock detection: a search starts when a request has waited the deadlock wait; exactly one
 * victim per cycle fails with DEADLOCK, chosen by lowest priority, then youngest owner.
 */
class DeadlockTest extends LockManagerTestSupport {
    {
        manager = track(LockManager.builder().name("deadlocks").deadlockWait(Duration.ofMillis(20)).build());
    }

    /** Each owner's pending request; exactly the listed ones end. */
    static List<LockStatus> outcomes(List<Lock> pending) {
        List<LockStatus> statuses = new ArrayList<>();
        for (Lock l : pending) {
            var f = completion(l);
            statuses.add(f.isDone() ? (f.isCompletedExceptionally() ? failureOf(f) : l.status()) : null);
        }
        return statuses;
    }

    @Test
    void twoOwnersWaitingForEachOtherLoseExactlyOneRequest() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        lock(a, "X", EX);
        lock(b, "Y", EX);
        Lock aWaits = a.enqueueAsync(LockRequest.of("Y", EX));
        Lock bWaits = b.enqueueAsync(LockRequest.of("X", EX));
        // b is the younger owner: its request is the victim, which lets a's proceed once b lets go.
        assertThat(failureOf(completion(bWaits))).isEqualTo(LockStatus.DEADLOCK);
        assertThat(isDone(completion(aWaits))).isFalse();
        b.close();
        assertThat(await(completion(aWaits)).grantedMode()).isEqualTo(EX);
        assertThat(manager.statistics().deadlockVictims()).isEqualTo(1);
        assertThat(manager.statistics().deadlockSearches()).isPositive();
    }

    @Test
    void aThreeOwnerCycleIsFound() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        LockOwner c = owner("c");
        lock(a, "X", EX);
        lock(b, "Y", EX);
        lock(c, "Z", EX);
        Lock aw = a.enqueueAsync(LockRequest.of("Y", EX));
        Lock bw = b.enqueueAsync(LockRequest.of("Z", EX));
        Lock cw = c.enqueueAsync(LockRequest.of("X", EX));
        assertThat(failureOf(completion(cw))).isEqualTo(LockStatus.DEADLOCK);
        assertThat(isDone(completion(aw))).isFalse();
        assertThat(isDone(completion(bw))).isFalse();
    }

    @Test
    void aConversionDeadlockIsFound() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        Lock al = lock(a, "R", PR);
        Lock bl = lock(b, "R", PR);
        var aUp = a.convertAsync(al, LockRequest.conversionTo(EX));
        var bUp = b.convertAsync(bl, LockRequest.conversionTo(EX));
        assertThat(failureOf(bUp)).isEqualTo(LockStatus.DEADLOCK);
        // The victim's conversion failed but it keeps PR; the other conversion still waits for it.
        assertThat(bl.grantedMode()).isEqualTo(PR);
        b.dequeue(bl);
        assertThat(await(aUp).grantedMode()).isEqualTo(EX);
    }

    @Test
    void conversionsOnTwoResourcesWaitingForEachOtherAreADeadlock() {
        LockOwner w0 = owner("w0");
        LockOwner w2 = owner("w2");
        Lock r0 = lock(w0, "R0", LockMode.PW);
        Lock r0b = lock(w2, "R0", LockMode.CR);
        Lock r1 = lock(w0, "R1", LockMode.PW);
        Lock r1b = lock(w2, "R1", LockMode.NL);
        var up0 = w0.convertAsync(r0, LockRequest.conversionTo(EX));
        var up2 = w2.convertAsync(r1b, LockRequest.conversionTo(LockMode.CW));
        assertThat(failureOf(up2)).isEqualTo(LockStatus.DEADLOCK);
        assertThat(isDone(up0)).isFalse();
    }

    @Test
    void anOwnerWaitingForItselfIsADeadlock() {
        LockOwner a = owner("a");
        lock(a, "R", EX);
        Lock second = a.enqueueAsync(LockRequest.of("R", EX));
        assertThat(failureOf(completion(second))).isEqualTo(LockStatus.DEADLOCK);
    }

    @Test
    void theOwnerWithTheLowestPriorityIsTheVictim() {
        LockOwner important = manager.newOwner("important", 0, 10);
        LockOwner expendable = manager.newOwner("expendable", 0, 1);
        lock(important, "X", EX);
        lock(expendable, "Y", EX);
        Lock importantWaits = important.enqueueAsync(LockRequest.of("Y", EX));
        Lock expendableWaits = expendable.enqueueAsync(LockRequest.of("X", EX));
        assertThat(failureOf(completion(expendableWaits))).isEqualTo(LockStatus.DEADLOCK);
        assertThat(isDone(completion(importantWaits))).isFalse();
    }

    @Test
    void amongEqualPrioritiesTheYoungestOwnerIsTheVictim() {
        LockOwner older = manager.newOwner("older", 0, 5);
        LockOwner younger = manager.newOwner("younger", 0, 5);
        lock(older, "X", EX);
        lock(younger, "Y", EX);
        // The younger owner waits first: the choice does not depend on who closed the cycle.
        Lock youngerWaits = younger.enqueueAsync(LockRequest.of("X", EX));
        Lock olderWaits = older.enqueueAsync(LockRequest.of("Y", EX));
        assertThat(failureOf(completion(youngerWaits))).isEqualTo(LockStatus.DEADLOCK);
        assertThat(isDone(completion(olderWaits))).isFalse();
    }

    @Test
    void nodlckwtExcludesALockAsAWaiter() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        lock(a, "X", EX);
        lock(b, "Y", EX);
        Lock aw = a.enqueueAsync(LockRequest.of("Y", EX).withFlags(LockFlag.NODLCKWT));
        Lock bw = b.enqueueAsync(LockRequest.of("X", EX).withFlags(LockFlag.NODLCKWT));
        waitForSearches(3);
        assertThat(outcomes(List.of(aw, bw))).containsOnlyNulls();
        assertThat(manager.statistics().deadlockVictims()).isZero();
    }

    @Test
    void nodlckblkExcludesALockAsABlocker() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        lock(a, "X", EX, LockFlag.NODLCKBLK);
        lock(b, "Y", EX, LockFlag.NODLCKBLK);
        Lock aw = a.enqueueAsync(LockRequest.of("Y", EX));
        Lock bw = b.enqueueAsync(LockRequest.of("X", EX));
        waitForSearches(3);
        assertThat(outcomes(List.of(aw, bw))).containsOnlyNulls();
    }

    @Test
    void aWaitWithoutACycleIsNotADeadlock() {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        lock(a, "X", EX);
        Lock bw = b.enqueueAsync(LockRequest.of("X", EX));
        waitForSearches(3);
        assertThat(isDone(completion(bw))).isFalse();
    }

    @Test
    void aZeroDeadlockWaitTurnsDetectionOff() {
        LockManager off = track(LockManager.builder().deadlockWait(Duration.ZERO).build());
        LockOwner a = off.newOwner("a");
        LockOwner b = off.newOwner("b");
        lock(a, "X", EX);
        lock(b, "Y", EX);
        Lock aw = a.enqueueAsync(LockRequest.of("Y", EX).withTimeout(Duration.ofMillis(200)));
        Lock bw = b.enqueueAsync(LockRequest.of("X", EX).withTimeout(Duration.ofMillis(200)));
        assertThat(failureOf(completion(aw))).isEqualTo(LockStatus.TIMEOUT);
        assertThat(failureOf(completion(bw))).isEqualTo(LockStatus.TIMEOUT);
        assertThat(off.statistics().deadlockSearches()).isZero();
    }

    @Test
    void aSynchronousVictimGetsADeadlockException() throws Exception {
        LockOwner a = owner("a");
        LockOwner b = owner("b");
        lock(a, "X", EX);
        lock(b, "Y", EX);
        Lock aw = a.enqueueAsync(LockRequest.of("Y", EX));
        try {
            b.enqueue("X", EX);
            throw new AssertionError("expected a deadlock");
        } catch (LockException e) {
            assertThat(e.status()).isEqualTo(LockStatus.DEADLOCK);
            assertThat(e.getMessage()).contains("'X'");
        }
        assertThat(isDone(completion(aw))).isFalse();
    }

    private void waitForSearches(long n) {
        eventually(() -> assertThat(manager.statistics().deadlockSearches()).isGreaterThanOrEqualTo(n));
    }
}
