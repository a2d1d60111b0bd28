package dev.locksmith.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver for URLs {@code jdbc:locksmith:<store directory>}, registered with
 * {@link DriverManager} through the service loader. The first connection to a directory opens its
 * store (with an embedded lock manager; see {@link OpenStores}); the last one to close closes it.
 *
 * <p>Properties: {@code lockWaitMillis} — how long a record lock request waits before 55P03
 * (default 10000); {@code deadlockWaitMillis} — how long a lock waits before the deadlock search
 * runs, for the store's lock manager, taken from the connection that opens the store (default 1000).
 * Thread-safe.
 */
public final class LocksmithDriver implements Driver {
    /** Every URL of this driver starts so. */
    public static final String PREFIX = "jdbc:locksmith:";
    static final long DEFAULT_LOCK_WAIT_MILLIS = 10_000;

    static {
        try {
            DriverManager.registerDriver(new LocksmithDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String directory = url.substring(PREFIX.length()).strip();
        if (directory.isEmpty()) {
            throw new SQLException("URL " + url + " names no store directory: write " + PREFIX + "<directory>", "08001");
        }
        Properties properties = info == null ? new Properties() : info;
        Duration lockWait = Duration.ofMillis(millis(properties, "lockWaitMillis", DEFAULT_LOCK_WAIT_MILLIS));
        Duration deadlockWait = Duration.ofMillis(millis(properties, "deadlockWaitMillis", 1000));
        StoreAccess access;
        try {
            access = OpenStores.acquire(Path.of(directory), deadlockWait);
        } catch (dev.locksmith.rms.RmsException e) {
            throw new SQLException("cannot open store " + directory + ": " + e.getMessage(), "08001", e);
        }
        return SqlConnection.open(access, lockWait, url);
    }

    private static long millis(Properties properties, String name, long fallback) throws SQLException {
        String value = properties.getProperty(name);
        if (value == null) {
            return fallback;
        }
        try {
            long millis = Long.parseLong(value.strip());
            if (millis < 0) {
                throw new NumberFormatException("negative");
            }
            return millis;
        } catch (NumberFormatException e) {
            throw new SQLException("property " + name + " is '" + value + "'; it must be a number of milliseconds, 0 or more", "08001");
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        DriverPropertyInfo lockWait = new DriverPropertyInfo("lockWaitMillis", String.valueOf(DEFAULT_LOCK_WAIT_MILLIS));
        lockWait.description = "How long a record lock request waits before failing with SQLState 55P03";
        DriverPropertyInfo deadlockWait = new DriverPropertyInfo("deadlockWaitMillis", "1000");
        deadlockWait.description = "How long a lock waits before the deadlock search (for the connection that opens the store)";
        return new DriverPropertyInfo[] {lockWait, deadlockWait};
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** Not compliant: no stored procedures, and no full SQL-92 entry level guarantees. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Locksmith logs through System.Logger");
    }
}
