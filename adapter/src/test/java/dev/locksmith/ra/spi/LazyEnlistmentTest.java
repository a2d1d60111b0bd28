package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import jakarta.resource.ResourceException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy enlistment under Narayana's transaction manager, through the adapter's own
 * {@link JtaConnectionManager}: a handle obtained outside a transaction works in the transaction of
 * the moment it is used in, and on its own outside every transaction.
 */
class LazyEnlistmentTest {

    @TempDir
    Path store;

    private TransactionManager tm;
    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;
    private LocksmithConnectionFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mcf.setLockWaitMillis(0L);
        factory = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
        try (LocksmithConnection c = factory.getConnection()) {
            c.createFile(Stock.FILE, Stock.DEFINITION);
            c.open(Stock.FILE).put(Stock.record("BOLT", 10));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        ra.stop();
    }

    /** The committed quantity of BOLT, read past every lock. */
    private int committedBolts() throws ResourceException {
        return Stock.quantity(mcf.resourceManager().store().file(Stock.FILE).stream()
                .get(0, Stock.key("BOLT"), KeyMatch.EQ, RecordOptions.of(RecordOption.NQL)));
    }

    private static void setBolts(RecordFile stock, int quantity) throws ResourceException {
        stock.get(Stock.key("BOLT"));
        stock.update(Stock.record("BOLT", quantity));
    }

    @Test
    void aHandleObtainedBeforeTheTransactionBeganWritesInItSoARollbackUndoesTheWrite() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            assertThat(c.currentXid()).as("outside a transaction").isEmpty();
            tm.begin();
            setBolts(c.open(Stock.FILE), 9);
            assertThat(c.currentXid()).as("enlisted by its first call").isPresent();
            assertThat(committedBolts()).as("not committed while the transaction runs").isEqualTo(10);
            tm.rollback();
        }
        assertThat(committedBolts()).isEqualTo(10);
        assertThat(mcf.resourceManager().statistics().xaRolledBack()).isEqualTo(1);
    }

    @Test
    void aHandleObtainedBeforeTheTransactionBeganCommitsWithIt() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            tm.begin();
            setBolts(c.open(Stock.FILE), 9);
            tm.commit();
        }
        assertThat(committedBolts()).isEqualTo(9);
        AdapterStatistics s = mcf.resourceManager().statistics();
        assertThat(s.xaStarted()).isEqualTo(1);
        assertThat(s.xaCommittedOnePhase()).as("the only resource: one phase").isEqualTo(1);
    }

    @Test
    void oneHandleWorksInEachTransactionItIsUsedInAndOnItsOwnBetweenThem() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            tm.begin();
            setBolts(stock, 9);
            tm.commit();

            setBolts(stock, 8);
            assertThat(c.currentXid()).as("between transactions the call committed on its own").isEmpty();
            assertThat(committedBolts()).isEqualTo(8);

            tm.begin();
            setBolts(stock, 7);
            tm.rollback();
        }
        assertThat(committedBolts()).as("the second transaction's write was rolled back").isEqualTo(8);
        assertThat(mcf.resourceManager().statistics().xaStarted()).isEqualTo(2);
    }

    @Test
    void aHandleObtainedBeforeTheTransactionTakesNameLocksForTheTransaction() throws Exception {
        try (LocksmithConnection c = factory.getConnection(); LocksmithConnection other = factory.getConnection()) {
            tm.begin();
            assertThat(c.lock(Duration.ZERO, "^ORDER(1)")).isTrue();
            tm.commit();
            assertThat(other.lock(Duration.ZERO, "^ORDER(1)")).as("the commit released the transaction's lock").isTrue();
        }
    }

    @Test
    void aCallInATransactionMarkedRollbackOnlyFailsInsteadOfRunningOutsideIt() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            tm.begin();
            tm.setRollbackOnly();
            assertThatThrownBy(() -> setBolts(stock, 9)).isInstanceOf(ResourceException.class)
                    .hasMessageContaining("no longer active");
            tm.rollback();
        }
        assertThat(committedBolts()).isEqualTo(10);
        assertThat(mcf.resourceManager().statistics().xaStarted()).isZero();
    }
}
