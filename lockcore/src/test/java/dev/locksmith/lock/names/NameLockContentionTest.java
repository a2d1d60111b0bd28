package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GT.M's LOCK under contention, three processes on real threads (each case checked on GT.M
 * 7.0-005): a name is blocked only by names others own on its path and beneath it; a LOCK that
 * must wait gives back every name it took before it sleeps; every occurrence of a name counts.
 */
class NameLockContentionTest extends NameLockTestSupport {
    final NameLocks a = space.newProcess("a");
    final NameLocks b = space.newProcess("b");
    final NameLocks c = space.newProcess("c");

    // ---- 1. a waiting request blocks nobody ----------------------------------------------------------

    @Test
    void aProcessWaitingForAParentDoesNotBlockAFreeSubNameForATimedZeroLock() throws Exception {
        a.lock("^D(1)");
        var parent = lockingInBackground(b, "^D");
        eventuallyWaits(b);
        assertThat(c.lockIncrement(Duration.ZERO, "^D(2)")).isTrue();
        assertThat(parent).isNotDone();
    }

    @Test
    void anUntimedSubNameLockIsGrantedPastAProcessWaitingForTheParent() throws Exception {
        a.lock("^D(1)");
        var parent = lockingInBackground(b, "^D");
        eventuallyWaits(b);
        await(lockingInBackground(c, "^D(2)"));
        assertThat(c.levels()).containsOnlyKeys(MName.parse("^D(2)"));
        a.lock();
        c.lock();
        assertThat(await(parent)).isTrue();
        assertThat(b.levels()).containsOnlyKeys(MName.parse("^D"));
    }

    @Test
    void aWaitingParentLockMakesNoDeadlockWhereGtmHasNone() throws Exception {
        a.lockIncrement("^D(1)");
        c.lockIncrement("^E");
        var parent = lockingInBackground(b, "^D");
        eventuallyWaits(b);
        assertThat(c.lockIncrement(Duration.ZERO, "^D(2)")).isTrue();
        var aWantsE = lockingInBackground(a, "^E");
        eventuallyWaits(a);
        c.lock();
        assertThat(await(aWantsE)).isTrue();
        a.lock();
        assertThat(await(parent)).isTrue();
        assertThat(b.levels()).containsOnlyKeys(MName.parse("^D"));
    }

    // ---- 2. give back before sleeping ---------------------------------------------------------------

    @Test
    void aWaitingMultiNameLockHoldsNoneOfTheNamesItAskedFor() throws Exception {
        a.lock("^E");
        var both = lockingInBackground(b, "^D(5)", "^E");
        eventuallyWaits(b);
        assertThat(canLock(c, "^D(5)")).isTrue();
        assertThat(canLock(c, "^D")).isTrue();
        assertThat(b.levels()).isEmpty();
        assertThat(both).isNotDone();
    }

    @Test
    void theHolderCanTakeANameAWaitingMultiNameLockGaveBackWithoutDeadlock() throws Exception {
        a.lock("^E");
        var both = lockingInBackground(b, "^D(5)", "^E");
        eventuallyWaits(b);
        await(lockingInBackground(a, "^D(5)"));
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^D(5)"), MName.parse("^E"));
        assertThat(canLock(c, "^D(5)")).isFalse();
        a.lock();
        assertThat(await(both)).isTrue();
        assertThat(b.levels()).containsOnlyKeys(MName.parse("^D(5)"), MName.parse("^E"));
    }

    @Test
    void aWaitingMultiNameLockKeepsWhatItHeldBeforeTheCommand() throws Exception {
        b.lockIncrement("^K");
        a.lock("^E");
        var both = lockingInBackground(b, "^D(5)", "^E");
        eventuallyWaits(b);
        assertThat(canLock(c, "^K")).isFalse();
        assertThat(canLock(c, "^D(5)")).isTrue();
        a.lock();
        assertThat(await(both)).isTrue();
    }

    @Test
    void aRealDeadlockBetweenWaitingProcessesIsStillBroken() throws Exception {
        a.lockIncrement("^P");
        b.lockIncrement("^Q");
        c.lockIncrement("^R");
        var aWaits = inBackground(() -> outcome(() -> a.lockIncrement("^Q")));
        var bWaits = inBackground(() -> outcome(() -> b.lockIncrement("^R")));
        eventuallyWaits(a);
        eventuallyWaits(b);
        LockStatus cOutcome = outcome(() -> c.lockIncrement("^P"));
        // c is the youngest owner: the victim; the others proceed once it gives up its names.
        assertThat(cOutcome).isEqualTo(LockStatus.DEADLOCK);
        assertThat(c.levels()).containsOnlyKeys(MName.parse("^R"));
        c.lock();
        assertThat(await(bWaits)).isEqualTo(LockStatus.NORMAL);
        b.lock();
        assertThat(await(aWaits)).isEqualTo(LockStatus.NORMAL);
    }

    @Test
    void aNameLockDeadlockVictimIsToldTheCycleInNames() throws Exception {
        a.lockIncrement("^P(1)");
        b.lockIncrement("^Q");
        var aWaits = lockingInBackground(a, "^Q");
        eventuallyWaits(a);
        assertThatThrownBy(() -> b.lockIncrement("^P"))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.DEADLOCK);
                    var report = e.deadlock().orElseThrow();
                    assertThat(report.victimWait().owner()).isEqualTo("b");
                    assertThat(report.cycle()).extracting(w -> w.owner() + " " + w.wanted() + " " + w.resource()
                            + " by " + w.blocker() + " " + w.blockerHolds())
                            .containsExactlyInAnyOrder("a EX [^Q] by b EX", "b EX [^P] by a CW");
                });
        b.lock();
        assertThat(await(aWaits)).isTrue();
    }

    // ---- 3. every occurrence counts ----------------------------------------------------------------

    @Test
    void aNameGivenTwiceInOneLockGetsTwoLevels() throws Exception {
        a.lockIncrement("^D(1)", "^D(\"1\")");
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^D(1)"), 2));
        a.unlock("^D(1)");
        assertThat(canLock(b, "^D(1)")).isFalse();
        assertThat(canLock(c, "^D")).isFalse();
    }

    @Test
    void aNameGivenTwiceInOneUnlockLosesTwoLevels() throws Exception {
        a.lockIncrement("^D(1)");
        a.lockIncrement("^D(1)");
        a.unlock("^D(1)", "^D(\"1\")");
        assertThat(a.levels()).isEmpty();
        assertThat(canLock(b, "^D(1)")).isTrue();
        assertThat(canLock(c, "^D")).isTrue();
    }

    @Test
    void aPlainLockOfTheSameNameTwiceHoldsTwoLevels() throws Exception {
        a.lock("^A", "^A");
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^A"), 2));
    }

    // ---- levels stop at 511 ---------------------------------------------------------------------------

    @Test
    void aLockPastLevel511IsRefusedWithLockincr2highAndChangesNothing() throws Exception {
        String[] many = new String[NameLocks.MAX_LEVEL];
        java.util.Arrays.fill(many, "^L");
        a.lockIncrement(many);
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^L"), 511));
        assertThatThrownBy(() -> a.lockIncrement("^L", "^M"))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.LOCKINCR2HIGH);
                    assertThat(e.getMessage()).contains("^L", "511");
                });
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^L"), 511));
        assertThat(canLock(b, "^M")).isTrue();
        assertThat(canLock(c, "^L")).isFalse();
    }

    @Test
    void aPlainLockRestartsTheCountSoItMayTake511Levels() throws Exception {
        a.lockIncrement("^L");
        String[] many = new String[NameLocks.MAX_LEVEL];
        java.util.Arrays.fill(many, "^L");
        a.lock(many);
        assertThat(a.levels()).isEqualTo(Map.of(MName.parse("^L"), 511));
    }

    // ---- 4. numbers keep 18 significant digits --------------------------------------------------------

    @Test
    void numericSubscriptsBeyondEighteenDigitsAreTheSameLockAsTheirRoundedValue() throws Exception {
        a.lock("^D(123456789012345678901)");
        assertThat(canLock(b, "^D(123456789012345678900)")).isFalse();
        assertThat(canLock(c, "^D(\"123456789012345678901\")")).isTrue();
    }

    // ---- fairness bound ------------------------------------------------------------------------------

    @Test
    void aProcessWaitingForAParentIsPassedBySubNameLocksAtMostTheBoundThenServedFirst() throws Exception {
        a.lock("^D(1)");
        var parent = lockingInBackground(b, "^D");
        eventuallyWaits(b);
        for (int i = 0; i < LockFlag.NOORDER_PASS_LIMIT; i++) {
            assertThat(c.lockIncrement(Duration.ZERO, "^D(2)")).as("pass %d", i + 1).isTrue();
            c.unlock("^D(2)");
        }
        assertThat(c.lockIncrement(Duration.ZERO, "^D(2)")).as("one pass past the bound").isFalse();
        var afterParent = lockingInBackground(c, "^D(2)");
        eventuallyWaits(c);
        a.lock();
        assertThat(await(parent)).isTrue();
        assertThat(afterParent).isNotDone();
        b.lock();
        assertThat(await(afterParent)).isTrue();
    }

    /** {@code LOCK +names} of {@code process} on its own thread; completes with true when it has them. */
    private java.util.concurrent.CompletableFuture<Boolean> lockingInBackground(NameLocks process, String... names) {
        return inBackground(() -> {
            process.lockIncrement(names);
            return true;
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    /** NORMAL if the command completed, else the status of the LockException it threw. */
    private static LockStatus outcome(Body body) throws Exception {
        try {
            body.run();
            return LockStatus.NORMAL;
        } catch (LockException e) {
            return e.status();
        }
    }
}
