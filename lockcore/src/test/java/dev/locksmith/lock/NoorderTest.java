package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.CW;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link LockFlag#NOORDER} (Linux DLM): granted as soon as the mode is compatible with the granted
 * modes, whatever waits; bounded: a waiter passed {@link LockFlag#NOORDER_PASS_LIMIT} times by
 * grants it conflicts with holds back further NOORDER requests that would newly block it.
 */
class NoorderTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");
    final LockOwner c = owner("c");

    @Test
    void aNoorderRequestCompatibleWithTheGrantedModesIsGrantedPastAWaiter() {
        lock(a, "R", CW);
        Lock waiter = b.enqueueAsync(LockRequest.of("R", EX));
        Lock passing = lock(c, "R", CW, LockFlag.NOORDER, LockFlag.NOQUEUE);
        assertThat(passing.grantedMode()).isEqualTo(CW);
        assertWaiting(waiter);
    }

    @Test
    void aPlainRequestStillWaitsBehindAWaiter() {
        lock(a, "R", CW);
        b.enqueueAsync(LockRequest.of("R", EX));
        assertThatThrownBy(() -> lock(c, "R", CW, LockFlag.NOQUEUE))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
    }

    @Test
    void aWaitingNoorderRequestIsGrantedWhenItsModeBecomesCompatibleThoughAnotherWaitsAhead() {
        Lock held = lock(a, "R", EX);
        Lock ahead = b.enqueueAsync(LockRequest.of("R", EX));
        LockOwner d = owner("d");
        Lock reader = lock(d, "S", NL);
        Lock behind = c.enqueueAsync(LockRequest.of("R", CW).withFlags(LockFlag.NOORDER));
        assertWaiting(behind);
        // a's EX goes to CW: b's EX still cannot be had, c's CW can.
        convert(a, held, CW);
        assertThat(await(completion(behind)).grantedMode()).isEqualTo(CW);
        assertWaiting(ahead);
        assertThat(reader.grantedMode()).isEqualTo(NL);
    }

    @Test
    void aWaiterPassedTheBoundHoldsBackNoorderRequestsThatWouldNewlyBlockIt() {
        lock(a, "R", CW);
        Lock waiter = b.enqueueAsync(LockRequest.of("R", EX));
        passTheLimit();
        assertThatThrownBy(() -> lock(c, "R", CW, LockFlag.NOORDER, LockFlag.NOQUEUE))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
        assertWaiting(waiter);
    }

    @Test
    void aHeldBackNoorderWaiterIsBlockedByTheStarvedWaiterAsTheDeadlockSearchSeesIt() {
        lock(a, "R", CW);
        Lock waiter = b.enqueueAsync(LockRequest.of("R", EX));
        passTheLimit();
        Lock heldBack = c.enqueueAsync(LockRequest.of("R", CW).withFlags(LockFlag.NOORDER));
        assertWaiting(heldBack);
        assertThat(heldBack.info().blockedBy()).containsExactly(waiter.id());
    }

    @Test
    void aNoorderRequestThatBlocksNoWaiterIsNeverHeldBack() {
        lock(a, "R", CW);
        b.enqueueAsync(LockRequest.of("R", EX));
        passTheLimit();
        assertThat(lock(c, "R", NL, LockFlag.NOORDER, LockFlag.NOQUEUE).grantedMode()).isEqualTo(NL);
    }

    @Test
    void noorderWithQuecvtOrExpediteIsRefused() {
        Lock l = lock(a, "R", NL);
        assertThatThrownBy(() -> convert(a, l, PR, LockFlag.NOORDER, LockFlag.QUECVT))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.BADPARAM));
        assertThatThrownBy(() -> lock(b, "R", NL, LockFlag.NOORDER, LockFlag.EXPEDITE))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.BADPARAM));
        assertThat(l.grantedMode()).isEqualTo(NL);
    }

    /** c takes and gives back CW on R with NOORDER as often as one waiter may be passed. */
    private void passTheLimit() {
        for (int i = 0; i < LockFlag.NOORDER_PASS_LIMIT; i++) {
            c.dequeue(lock(c, "R", CW, LockFlag.NOORDER, LockFlag.NOQUEUE));
        }
    }
}
