package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
    static Path objectStore;

    @TempDir
    Path stores;

    private TransactionManager tm;
    private LocksmithManagedConnectionFactory orders;
    private LocksmithManagedConnectionFactory stock;

    @BeforeAll
    static void narayanaObjectStore() {
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(objectStore.toString());
        for (String name : new String[] {"stateStore", "communicationStore"}) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name)
                    .setObjectStoreDir(objectStore.toString());
        }
    }

    @BeforeEach
    void setUp() {
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        orders = new LocksmithManagedConnectionFactory();
        orders.setStoreLocation(stores.resolve("orders").toString());
        stock = new LocksmithManagedConnectionFactory();
        stock.setStoreLocation(stores.resolve("stock").toString());
    }

    @AfterEach
    void noTransactionLeftBehind() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
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
    void twoStoresAreCommittedInTwoPhases() throws Exception {
        tm.begin();
        try (LocksmithConnection o = enlisted(orders); LocksmithConnection s = enlisted(stock)) {
            o.ping();
            s.ping();
        }
        tm.commit();

        for (LocksmithManagedConnectionFactory mcf : new LocksmithManagedConnectionFactory[] {orders, stock}) {
            AdapterStatistics s = mcf.resourceManager().statistics();
            assertThat(s.xaPrepared()).as("prepared: %s", mcf).isEqualTo(1);
            assertThat(s.xaCommitted()).isEqualTo(1);
            assertThat(s.xaCommittedOnePhase()).isZero();
        }
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
