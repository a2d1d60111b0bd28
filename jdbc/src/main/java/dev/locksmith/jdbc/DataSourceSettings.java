package dev.locksmith.jdbc;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The bean properties both data sources share: the store directory and the record lock wait, plus
 * the {@link javax.sql.CommonDataSource} ones (the log writer is kept but unused: Locksmith logs
 * through {@code System.Logger}). Setters are for configuration before first use; not thread-safe
 * while being configured.
 */
abstract class DataSourceSettings {
    private String storeDirectory;
    private long lockWaitMillis = LocksmithDriver.DEFAULT_LOCK_WAIT_MILLIS;
    private PrintWriter logWriter;
    private int loginTimeout;

    /** The store directory, as in {@code jdbc:locksmith:<directory>}. */
    public String getStoreDirectory() {
        return storeDirectory;
    }

    public void setStoreDirectory(String directory) {
        this.storeDirectory = directory;
    }

    /** How long a record lock request waits before SQLState 55P03; default 10000. */
    public long getLockWaitMillis() {
        return lockWaitMillis;
    }

    /** @throws IllegalArgumentException if negative */
    public void setLockWaitMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("lockWaitMillis is " + millis + "; it must be 0 or more");
        }
        this.lockWaitMillis = millis;
    }

    Duration lockWait() {
        return Duration.ofMillis(lockWaitMillis);
    }

    String requireStoreDirectory() throws SQLException {
        if (storeDirectory == null || storeDirectory.isBlank()) {
            throw new SQLException("storeDirectory is not set", "08001");
        }
        return storeDirectory;
    }

    public PrintWriter getLogWriter() {
        return logWriter;
    }

    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    public int getLoginTimeout() {
        return loginTimeout;
    }

    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Locksmith logs through System.Logger");
    }
}
