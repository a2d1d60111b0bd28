package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RmsStatus;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.XAConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locksmith and H2 (through its XADataSource) in one Narayana transaction, standalone: a record
 * update and a row insert commit or roll back together, and a transaction manager that dies
 * between prepare and commit — a child JVM halted inside commit — is completed by recovery in this
 * JVM, the record staying locked until it is.
 */
class NarayanaRecoveryTest {

    static final int ORDER_ID = 42;
    static final String ORDER_LOCK = "^ORDER(42)";
    static final String ITEM = "BOLT";
    static final int CRASH_QUANTITY = 41;

    @TempDir
    Path work;

    private TransactionManager tm;
    private LocksmithResourceAdapter adapter;
    private LocksmithManagedConnectionFactory mcf;
    private LocksmithConnectionFactory locksmith;
    private H2Xa h2;
    private final List<com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper> helpers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        start();
        try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
            c.createFile(Stock.FILE, Stock.DEFINITION);
            c.open(Stock.FILE).put(Stock.record(ITEM, 50));
        }
        h2 = new H2Xa(work);
        h2.createTable();
    }

    private void start() throws Exception {
        adapter = TestAdapters.started();
        mcf = TestAdapters.factory(adapter, work.resolve("store"));
        mcf.setLockWaitMillis(0L);
        locksmith = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
    }

    /** The quantity of {@link #ITEM} as committed in the file. */
    private int committedQuantity() throws Exception {
        return Stock.quantity(mcf.resourceManager().store().file(Stock.FILE).stream().get(0, Stock.key(ITEM), KeyMatch.EQ,
                RecordOptions.of(RecordOption.NQL)));
    }

    /** Whether another transaction could read {@link #ITEM} for update now (its record lock is free). */
    private boolean recordFree() throws Exception {
        LocksmithConnectionFactory plain = (LocksmithConnectionFactory) mcf.createConnectionFactory();
        try (LocksmithConnection c = plain.getConnection()) {
            c.open(Stock.FILE).get(Stock.key(ITEM));
            return true;
        } catch (RecordException e) {
            assertThat(e.rmsStatus()).isEqualTo(RmsStatus.RLK);
            return false;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        for (var helper : helpers) {
            Narayana.xaRecovery().removeXAResourceRecoveryHelper(helper);
            if (helper instanceof H2Xa.RecoveryHelper h) {
                h.close();
            }
        }
        adapter.stop();
    }

    /** Whether another connection, outside any transaction, could take {@code name} now. */
    private boolean free(String name) throws Exception {
        LocksmithConnectionFactory plain = (LocksmithConnectionFactory) mcf.createConnectionFactory();
        try (LocksmithConnection c = plain.getConnection()) {
            return c.lock(Duration.ZERO, name);
        }
    }

    private void orderInOneTransaction(String item) throws Exception {
        try (LocksmithConnection c = locksmith.getConnection()) {
            assertThat(c.lock(Duration.ofSeconds(10), ORDER_LOCK)).isTrue();
            RecordFile stock = c.open(Stock.FILE);
            int left = Stock.quantity(stock.get(Stock.key(ITEM)));
            stock.update(Stock.record(ITEM, left - 1));
        }
        XAConnection row = h2.xaConnection();
        try {
            tm.getTransaction().enlistResource(row.getXAResource());
            H2Xa.insert(row.getConnection(), ORDER_ID, item);
            assertThat(free(ORDER_LOCK)).as("held by the transaction").isFalse();
        } finally {
            tm.getTransaction().registerSynchronization(new CloseAfterCompletion(row));
        }
    }

    @Test
    void aCommitReachesBothResourceManagers() throws Exception {
        tm.begin();
        orderInOneTransaction("committed");
        tm.commit();

        assertThat(h2.item(ORDER_ID)).isEqualTo("committed");
        assertThat(committedQuantity()).isEqualTo(49);
        assertThat(free(ORDER_LOCK)).as("released when the transaction ended").isTrue();
        assertThat(recordFree()).isTrue();
        assertThat(mcf.resourceManager().statistics().xaPrepared()).as("two resource managers: two phases")
                .isEqualTo(1);
        assertThat(mcf.resourceManager().statistics().xaCommitted()).isEqualTo(1);
    }

    @Test
    void aRollbackReachesBothResourceManagers() throws Exception {
        tm.begin();
        orderInOneTransaction("rolled back");
        tm.setRollbackOnly();
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(h2.item(ORDER_ID)).isNull();
        assertThat(committedQuantity()).isEqualTo(50);
        assertThat(free(ORDER_LOCK)).isTrue();
        assertThat(mcf.resourceManager().statistics().xaRolledBack()).isEqualTo(1);
    }

    @Test
    void aTransactionManagerThatDiesBetweenPrepareAndCommitIsCompletedByRecovery() throws Exception {
        adapter.stop(); // the child JVM opens the store itself
        HaltingXAResource.runChildUntilHalted(work.resolve("child.log"), CrashInCommitMain.class,
                Narayana.objectStore().toString(), work.resolve("store").toString(), H2Xa.url(work));

        assertThat(h2.item(ORDER_ID)).as("prepared, not committed").isNull();
        assertThat(h2.inDoubt()).isEqualTo(1);

        start();
        assertThat(committedQuantity()).as("prepared, not committed").isEqualTo(50);
        assertThat(recordFree()).as("the in-doubt branch holds its record lock again").isFalse();
        assertThat(free(ORDER_LOCK)).as("and its name lock").isFalse();

        register(new LocksmithRecoveryHelper(mcf));
        register(h2.recoveryHelper());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (h2.item(ORDER_ID) == null && System.nanoTime() < deadline) {
            Narayana.scan();
        }
        assertThat(h2.item(ORDER_ID)).as("committed by recovery").isEqualTo("crash");
        assertThat(h2.inDoubt()).isZero();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (mcf.resourceManager().statistics().xaCommitted() == 0 && System.nanoTime() < until) {
            Narayana.scan();
        }
        assertThat(committedQuantity()).as("committed by recovery").isEqualTo(CRASH_QUANTITY);
        assertThat(recordFree()).as("and its lock released").isTrue();
        assertThat(free(ORDER_LOCK)).as("its name lock too").isTrue();
        assertThat(mcf.resourceManager().store().inDoubt()).isEmpty();
    }

    private void register(com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper helper) {
        helpers.add(helper);
        Narayana.xaRecovery().addXAResourceRecoveryHelper(helper);
    }
}
