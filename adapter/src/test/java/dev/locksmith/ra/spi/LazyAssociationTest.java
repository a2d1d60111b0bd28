package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy association ({@code DissociatableManagedConnection}) with lazy enlistment, driven the way
 * IronJacamar drives them ({@link LazyServerConnectionManager}) under Narayana: a dissociated handle
 * is associated again on its next call and keeps what belongs to it; a handle used in a transaction
 * that already has a connection is moved onto it and works in the same branch.
 */
class LazyAssociationTest {

    @TempDir
    Path store;

    private TransactionManager tm;
    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;
    private LazyServerConnectionManager server;
    private LocksmithConnectionFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mcf.setLockWaitMillis(0L);
        server = new LazyServerConnectionManager(tm);
        factory = (LocksmithConnectionFactory) mcf.createConnectionFactory(server);
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

    private static LocksmithManagedConnection managed(LocksmithConnection c) throws Exception {
        return ((LocksmithConnectionImpl) c).managedConnection();
    }

    private static boolean dissociated(LocksmithConnection c) {
        return ((LocksmithConnectionImpl) c).isDissociated();
    }

    @Test
    void aDissociatedHandleIsAssociatedWithAConnectionAgainOnItsNextCall() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            LocksmithManagedConnection first = managed(c);
            first.dissociateConnections();
            assertThat(dissociated(c)).isTrue();

            c.ping();

            assertThat(dissociated(c)).isFalse();
            assertThat(managed(c)).as("the server chose another connection").isNotSameAs(first);
        }
    }

    @Test
    void aRecordFileOpenedBeforeTheDissociationReadsAndWritesAfterIt() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            managed(c).dissociateConnections();

            stock.get(Stock.key("BOLT"));
            stock.update(Stock.record("BOLT", 9));

            assertThat(Stock.quantity(stock.get(Stock.key("BOLT")))).isEqualTo(9);
        }
    }

    @Test
    void aDissociatedHandleKeepsTheNameLocksItTookOutsideTransactions() throws Exception {
        try (LocksmithConnection c = factory.getConnection(); LocksmithConnection other = factory.getConnection()) {
            assertThat(c.lock(Duration.ZERO, "^ORDER(1)")).isTrue();
            managed(c).dissociateConnections();

            assertThat(other.lock(Duration.ZERO, "^ORDER(1)")).as("still the dissociated handle's").isFalse();
            c.unlock("^ORDER(1)");
            assertThat(other.lock(Duration.ZERO, "^ORDER(1)")).isTrue();
        }
    }

    @Test
    void closingADissociatedHandleTellsTheServerInsteadOfAnyConnection() throws Exception {
        LocksmithConnection c = factory.getConnection();
        managed(c).dissociateConnections();
        long closedBefore = mcf.resourceManager().statistics().handlesClosed();

        c.close();

        assertThat(server.closedInactive).containsExactly(c);
        assertThat(mcf.resourceManager().statistics().handlesClosed())
                .as("no managed connection fired CONNECTION_CLOSED").isEqualTo(closedBefore);
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    void aHandleUsedInATransactionThatHasAConnectionMovesOntoItAndWorksInTheSameBranch() throws Exception {
        try (LocksmithConnection a = factory.getConnection(); LocksmithConnection b = factory.getConnection()) {
            LocksmithManagedConnection bFirst = managed(b);
            tm.begin();
            RecordFile stock = a.open(Stock.FILE);
            stock.get(Stock.key("BOLT"));
            stock.update(Stock.record("BOLT", 9));

            int seen = Stock.quantity(b.open(Stock.FILE).get(Stock.key("BOLT")));

            assertThat(seen).as("b reads a's uncommitted write: the same store transaction").isEqualTo(9);
            assertThat(server.takenBack).as("the server took b's own connection back").containsExactly(bFirst);
            assertThat(managed(b)).isSameAs(managed(a));
            assertThat(b.currentXid()).isEqualTo(a.currentXid()).isPresent();
            tm.rollback();
        }
        assertThat(mcf.resourceManager().statistics().xaStarted()).isEqualTo(1);
    }

    @Test
    void aConnectionWithTransactionWorkRefusesToDissociateItsHandles() throws Exception {
        try (LocksmithConnection c = factory.getConnection()) {
            tm.begin();
            c.ping();
            LocksmithManagedConnection inBranch = managed(c);
            assertThatThrownBy(inBranch::dissociateConnections).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("XA branch");
            assertThat(dissociated(c)).isFalse();
            tm.rollback();

            c.localTransaction().begin();
            LocksmithManagedConnection inLocal = managed(c);
            assertThatThrownBy(inLocal::dissociateConnections).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("local transaction");
            assertThat(dissociated(c)).isFalse();
            c.localTransaction().rollback();
        }
    }
}
