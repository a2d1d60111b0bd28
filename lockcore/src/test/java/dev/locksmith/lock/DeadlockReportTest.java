package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deadlock victim's exception carries the cycle it broke — each owner, the resource it waits
 * on, the mode it holds there and the mode it waits for, and who is in its way with what — as a
 * {@link DeadlockReport} and in its message; the manager keeps the last reports and tells
 * listeners.
 */
class DeadlockReportTest extends LockManagerTestSupport {
    private static final Namespace GROUP0 = Namespace.group(0);

    LockOwner a;
    LockOwner b;
    LockOwner c;

    @BeforeEach
    void detectingManager() {
        manager = track(LockManager.builder().name("reports").deadlockWait(Duration.ofMillis(20)).build());
        a = owner("a");
        b = owner("b");
        c = owner("c");
    }

    @Test
    void aTwoOwnerCycleIsReportedExactlyToTheVictim() {
        lock(a, "X", EX);
        lock(b, "Y", EX);
        Lock aWaits = a.enqueueAsync(LockRequest.of("Y", EX));
        Lock bWaits = b.enqueueAsync(LockRequest.of("X", EX));
        DeadlockReport report = victimReport(bWaits);
        assertThat(rotatedTo("a", report.cycle())).containsExactly(
                wait(a, "Y", null, EX, b, EX, null),
                wait(b, "X", null, EX, a, EX, null));
        assertThat(report.victimWait().owner()).isEqualTo("b");
        assertThat(report.manager()).isEqualTo("reports");
        assertThat(isDone(completion(aWaits))).isFalse();
    }

    @Test
    void aThreeOwnerCycleIsReportedExactly() {
        lock(a, "X", EX);
        lock(b, "Y", EX);
        lock(c, "Z", EX);
        a.enqueueAsync(LockRequest.of("Y", EX));
        b.enqueueAsync(LockRequest.of("Z", EX));
        Lock cWaits = c.enqueueAsync(LockRequest.of("X", EX));
        DeadlockReport report = victimReport(cWaits);
        assertThat(rotatedTo("a", report.cycle())).containsExactly(
                wait(a, "Y", null, EX, b, EX, null),
                wait(b, "Z", null, EX, c, EX, null),
                wait(c, "X", null, EX, a, EX, null));
        assertThat(report.victimWait().owner()).isEqualTo("c");
    }

    @Test
    void aConversionDeadlockIsReportedWithTheModesHeldAndWanted() {
        Lock aLock = lock(a, "R", PR);
        Lock bLock = lock(b, "R", PR);
        a.convertAsync(aLock, LockRequest.conversionTo(EX));
        var bToEx = b.convertAsync(bLock, LockRequest.conversionTo(EX));
        DeadlockReport report = failureReport(bToEx.toCompletableFuture());
        assertThat(rotatedTo("a", report.cycle())).containsExactly(
                wait(a, "R", PR, EX, b, PR, EX),
                wait(b, "R", PR, EX, a, PR, EX));
        assertThat(report.victimWait().owner()).isEqualTo("b");
        assertThat(bLock.grantedMode()).isEqualTo(PR);
    }

    @Test
    void aSublockCycleNamesTheFullResourceAndItsTree() {
        Lock fileA = lock(a, "FILE", LockMode.NL);
        Lock fileB = lock(b, "FILE", LockMode.NL);
        lock(a, "R1", EX, fileA);
        lock(b, "R2", EX, fileB);
        a.enqueueAsync(LockRequest.of("R2", EX).withParent(fileA));
        Lock bWaits = b.enqueueAsync(LockRequest.of("R1", EX).withParent(fileB));
        DeadlockReport report = victimReport(bWaits);
        DeadlockReport.Wait aWait = rotatedTo("a", report.cycle()).get(0);
        assertThat(aWait.resource()).containsExactly("FILE", "R2");
        assertThat(aWait.tree()).isEqualTo("FILE");
        assertThat(aWait.describe()).contains("waits for EX on FILE/R2 [tree FILE, GROUP 0]");
    }

    @Test
    void theVictimsMessageCarriesTheCycleAsText() {
        lock(a, "X", EX);
        lock(b, "Y", EX);
        a.enqueueAsync(LockRequest.of("Y", EX));
        try {
            b.enqueue("X", EX);
            throw new AssertionError("expected a deadlock");
        } catch (LockException e) {
            assertThat(e.status()).isEqualTo(LockStatus.DEADLOCK);
            assertThat(e.deadlock()).isPresent();
            assertThat(e.getMessage())
                    .contains("victim 'b', whose request for EX on X failed with DEADLOCK")
                    .contains("'a' waits for EX on Y [tree Y, GROUP 0], holding nothing there; blocked by 'b', which holds EX")
                    .contains("* 'b' waits for EX on X [tree X, GROUP 0], holding nothing there; blocked by 'a', which holds EX");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theManagerKeepsTheReportAndTellsItsListeners() {
        List<DeadlockReport> heard = new CopyOnWriteArrayList<>();
        manager.addDeadlockListener(heard::add);
        lock(a, "X", EX);
        lock(b, "Y", EX);
        a.enqueueAsync(LockRequest.of("Y", EX));
        DeadlockReport report = victimReport(b.enqueueAsync(LockRequest.of("X", EX)));
        eventually(() -> assertThat(manager.recentDeadlocks()).containsExactly(report));
        eventually(() -> assertThat(heard).containsExactly(report));
    }

    @Test
    void theManagerKeepsOnlyTheLastReports() {
        DeadlockReport last = null;
        for (int i = 0; i < dev.locksmith.lock.engine.DeadlockLog.KEPT + 2; i++) {
            LockOwner x = owner("x" + i);
            LockOwner y = owner("y" + i);
            lock(x, "X" + i, EX);
            lock(y, "Y" + i, EX);
            x.enqueueAsync(LockRequest.of("Y" + i, EX));
            last = victimReport(y.enqueueAsync(LockRequest.of("X" + i, EX)));
            x.close();
            y.close();
        }
        DeadlockReport newest = last;
        eventually(() -> {
            assertThat(manager.recentDeadlocks()).hasSize(dev.locksmith.lock.engine.DeadlockLog.KEPT);
            assertThat(manager.recentDeadlocks().get(dev.locksmith.lock.engine.DeadlockLog.KEPT - 1)).isEqualTo(newest);
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Lock lock(LockOwner owner, String name, LockMode mode, Lock parent) {
        try {
            return owner.enqueue(LockRequest.of(name, mode).withParent(parent));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static DeadlockReport.Wait wait(LockOwner owner, String resource, LockMode held, LockMode wanted,
                                            LockOwner blocker, LockMode blockerHolds, LockMode blockerWants) {
        return new DeadlockReport.Wait(owner.name(), owner.id(), null, GROUP0, List.of(resource), held, wanted,
                blocker.name(), null, blockerHolds, blockerWants);
    }

    /** The cycle starting at {@code owner}'s wait: a cycle has no first wait, a search starts anywhere. */
    static List<DeadlockReport.Wait> rotatedTo(String owner, List<DeadlockReport.Wait> cycle) {
        List<DeadlockReport.Wait> rotated = new ArrayList<>();
        int start = 0;
        while (start < cycle.size() && !cycle.get(start).owner().equals(owner)) {
            start++;
        }
        assertThat(start).as("%s is in the cycle %s", owner, cycle).isLessThan(cycle.size());
        for (int i = 0; i < cycle.size(); i++) {
            rotated.add(cycle.get((start + i) % cycle.size()));
        }
        return rotated;
    }

    private static DeadlockReport victimReport(Lock victim) {
        return failureReport(completion(victim));
    }

    private static DeadlockReport failureReport(CompletableFuture<Lock> stage) {
        try {
            stage.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LockException failure = (LockException) e.getCause();
            assertThat(failure.status()).isEqualTo(LockStatus.DEADLOCK);
            return failure.deadlock().orElseThrow();
        } catch (Exception e) {
            throw new AssertionError("the request did not end", e);
        }
        throw new AssertionError("the request was granted, not a deadlock victim");
    }
}
