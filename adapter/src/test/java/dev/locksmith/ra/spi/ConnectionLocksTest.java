package dev.locksmith.ra.spi;

import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.ra.LockFailedException;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.TransactionRolledBackException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GT.M name locks through connection handles: whose they are (the XA branch, the local
 * transaction, or the handle), when they are released, and how failures surface.
 */
class ConnectionLocksTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;

    @BeforeEach
    void setUp() throws Exception {
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
    }

    @AfterEach
    void tearDown() {
        ra.stop();
    }

    /** A physical connection and a handle on it. */
    private record Conn(LocksmithManagedConnection mc, LocksmithConnection handle, XAResource xa) {
    }

    private Conn connect() throws Exception {
        LocksmithManagedConnection mc = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        return new Conn(mc, (LocksmithConnection) mc.getConnection(null, null), mc.getXAResource());
    }

    /** Whether a fresh connection outside any transaction could take {@code name} right now. */
    private boolean free(String name) throws Exception {
        Conn probe = connect();
        try {
            return probe.handle().lock(Duration.ZERO, name);
        } finally {
            probe.handle().close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int xaCode(org.junit.jupiter.api.function.Executable call) {
        XAException e = catchThrowableOfType(XAException.class, () -> call.execute());
        assertThat(e).as("an XAException").isNotNull();
        return e.errorCode;
    }

    @Test
    void locksOfABranchAreSharedByEveryJoinedConnectionAndHeldUntilCommit() throws Exception {
        Conn a = connect();
        Conn b = connect();
        Xid xid = TestXid.of("joined");
        a.xa().start(xid, TMNOFLAGS);
        b.xa().start(xid, TMJOIN);

        assertThat(a.handle().lock(Duration.ZERO, "^ORDER(1)")).isTrue();
        assertThat(b.handle().lock(Duration.ZERO, "^ORDER(1)", "^ORDER(2)"))
                .as("the joined connection works for the same lock owner").isTrue();
        assertThat(free("^ORDER(1)")).isFalse();
        assertThat(free("^ORDER")).as("the parent of a held name").isFalse();
        assertThat(free("^ORDER(3)")).as("a sibling").isTrue();

        a.xa().end(xid, TMSUCCESS);
        b.xa().end(xid, TMSUCCESS);
        assertThat(free("^ORDER(1)")).as("ended, not finished: still held").isFalse();
        a.xa().commit(xid, true);
        assertThat(free("^ORDER(1)")).isTrue();
        assertThat(free("^ORDER(2)")).isTrue();
    }

    @Test
    void aBranchThatOnlyLockedIsReadOnlyAtPrepareAndReleasesItsLocksThere() throws Exception {
        Conn a = connect();
        Xid xid = TestXid.of("read-only");
        a.xa().start(xid, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^STOCK(7)");
        a.xa().end(xid, TMSUCCESS);

        assertThat(a.xa().prepare(xid)).isEqualTo(XAResource.XA_RDONLY);
        assertThat(free("^STOCK(7)")).isTrue();
    }

    @Test
    void rollbackReleasesTheBranchsLocks() throws Exception {
        Conn a = connect();
        Xid xid = TestXid.of("rolled-back");
        a.xa().start(xid, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^STOCK(7)");
        a.xa().end(xid, TMSUCCESS);
        a.xa().rollback(xid);
        assertThat(free("^STOCK(7)")).isTrue();
    }

    @Test
    void locksTakenOutsideATransactionBelongToTheHandleUntilUnlockOrClose() throws Exception {
        Conn a = connect();
        assertThat(a.handle().lock(Duration.ZERO, "^A", "^B")).isTrue();
        assertThat(a.handle().lock(Duration.ZERO, "^A")).as("LOCK + counts a second level").isTrue();
        a.handle().unlock("^A");
        assertThat(free("^A")).as("one level left").isFalse();
        a.handle().unlock("^A");
        assertThat(free("^A")).isTrue();
        assertThat(free("^B")).isFalse();

        a.handle().close();
        assertThat(free("^B")).as("closing the handle releases its locks").isTrue();
    }

    @Test
    void theServersCleanupReleasesTheLocksOfHandlesItInvalidates() throws Exception {
        Conn a = connect();
        a.handle().lock(Duration.ZERO, "^A");
        a.mc().cleanup();
        assertThat(free("^A")).isTrue();
    }

    @Test
    void aTransactionWaitsForANameItsOwnConnectionHoldsOutsideIt() throws Exception {
        Conn a = connect();
        a.handle().lock(Duration.ZERO, "^A");
        Xid xid = TestXid.of("own");
        a.xa().start(xid, TMNOFLAGS);
        assertThat(a.handle().lock(Duration.ZERO, "^A")).as("a different lock owner").isFalse();
    }

    @Test
    void lockWithoutATimeoutWaitsTheFactorysLockWait() throws Exception {
        mcf.setLockWaitMillis(0L);
        Conn holder = connect();
        holder.handle().lock(Duration.ZERO, "^BUSY");
        Conn other = connect();
        assertThat(other.handle().lock("^BUSY")).as("LockWaitMillis 0: one attempt").isFalse();
        assertThat(other.handle().lock("^IDLE")).isTrue();
    }

    @Test
    void badNamesAndTimeoutsAreRefusedWithAStatusAndChangeNothing() throws Exception {
        Conn a = connect();
        a.handle().lock(Duration.ZERO, "^KEEP");

        LockFailedException badName = catchThrowableOfType(LockFailedException.class,
                () -> a.handle().lock(Duration.ZERO, "^OK", "^BAD(1"));
        assertThat(badName.lockStatus()).isEqualTo(LockStatus.IVRESNAM);
        assertThat(badName.status()).isEqualTo("IVRESNAM").isEqualTo(badName.getErrorCode());
        assertThat(badName.getMessage()).contains("^BAD(1");

        LockFailedException badTimeout = catchThrowableOfType(LockFailedException.class,
                () -> a.handle().lock(Duration.ofSeconds(-1), "^OK"));
        assertThat(badTimeout.lockStatus()).isEqualTo(LockStatus.BADPARAM);
        assertThat(badTimeout.getMessage()).contains("timeout");
        assertThat(catchThrowableOfType(LockFailedException.class, () -> a.handle().lock((Duration) null, "^OK")).lockStatus())
                .isEqualTo(LockStatus.BADPARAM);

        assertThat(free("^OK")).as("nothing was taken").isTrue();
        assertThat(free("^KEEP")).as("nothing was released").isFalse();
    }

    @Test
    void aClosedHandleRefusesEveryCall() throws Exception {
        Conn a = connect();
        a.handle().close();
        assertThatThrownBy(() -> a.handle().lock(Duration.ZERO, "^A")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.handle().lock("^A")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.handle().unlock("^A")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.handle().localTransaction()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBranchPastItsTimeoutIsRolledBackItsLocksFreedAndTheTransactionManagerHearsXaRbtimeout() throws Exception {
        Conn a = connect();
        Xid xid = TestXid.of("slow");
        assertThat(a.xa().setTransactionTimeout(1)).isTrue();
        a.xa().start(xid, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^SLOW");

        await("the timeout to free ^SLOW", () -> {
            try {
                return free("^SLOW");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TransactionRolledBackException late = catchThrowableOfType(TransactionRolledBackException.class,
                () -> a.handle().lock(Duration.ZERO, "^MORE"));
        assertThat(late.status()).isEqualTo("TIMEOUT");
        assertThat(free("^MORE")).as("a rolled back branch takes nothing more").isTrue();

        a.xa().end(xid, TMSUCCESS);
        assertThat(xaCode(() -> a.xa().prepare(xid))).isEqualTo(XAException.XA_RBTIMEOUT);
        assertThat(xaCode(() -> a.xa().rollback(xid))).as("forgotten after reporting it").isEqualTo(XAException.XAER_NOTA);
        assertThat(mcf.resourceManager().statistics().xaRolledBack()).isEqualTo(1);
    }

    @Test
    void aBranchThatEndsInTimeIsNotRolledBackByItsTimeout() throws Exception {
        Conn a = connect();
        Xid xid = TestXid.of("quick");
        a.xa().setTransactionTimeout(1);
        a.xa().start(xid, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^QUICK");
        a.xa().end(xid, TMSUCCESS);
        a.xa().commit(xid, true);

        Xid next = TestXid.of("after");
        a.xa().setTransactionTimeout(0);
        a.xa().start(next, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^QUICK");
        Thread.sleep(1500);
        assertThat(a.handle().lock(Duration.ZERO, "^QUICK2")).as("no timeout: the branch lives on").isTrue();
        assertThat(mcf.resourceManager().statistics().xaRolledBack()).isZero();
    }

    @Test
    void aDeadlockVictimsBranchIsRolledBackAndTheTransactionManagerHearsXaRbdeadlock() throws Exception {
        Conn a = connect();
        Conn b = connect();
        Xid xa = TestXid.of("deadlock-a");
        Xid xb = TestXid.of("deadlock-b");
        a.xa().start(xa, TMNOFLAGS);
        b.xa().start(xb, TMNOFLAGS);
        a.handle().lock(Duration.ZERO, "^LEFT");
        b.handle().lock(Duration.ZERO, "^RIGHT");

        CompletableFuture<Boolean> aWaits = CompletableFuture.supplyAsync(() -> lockOrFailure(a, "^RIGHT"), Deadlock.OWN_THREAD);
        CompletableFuture<Boolean> bWaits = CompletableFuture.supplyAsync(() -> lockOrFailure(b, "^LEFT"), Deadlock.OWN_THREAD);
        Deadlock.Victim v = Deadlock.of(aWaits, bWaits);
        LockFailedException victim = (LockFailedException) v.failure();
        assertThat(victim.lockStatus()).isEqualTo(LockStatus.DEADLOCK);
        Conn loser = v.first() ? a : b;
        Conn winner = v.first() ? b : a;
        Xid lost = v.first() ? xa : xb;
        assertThat(winner.handle().lock(Duration.ZERO, "^LEFT", "^RIGHT")).as("the survivor holds both").isTrue();

        loser.xa().end(lost, TMSUCCESS);
        assertThat(xaCode(() -> loser.xa().commit(lost, true))).isEqualTo(XAException.XA_RBDEADLOCK);
    }

    private static boolean lockOrFailure(Conn c, String name) {
        try {
            return c.handle().lock(Duration.ofSeconds(60), name);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Test
    void aRequestWaitingWhenTheTransactionManagerRollsTheBranchBackIsCancelled() throws Exception {
        Conn holder = connect();
        holder.handle().lock(Duration.ZERO, "^HELD");
        Conn a = connect();
        Xid xid = TestXid.of("doomed");
        a.xa().start(xid, TMNOFLAGS);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> lockOrFailure(a, "^HELD"));
        LockManager locks = ra.lockManager();
        await("the request to queue", () -> locks.locks().stream().anyMatch(l -> l.queue() == LockQueue.WAITING));

        a.xa().rollback(xid);
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(LockFailedException.class);
        assertThat(((LockFailedException) e.getCause()).lockStatus()).isEqualTo(LockStatus.CANCELLED);
    }
}
