package dev.locksmith.jdbc;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The bean properties the data sources on a store directory share: the directory and the record
 * lock wait, beside the {@link CommonDataSourceProperties}. Setters are for configuration before first use; not thread-safe
 * while being configured.
 */
abstract class DataSourceSettings extends CommonDataSourceProperties {
    private String storeDirectory;
    private long lockWaitMillis = LocksmithDriver.DEFAULT_LOCK_WAIT_MILLIS;

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
}
