package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.jdbc.ManagedDataSource;
import dev.locksmith.jdbc.SqlManagedConnectionFactory;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RAR's second connection definition, {@link SqlManagedConnectionFactory}, as a server uses it:
 * its connection factory is a {@link DataSource} whose connections are allocated through a connection
 * manager that enlists them (here {@link JtaConnectionManager} under standalone Narayana), on the
 * same adapter and store as a JCA factory, so SQL and JCA work in one transaction is one store
 * transaction.
 */
class ManagedDataSourceTest {
    private static final String ITEM = SqlStock.ITEM;

    @TempDir
    Path work;

    private TransactionManager tm;
    private LocksmithResourceAdapter adapter;
    private LocksmithManagedConnectionFactory jcaFactory;
    private SqlManagedConnectionFactory sqlFactory;
    private LocksmithConnectionFactory locksmith;
    private DataSource sql;

    @BeforeEach
    void setUp() throws Exception {
        tm = Narayana.transactionManager();
        adapter = TestAdapters.started();
        jcaFactory = TestAdapters.factory(adapter, work.resolve("store"));
        SqlStock.create(jcaFactory, 50);
        locksmith = (LocksmithConnectionFactory) jcaFactory.createConnectionFactory(new JtaConnectionManager(tm));
        sqlFactory = new SqlManagedConnectionFactory();
        sqlFactory.setStoreLocation(work.resolve("store").toString());
        sqlFactory.setResourceAdapter(adapter);
        sql = (DataSource) sqlFactory.createConnectionFactory(new JtaConnectionManager(tm));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        adapter.stop();
    }

    private static int quantity(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT quantity FROM stock WHERE item = 'BOLT'")) {
            assertThat(r.next()).isTrue();
            return r.getInt(1);
        }
    }

    /** Takes one from stock through JCA and one through SQL, in the current transaction. */
    private void takeOneThroughEachFace() throws Exception {
        try (LocksmithConnection c = locksmith.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            stock.update(Stock.record(ITEM, Stock.quantity(stock.get(Stock.key(ITEM))) - 1));
        }
        try (Connection c = sql.getConnection()) {
            assertThat(quantity(c)).as("SQL sees the JCA face's uncommitted work: one store transaction").isEqualTo(49);
            assertThat(c.createStatement().executeUpdate("UPDATE stock SET quantity = quantity - 1 WHERE item = 'BOLT'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void theConnectionFactoryOfTheSqlDefinitionIsADataSource() throws Exception {
        assertThat(sqlFactory.createConnectionFactory()).isInstanceOf(ManagedDataSource.class);
        assertThat(sql).isInstanceOf(ManagedDataSource.class);
    }

    @Test
    void sqlAndJcaWorkInOneTransactionCommitTogether() throws Exception {
        tm.begin();
        takeOneThroughEachFace();
        tm.commit();

        assertThat(SqlStock.committedQuantity(jcaFactory)).isEqualTo(48);
        assertThat(jcaFactory.resourceManager().statistics().xaCommitted()).as("one branch").isEqualTo(1);
    }

    @Test
    void aRollbackUndoesTheSqlAndTheJcaWork() throws Exception {
        tm.begin();
        takeOneThroughEachFace();
        tm.rollback();

        assertThat(SqlStock.committedQuantity(jcaFactory)).isEqualTo(50);
    }

    @Test
    void insideATransactionTheConnectionLeavesCommitToTheTransactionManager() throws Exception {
        tm.begin();
        try (Connection c = sql.getConnection()) {
            assertThat(c.getAutoCommit()).isFalse();
            assertThatThrownBy(c::commit).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("25000"));
        }
        tm.rollback();
    }

    @Test
    void outsideATransactionEachStatementCommitsOnItsOwn() throws Exception {
        try (Connection c = sql.getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.createStatement().executeUpdate("UPDATE stock SET quantity = 7 WHERE item = 'BOLT'")).isEqualTo(1);
        }
        assertThat(SqlStock.committedQuantity(jcaFactory)).isEqualTo(7);
    }

    @Test
    void bothDefinitionsShareTheStoresOneResourceManager() throws Exception {
        assertThat(sqlFactory.resourceManager()).isSameAs(jcaFactory.resourceManager());
        assertThat(sqlFactory).as("factories of different faces are never equal").isNotEqualTo(jcaFactory);
    }

    @Test
    void closingTheJdbcConnectionClosesItsHandle() throws Exception {
        Connection c = sql.getConnection();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> c.createStatement()).isInstanceOf(SQLException.class);
    }
}
