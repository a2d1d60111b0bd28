package dev.locksmith.jdbc;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * The {@link javax.sql.CommonDataSource} properties and the {@link java.sql.Wrapper} methods every
 * Locksmith data source has: the log writer is kept but unused (Locksmith logs through
 * {@code System.Logger}), the login timeout is kept but never waited for (opening a store does not
 * log in), and a data source unwraps only to itself. Not thread-safe while being configured.
 */
abstract class CommonDataSourceProperties {
    private transient PrintWriter logWriter;
    private int loginTimeout;

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

    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
