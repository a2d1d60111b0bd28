package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter under a real transaction manager without an application server: Narayana
 * enlists the XAResource of Locksmith connections the way WildFly does, and decides between
 * one- and two-phase commit from {@code isSameRM} and the number of resource managers.
 */
class NarayanaTransactionTest {

    @TempDir
    Path stores;

    private TransactionManager tm;
    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory orders;
    private LocksmithManagedConnectionFactory stock;

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        ra = TestAdapters.started();
        orders = TestAdapters.factory(ra, stores.resolve("orders"));
        stock = TestAdapters.factory(ra, stores.resolve("stock"));
    }

    @AfterEach
    void noTransactionLeftBehind() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        ra.stop();
    }

    /** Gets a connection the way an application server does: enlisted in the current transaction. */
    private LocksmithConnection enlisted(LocksmithManagedConnectionFactory mcf) throws Exception {
        LocksmithManagedConnection mc = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        Transaction tx = tm.getTransaction();
        assertThat(tx.enlistResource(mc.getXAResource())).isTrue();
        return (LocksmithConnection) mc.getConnection(null, null);
    }

    @Test
    void aSingleResourceManagerIsCommittedInOnePhase() throws Exception {
        tm.begin();
        try (LocksmithConnection c = enlisted(orders)) {
            assertThat(c.currentXid()).as("enlisted: the branch is visible to the application").isPresent();
            c.ping();
        }
        tm.commit();

        AdapterStatistics s = orders.resourceManager().statistics();
        assertThat(s.xaStarted()).isEqualTo(1);
        assertThat(s.xaCommittedOnePhase()).isEqualTo(1);
        assertThat(s.xaPrepared()).isZero();
    }

    @Test
    void twoConnectionsOfOneStoreShareOneBranch() throws Exception {
        tm.begin();
        try (LocksmithConnection a = enlisted(orders); LocksmithConnection b = enlisted(orders)) {
            a.ping();
            b.ping();
        }
        tm.commit();

        AdapterStatistics s = orders.resourceManager().statistics();
        assertThat(s.xaStarted()).as("isSameRM: the second connection joins the first branch").isEqualTo(1);
        assertThat(s.xaCommittedOnePhase()).isEqualTo(1);
    }

    @Test
    void twoStoresThatOnlyLockedArePreparedReadOnly() throws Exception {
        tm.begin();
        try (LocksmithConnection o = enlisted(orders); LocksmithConnection s = enlisted(stock)) {
            assertThat(o.lock(Duration.ZERO, "^ORDER(1)")).isTrue();
            assertThat(s.lock(Duration.ZERO, "^STOCK(7)")).isTrue();
        }
        tm.commit();

        AdapterStatistics o = orders.resourceManager().statistics();
        AdapterStatistics s = stock.resourceManager().statistics();
        assertThat(o.xaReadOnly()).as("the first branch votes read-only at prepare").isEqualTo(1);
        assertThat(o.xaCommitted()).as("a read-only branch is finished at prepare").isZero();
        assertThat(s.xaReadOnly() + s.xaCommittedOnePhase())
                .as("the last branch: read-only too, or committed in one phase once the others were read-only")
                .isEqualTo(1);
        assertThat(o.xaPrepared() + s.xaPrepared()).as("nothing was prepared durably").isZero();
        assertThat(ra.lockManager().locks()).as("every lock released").isEmpty();
    }

    @Test
    void rollbackAndRollbackOnlyRollTheBranchesBack() throws Exception {
        tm.begin();
        try (LocksmithConnection o = enlisted(orders); LocksmithConnection s = enlisted(stock)) {
            o.ping();
            s.ping();
        }
        tm.rollback();

        tm.begin();
        try (LocksmithConnection o = enlisted(orders)) {
            o.ping();
        }
        tm.setRollbackOnly();
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(orders.resourceManager().statistics().xaRolledBack()).isEqualTo(2);
        assertThat(orders.resourceManager().statistics().xaCommitted()).isZero();
        assertThat(stock.resourceManager().statistics().xaRolledBack()).isEqualTo(1);
    }
}
