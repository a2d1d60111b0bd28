package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.jdbc.LocksmithXADataSource;
import dev.locksmith.jdbc.StoreConnection;
import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XAConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One XA transaction under standalone Narayana (the adapter tests' set-up) mixing the two faces of
 * one store — a JCA connection and a JDBC connection of {@link LocksmithXADataSource} — with H2:
 * both faces are one resource manager, so the Xid is one store transaction in which each sees the
 * other's work, and the commit or rollback reaches the store and H2 together.
 */
class JdbcAndJcaXaTest {
    static final String ITEM = SqlStock.ITEM;

    @TempDir
    Path work;

    private TransactionManager tm;
    private LocksmithResourceAdapter adapter;
    private LocksmithManagedConnectionFactory mcf;
    private LocksmithConnectionFactory locksmith;
    private LocksmithXADataSource sql;
    private H2Xa h2;
    private final List<XAConnection> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        adapter = TestAdapters.started();
        mcf = TestAdapters.factory(adapter, work.resolve("store"));
        locksmith = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
        SqlStock.create(mcf, 50);
        sql = new LocksmithXADataSource(mcf);
        h2 = new H2Xa(work);
        h2.createTable();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        for (XAConnection c : opened) {
            c.close();
        }
        adapter.stop();
    }

    private int committedQuantity() throws Exception {
        return SqlStock.committedQuantity(mcf);
    }

    /** A JDBC connection enlisted in the current transaction. */
    private Connection enlistedSql() throws Exception {
        XAConnection xa = sql.getXAConnection();
        opened.add(xa);
        assertThat(tm.getTransaction().enlistResource(xa.getXAResource())).isTrue();
        return xa.getConnection();
    }

    private static int quantity(Connection c) throws SQLException {
        try (ResultSet r = c.createStatement().executeQuery("SELECT quantity FROM stock WHERE item = 'BOLT'")) {
            assertThat(r.next()).isTrue();
            return r.getInt(1);
        }
    }

    /** Takes one from stock through JCA, then one through SQL, and writes an order to H2: all in the current transaction. */
    private void takeTwoAndOrder() throws Exception {
        try (LocksmithConnection c = locksmith.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            stock.update(Stock.record(ITEM, Stock.quantity(stock.get(Stock.key(ITEM))) - 1));
        }
        Connection jdbc = enlistedSql();
        assertThat(quantity(jdbc)).as("the SQL face sees the JCA face's uncommitted work: one transaction").isEqualTo(49);
        assertThat(jdbc.createStatement().executeUpdate("UPDATE stock SET quantity = quantity - 1 WHERE item = 'BOLT'")).isEqualTo(1);
        XAConnection row = h2.xaConnection();
        tm.getTransaction().enlistResource(row.getXAResource());
        H2Xa.insert(row.getConnection(), 42, ITEM);
        tm.getTransaction().registerSynchronization(new CloseAfterCompletion(row));
    }

    @Test
    void oneXidIsOneStoreTransactionWhicheverFaceDidTheWorkAndCommitsWithH2() throws Exception {
        tm.begin();
        takeTwoAndOrder();
        tm.commit();

        assertThat(committedQuantity()).isEqualTo(48);
        assertThat(h2.item(42)).isEqualTo(ITEM);
        AdapterStatistics s = mcf.resourceManager().statistics();
        assertThat(s.xaPrepared()).as("one Locksmith branch, prepared once: two-phase with H2").isEqualTo(1);
        assertThat(s.xaCommitted()).isEqualTo(1);
    }

    @Test
    void aPreparedPointLookupOfTheSqlFaceReadsInTheXaBranch() throws Exception {
        tm.begin();
        try (LocksmithConnection c = locksmith.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            stock.get(Stock.key(ITEM));
            stock.update(Stock.record(ITEM, 12));
        }
        Connection jdbc = enlistedSql();
        try (PreparedStatement lookup = jdbc.prepareStatement("SELECT quantity FROM stock WHERE item = ?")) {
            lookup.setString(1, ITEM);
            try (ResultSet r = lookup.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).as("the JCA face's uncommitted work, in the branch").isEqualTo(12);
            }
        }
        assertThat(jdbc.unwrap(StoreConnection.class).readCounters().pointLookups()).isEqualTo(1);
        tm.rollback();
        assertThat(committedQuantity()).isEqualTo(50);
    }

    @Test
    void aRollbackUndoesBothFacesAndH2() throws Exception {
        tm.begin();
        takeTwoAndOrder();
        tm.rollback();

        assertThat(committedQuantity()).isEqualTo(50);
        assertThat(h2.item(42)).isNull();
    }

    @Test
    void aStatementFailingHalfWayInsideTheBranchUndoesOnlyItselfAndTheBranchCommits() throws Exception {
        tm.begin();
        takeTwoAndOrder();
        Connection jdbc = enlistedSql();
        assertThatThrownBy(() -> jdbc.createStatement().executeUpdate("INSERT INTO stock VALUES ('NUT', 5), ('BOLT', 1)"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        try (ResultSet r = jdbc.createStatement().executeQuery("SELECT COUNT(*) FROM stock")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).as("the NUT the failed INSERT stored first is gone").isEqualTo(1);
        }
        tm.commit();

        assertThat(committedQuantity()).isEqualTo(48);
        assertThat(h2.item(42)).isEqualTo(ITEM);
    }

    @Test
    void theXaResourcesOfBothFacesAreTheSameResourceManager() throws Exception {
        XAConnection xa = sql.getXAConnection();
        opened.add(xa);
        LocksmithManagedConnection jca = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        try {
            assertThat(xa.getXAResource().isSameRM(jca.getXAResource())).isTrue();
        } finally {
            jca.destroy();
        }
    }

    @Test
    void insideAGlobalTransactionTheJdbcConnectionCannotCommitItself() throws Exception {
        tm.begin();
        Connection jdbc = enlistedSql();
        assertThat(jdbc.getAutoCommit()).isFalse();
        assertThatThrownBy(jdbc::commit).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("25000"));
        tm.rollback();
    }

    @Test
    void outsideAGlobalTransactionTheJdbcConnectionCommitsOnItsOwn() throws Exception {
        XAConnection xa = sql.getXAConnection();
        opened.add(xa);
        Connection jdbc = xa.getConnection();
        assertThat(jdbc.createStatement().executeUpdate("UPDATE stock SET quantity = 7 WHERE item = 'BOLT'")).isEqualTo(1);
        assertThat(committedQuantity()).isEqualTo(7);
    }
}
