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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy enlistment and lazy association under Narayana's transaction manager, on a store whose
 * stock file holds 10 BOLTs: through the adapter's own {@link JtaConnectionManager}, and through
 * {@link LazyServerConnectionManager}, which drives them the way IronJacamar does.
 */
class LazyConnectionTest {

    @TempDir
    Path store;

    private TransactionManager tm;
    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mcf.setLockWaitMillis(0L);
        try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
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

    /**
     * {@link JtaConnectionManager}: a handle obtained outside a transaction works in the transaction
     * of the moment it is used in, and on its own outside every transaction.
     */
    @Nested
    class LazyEnlistment {

        private LocksmithConnectionFactory factory;

        @BeforeEach
        void connectThroughNarayana() throws Exception {
            factory = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
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

    /**
     * Lazy association ({@code DissociatableManagedConnection}) with lazy enlistment: a dissociated
     * handle is associated again on its next call and keeps what belongs to it; a handle used in a
     * transaction that already has a connection is moved onto it and works in the same branch.
     */
    @Nested
    class LazyAssociation {

        private LazyServerConnectionManager server;
        private LocksmithConnectionFactory factory;

        @BeforeEach
        void connectThroughTheServer() throws Exception {
            server = new LazyServerConnectionManager(tm);
            factory = (LocksmithConnectionFactory) mcf.createConnectionFactory(server);
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

    /**
     * An adapter started with the server's transaction synchronization registry: a handle asks the
     * server to enlist it only when the thread has a transaction.
     */
    @Nested
    class InAServerThatTellsTheTransaction {

        private LazyServerConnectionManager server;
        private LocksmithConnectionFactory factory;

        @BeforeEach
        void restartWithTheServersRegistry() throws Exception {
            ra.stop();
            ra.start(new ServerBootstrapContext());
            server = new LazyServerConnectionManager(tm);
            factory = (LocksmithConnectionFactory) mcf.createConnectionFactory(server);
        }

        @Test
        void aHandleAsksTheServerToEnlistItOnlyInsideATransaction() throws Exception {
            try (LocksmithConnection c = factory.getConnection()) {
                RecordFile stock = c.open(Stock.FILE);
                setBolts(stock, 9);
                assertThat(server.lazyEnlistCalls).as("outside every transaction").isZero();

                tm.begin();
                setBolts(stock, 8);
                c.ping();
                assertThat(server.lazyEnlistCalls).as("once: then the connection works in the branch").isEqualTo(1);
                tm.rollback();
            }
            assertThat(committedBolts()).isEqualTo(9);
        }
    }

    private static LocksmithManagedConnection managed(LocksmithConnection c) throws Exception {
        return ((LocksmithConnectionImpl) c).managedConnection();
    }

    private static boolean dissociated(LocksmithConnection c) {
        return ((LocksmithConnectionImpl) c).isDissociated();
    }
}
