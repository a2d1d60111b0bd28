package dev.locksmith.ra.spi;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * H2 as the second XA resource manager of the Narayana tests: a file database (so prepared
 * transactions survive a crash) with one table {@code ORDERS(ID, ITEM)}.
 */
final class H2Xa {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    H2Xa(Path directory) {
        dataSource.setURL(url(directory));
    }

    /** The JDBC URL of the database in {@code directory}. */
    static String url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("orders").toAbsolutePath();
    }

    /** An H2 database at {@code url}. */
    static H2Xa at(String url) {
        H2Xa h2 = new H2Xa(Path.of("."));
        h2.dataSource.setURL(url);
        return h2;
    }

    void createTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ORDERS (ID INT PRIMARY KEY, ITEM VARCHAR(40))");
        }
    }

    XAConnection xaConnection() throws SQLException {
        return dataSource.getXAConnection();
    }

    /** Inserts an order on {@code c}, a connection of an XA connection enlisted in a transaction. */
    static void insert(Connection c, int id, String item) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ORDERS (ID, ITEM) VALUES (?, ?)")) {
            p.setInt(1, id);
            p.setString(2, item);
            p.executeUpdate();
        }
    }

    /** The committed item of order {@code id}, or null. */
    String item(int id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT ITEM FROM ORDERS WHERE ID = ?")) {
            p.setInt(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** How many prepared transactions H2 holds in doubt. */
    int inDoubt() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.IN_DOUBT")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** A recovery helper that hands Narayana an XAResource of this database. */
    RecoveryHelper recoveryHelper() {
        return new RecoveryHelper(this);
    }

    /** Narayana's view of this database for recovery: one XA connection, opened on first use. */
    static final class RecoveryHelper implements com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper {
        private final H2Xa h2;
        private XAConnection connection;

        RecoveryHelper(H2Xa h2) {
            this.h2 = h2;
        }

        @Override
        public boolean initialise(String p) {
            return true;
        }

        @Override
        public synchronized XAResource[] getXAResources() throws SQLException {
            if (connection == null) {
                connection = h2.xaConnection();
            }
            return new XAResource[] {connection.getXAResource()};
        }

        synchronized void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }
}
