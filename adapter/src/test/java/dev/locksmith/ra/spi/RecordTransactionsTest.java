package dev.locksmith.ra.spi;

import static javax.transaction.xa.XAResource.TMENDRSCAN;
import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMSTARTRSCAN;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.fields.Field;
import dev.locksmith.rms.fields.RecordDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records through connections: one XA branch is one store transaction (durable prepare, recovery,
 * XA_RB* codes for deadlocks and conflicts), and outside a transaction every call commits.
 */
class RecordTransactionsTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;

    @BeforeEach
    void setUp() throws Exception {
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mcf.setLockWaitMillis(0L);
        try (LocksmithConnection c = connect(TransactionMode.PESSIMISTIC).handle()) {
            c.createFile(Stock.FILE, Stock.DEFINITION);
            RecordFile stock = c.open(Stock.FILE);
            stock.put(Stock.record("BOLT", 10));
            stock.put(Stock.record("NUT", 20));
        }
    }

    @AfterEach
    void tearDown() {
        ra.stop();
    }

    private record Conn(LocksmithManagedConnection mc, LocksmithConnection handle, XAResource xa) {
        RecordFile stock() throws Exception {
            return handle.open(Stock.FILE);
        }
    }

    private Conn connect(TransactionMode mode) throws Exception {
        LocksmithManagedConnection mc = (LocksmithManagedConnection) mcf.createManagedConnection(null,
                new LocksmithConnectionRequestInfo(mode));
        return new Conn(mc, (LocksmithConnection) mc.getConnection(null, null), mc.getXAResource());
    }

    /** Reads the file as committed, past every lock (RMS's NQL), and leaves no lock behind. */
    private static final RecordOptions NO_LOCK = RecordOptions.of(RecordOption.NQL);

    /** The quantity of {@code item} as committed: read from the file itself, outside every transaction. */
    private Integer committed(String item) throws Exception {
        try {
            return Stock.quantity(mcf.resourceManager().store().file(Stock.FILE).stream().get(0, Stock.key(item), KeyMatch.EQ, NO_LOCK));
        } catch (RmsException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(RmsStatus.RNF);
            return null;
        }
    }

    private static int xaCode(Executable call) {
        XAException e = catchThrowableOfType(XAException.class, () -> call.execute());
        assertThat(e).as("an XAException").isNotNull();
        return e.errorCode;
    }

    private static void setQuantity(RecordFile stock, String item, int quantity) throws Exception {
        stock.get(Stock.key(item));
        stock.update(Stock.record(item, quantity));
    }

    @Test
    void aBranchThatWroteIsPreparedDurablyAndItsWorkIsSeenOnlyAfterCommit() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("write");
        a.xa().start(xid, TMNOFLAGS);
        a.stock().put(Stock.record("WASHER", 5));
        assertThat(Stock.quantity(a.stock().get(Stock.key("WASHER")))).as("reads its own writes").isEqualTo(5);
        a.xa().end(xid, TMSUCCESS);

        assertThat(a.xa().prepare(xid)).isEqualTo(XAResource.XA_OK);
        assertThat(committed("WASHER")).as("prepared, not committed").isNull();
        a.xa().commit(xid, false);
        assertThat(committed("WASHER")).isEqualTo(5);

        var s = mcf.resourceManager().statistics();
        assertThat(s.xaPrepared()).isEqualTo(1);
        assertThat(s.xaCommitted()).isEqualTo(1);
        assertThat(s.xaReadOnly()).isZero();
    }

    @Test
    void aPreparedBranchRefusesWhatOnlyAnActiveOneMayDo() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Conn b = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("prepared");
        a.xa().start(xid, TMNOFLAGS);
        a.stock().put(Stock.record("WASHER", 5));
        a.xa().end(xid, TMSUCCESS);
        a.xa().prepare(xid);

        assertThat(xaCode(() -> a.xa().prepare(xid))).as("prepare twice").isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> a.xa().commit(xid, true))).as("one-phase commit after prepare")
                .isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> b.xa().start(xid, TMJOIN))).as("join after prepare").isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> a.xa().forget(xid))).as("nothing heuristic").isEqualTo(XAException.XAER_PROTO);
        a.xa().commit(xid, false);
        assertThat(committed("WASHER")).as("the refusals changed nothing").isEqualTo(5);
    }

    @Test
    void joinedConnectionsWorkInOneStoreTransaction() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Conn b = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("joined");
        a.xa().start(xid, TMNOFLAGS);
        b.xa().start(xid, TMJOIN);
        setQuantity(a.stock(), "BOLT", 11);
        assertThat(Stock.quantity(b.stock().get(Stock.key("BOLT")))).as("the joined connection sees it").isEqualTo(11);
        setQuantity(b.stock(), "NUT", 21);
        a.xa().end(xid, TMSUCCESS);
        b.xa().end(xid, TMSUCCESS);
        a.xa().commit(xid, true);

        assertThat(committed("BOLT")).isEqualTo(11);
        assertThat(committed("NUT")).isEqualTo(21);
    }

    @Test
    void aRolledBackBranchLeavesTheFileUnchanged() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("undone");
        a.xa().start(xid, TMNOFLAGS);
        RecordFile stock = a.stock();
        setQuantity(stock, "BOLT", 99);
        stock.delete();
        a.xa().end(xid, TMSUCCESS);
        assertThat(a.xa().prepare(xid)).isEqualTo(XAResource.XA_OK);
        a.xa().rollback(xid);
        assertThat(committed("BOLT")).isEqualTo(10);
    }

    @Test
    void recoverListsPreparedBranchesOncePerScan() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid first = TestXid.of("first");
        Xid second = TestXid.of("second");
        Xid idle = TestXid.of("idle");
        for (Xid x : List.of(first, second, idle)) {
            a.xa().start(x, TMNOFLAGS);
            a.stock().put(Stock.record(new String(x.getGlobalTransactionId()).toUpperCase(), 1));
            a.xa().end(x, TMSUCCESS);
        }
        a.xa().prepare(first);
        a.xa().prepare(second);

        Xid[] found = a.xa().recover(TMSTARTRSCAN);
        assertThat(found).extracting(XidKey::of).containsExactlyInAnyOrder(XidKey.of(first), XidKey.of(second));
        assertThat(a.xa().recover(TMNOFLAGS)).as("rest of the scan").isEmpty();
        assertThat(a.xa().recover(TMENDRSCAN)).isEmpty();
        a.xa().commit(first, false);
        a.xa().rollback(second);
        assertThat(a.xa().recover(TMSTARTRSCAN | TMENDRSCAN)).isEmpty();
        assertThat(committed("FIRST")).isEqualTo(1);
        assertThat(committed("SECOND")).isNull();
    }

    @Test
    void aPreparedBranchSurvivesARestartOfTheAdapterWithItsLocksAndIsCommittedThen() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("in-doubt");
        a.xa().start(xid, TMNOFLAGS);
        setQuantity(a.stock(), "BOLT", 7);
        a.xa().end(xid, TMSUCCESS);
        assertThat(a.xa().prepare(xid)).isEqualTo(XAResource.XA_OK);
        ra.stop();

        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mcf.setLockWaitMillis(0L);
        Conn b = connect(TransactionMode.PESSIMISTIC);
        assertThat(b.xa().recover(TMSTARTRSCAN | TMENDRSCAN)).extracting(XidKey::of).containsExactly(XidKey.of(xid));

        Xid other = TestXid.of("other");
        b.xa().start(other, TMNOFLAGS);
        RecordException locked = catchThrowableOfType(RecordException.class, () -> b.stock().get(Stock.key("BOLT")));
        assertThat(locked.rmsStatus()).as("the in-doubt branch's record lock was taken again").isEqualTo(RmsStatus.RLK);
        b.xa().end(other, TMSUCCESS);
        b.xa().rollback(other);

        b.xa().commit(xid, false);
        assertThat(committed("BOLT")).isEqualTo(7);
    }

    @Test
    void startingTheAdapterRecoversTheStoresOfItsFactoriesBeforeAnyConnectionIsMade() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("held-over");
        a.xa().start(xid, TMNOFLAGS);
        setQuantity(a.stock(), "NUT", 0);
        a.xa().end(xid, TMSUCCESS);
        a.xa().prepare(xid);
        ra.stop();

        ra = new LocksmithResourceAdapter();
        mcf = TestAdapters.factory(ra, store);
        assertThat(mcf.getResourceAdapter()).as("associated before start, as a server does").isSameAs(ra);
        ra.start(null);
        assertThat(ra.lockManager().locks()).as("the in-doubt branch's locks, taken at start")
                .anySatisfy(l -> assertThat(l.grantedMode()).isEqualTo(dev.locksmith.lock.LockMode.EX));
        assertThat(mcf.resourceManager().statistics().managedConnectionsCreated()).isZero();
    }

    @Test
    void aPessimisticDeadlockRollsTheVictimBackAndItsTransactionManagerHearsXaRbdeadlock() throws Exception {
        mcf.setLockWaitMillis(60_000L);
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Conn b = connect(TransactionMode.PESSIMISTIC);
        Xid xa = TestXid.of("left");
        Xid xb = TestXid.of("right");
        a.xa().start(xa, TMNOFLAGS);
        b.xa().start(xb, TMNOFLAGS);
        setQuantity(a.stock(), "BOLT", 1);
        setQuantity(b.stock(), "NUT", 2);

        CompletableFuture<Void> aWaits = CompletableFuture.runAsync(() -> update(a, "NUT", 3), Deadlock.OWN_THREAD);
        CompletableFuture<Void> bWaits = CompletableFuture.runAsync(() -> update(b, "BOLT", 4), Deadlock.OWN_THREAD);
        Deadlock.Victim v = Deadlock.of(aWaits, bWaits);
        RecordException victim = (RecordException) v.failure();
        assertThat(victim.rmsStatus()).isEqualTo(RmsStatus.DEADLOCK);
        Conn victimConn = v.first() ? a : b;
        Xid victimXid = v.first() ? xa : xb;
        victimConn.xa().end(victimXid, TMSUCCESS);
        assertThat(xaCode(() -> victimConn.xa().prepare(victimXid))).isEqualTo(XAException.XA_RBDEADLOCK);

        Conn survivor = victimConn == a ? b : a;
        Xid survivorXid = victimConn == a ? xb : xa;
        survivor.xa().end(survivorXid, TMSUCCESS);
        survivor.xa().commit(survivorXid, true);
        assertThat(List.of(committed("BOLT"), committed("NUT"))).as("only the survivor's work")
                .isIn(List.of(4, 2), List.of(1, 3));
    }

    private static void update(Conn c, String item, int quantity) {
        try {
            setQuantity(c.stock(), item, quantity);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    @Test
    void anOptimisticConflictFailsTheOnePhaseCommitWithXaRbrollback() throws Exception {
        Conn a = connect(TransactionMode.OPTIMISTIC);
        Conn b = connect(TransactionMode.OPTIMISTIC);
        Xid xa = TestXid.of("first-writer");
        Xid xb = TestXid.of("second-writer");
        a.xa().start(xa, TMNOFLAGS);
        b.xa().start(xb, TMNOFLAGS);
        setQuantity(a.stock(), "BOLT", 9);
        setQuantity(b.stock(), "BOLT", 8);
        a.xa().end(xa, TMSUCCESS);
        b.xa().end(xb, TMSUCCESS);

        a.xa().commit(xa, true);
        XAException conflict = catchThrowableOfType(XAException.class, () -> b.xa().commit(xb, true));
        assertThat(conflict.errorCode).isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(conflict.getMessage()).contains("CONFLICT");
        assertThat(committed("BOLT")).isEqualTo(9);
        assertThat(xaCode(() -> b.xa().rollback(xb))).as("forgotten once reported").isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void aBranchPastItsTimeoutLosesItsWritesAndPrepareAnswersXaRbtimeout() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("late");
        a.xa().setTransactionTimeout(1);
        a.xa().start(xid, TMNOFLAGS);
        setQuantity(a.stock(), "BOLT", 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (mcf.resourceManager().statistics().xaRolledBack() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        a.xa().end(xid, TMSUCCESS);
        assertThat(xaCode(() -> a.xa().prepare(xid))).isEqualTo(XAException.XA_RBTIMEOUT);
        assertThat(committed("BOLT")).isEqualTo(10);
    }

    @Test
    void outsideATransactionEveryCallCommitsAtOnce() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        RecordFile stock = a.stock();
        stock.put(Stock.record("WASHER", 3));
        assertThat(committed("WASHER")).isEqualTo(3);

        stock.rewind();
        assertThat(Stock.quantity(stock.next())).as("BOLT first in key order").isEqualTo(10);
        assertThat(Stock.quantity(stock.next())).as("continues from the current record: NUT").isEqualTo(20);
        stock.update(Stock.record("NUT", 22));
        assertThat(committed("NUT")).isEqualTo(22);
        stock.delete();
        assertThat(committed("NUT")).isNull();
        RecordException lost = catchThrowableOfType(RecordException.class, stock::next);
        assertThat(lost.rmsStatus()).isEqualTo(RmsStatus.CUR);
        assertThat(stock.find(0, Stock.key("WASHER"), KeyMatch.EQ)).isTrue();
        assertThat(stock.find(0, Stock.key("SCREW"), KeyMatch.EQ)).isFalse();
    }

    @Test
    void recordFailuresCarryTheStoresStatusAndChangeNothing() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        Xid xid = TestXid.of("errors");
        a.xa().start(xid, TMNOFLAGS);
        RecordFile stock = a.stock();
        assertThat(catchThrowableOfType(RecordException.class, () -> stock.get(Stock.key("NONE"))).rmsStatus())
                .isEqualTo(RmsStatus.RNF);
        RecordException dup = catchThrowableOfType(RecordException.class, () -> stock.put(Stock.record("BOLT", 1)));
        assertThat(dup.rmsStatus()).isEqualTo(RmsStatus.DUP);
        assertThat(dup.status()).isEqualTo("DUP").isEqualTo(dup.getErrorCode());
        assertThat(catchThrowableOfType(RecordException.class, () -> a.handle().open("missing.rms")).rmsStatus())
                .isEqualTo(RmsStatus.FNF);
        assertThat(catchThrowableOfType(RecordException.class, () -> a.handle().open(" ")).rmsStatus())
                .isEqualTo(RmsStatus.IAL);
        assertThat(catchThrowableOfType(RecordException.class,
                () -> a.handle().createFile(Stock.FILE, Stock.DEFINITION)).rmsStatus()).isEqualTo(RmsStatus.FEX);

        setQuantity(stock, "NUT", 21);
        a.xa().end(xid, TMSUCCESS);
        a.xa().commit(xid, true);
        assertThat(committed("NUT")).as("the failures did not end the transaction").isEqualTo(21);
        assertThat(committed("BOLT")).isEqualTo(10);
    }

    @Test
    void defineRecordsGivesTheFileItsFieldsForEveryOpener() throws Exception {
        try (LocksmithConnection c = connect(TransactionMode.PESSIMISTIC).handle()) {
            c.defineRecords(Stock.FILE, "ITEM TEXT 0 8; QUANTITY ZONED 8 12");
        }
        RecordDefinition defined = mcf.resourceManager().store().file(Stock.FILE).recordDefinition().orElseThrow();
        assertThat(defined.fields()).extracting(Field::name).containsExactly("ITEM", "QUANTITY");
        assertThat(defined.decode(Stock.record("BOLT", 10))).containsExactly("BOLT", java.math.BigDecimal.TEN);
    }

    @Test
    void aBadRecordDefinitionIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        LocksmithConnection c = connect(TransactionMode.PESSIMISTIC).handle();
        c.defineRecords(Stock.FILE, "ITEM TEXT 0 8; QUANTITY ZONED 8 12");
        RecordException tooLong = catchThrowableOfType(RecordException.class,
                () -> c.defineRecords(Stock.FILE, "ITEM TEXT 0 8; QUANTITY ZONED 8 13"));
        assertThat(tooLong.rmsStatus()).isEqualTo(RmsStatus.FDL);
        assertThat(tooLong).hasMessageContaining("QUANTITY").hasMessageContaining("record size 20");
        assertThat(catchThrowableOfType(RecordException.class, () -> c.defineRecords("missing.rms", "A TEXT 0 1")).rmsStatus())
                .isEqualTo(RmsStatus.FNF);
        assertThat(catchThrowableOfType(RecordException.class, () -> c.defineRecords(Stock.FILE, null)))
                .hasMessageContaining("definition is null").extracting(RecordException::rmsStatus).isEqualTo(RmsStatus.IAL);
        assertThat(mcf.resourceManager().store().file(Stock.FILE).recordDefinition().orElseThrow().format())
                .as("the definition set before the failures").contains("QUANTITY ZONED 8 12");
        c.close();
    }

    @Test
    void aLocalTransactionCommitsItsRecordsAllAtOnce() throws Exception {
        Conn a = connect(TransactionMode.PESSIMISTIC);
        var local = a.handle().localTransaction();
        local.begin();
        setQuantity(a.stock(), "BOLT", 1);
        setQuantity(a.stock(), "NUT", 2);
        assertThat(committed("BOLT")).isEqualTo(10);
        local.commit();
        assertThat(committed("BOLT")).isEqualTo(1);
        assertThat(committed("NUT")).isEqualTo(2);

        local.begin();
        setQuantity(a.stock(), "BOLT", 5);
        local.rollback();
        assertThat(committed("BOLT")).isEqualTo(1);
    }
}
