package dev.locksmith.jdbc;

import dev.locksmith.ra.spi.LocksmithManagedConnection;
import jakarta.resource.ResourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.ConnectionEvent;
import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;

/**
 * One physical XA connection: a managed connection of the resource adapter, handing out one JDBC
 * connection at a time (a new {@link #getConnection()} closes the previous one, as JDBC pooled
 * connections do) and the adapter's XAResource. Closing a handle tells the listeners (the pool);
 * {@link #close()} destroys the managed connection. Thread-safe.
 */
final class StoreXAConnection implements XAConnection {
    private final LocksmithManagedConnection connection;
    private final Duration lockWait;
    private final String url;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private Connection handle;
    private boolean closed;

    StoreXAConnection(LocksmithManagedConnection connection, Duration lockWait, String url) {
        this.connection = connection;
        this.lockWait = lockWait;
        this.url = url;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("getConnection: the XA connection is closed", "08003");
        }
        if (handle != null && !handle.isClosed()) {
            handle.close();
        }
        handle = SqlConnection.open(new AdapterAccess(() -> connection, this::handleClosed), lockWait, url);
        return handle;
    }

    private void handleClosed() {
        ConnectionEvent event = new ConnectionEvent(this);
        listeners.forEach(l -> l.connectionClosed(event));
    }

    @Override
    public XAResource getXAResource() throws SQLException {
        try {
            return connection.getXAResource();
        } catch (ResourceException e) {
            throw new SQLException("getXAResource: " + e.getMessage(), "08003", e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (handle != null && !handle.isClosed()) {
            handle.close();
        }
        try {
            connection.destroy();
        } catch (ResourceException e) {
            throw new SQLException("close: " + e.getMessage(), "08003", e);
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    /** Statements are not pooled here: no statement events. */
    @Override
    public void addStatementEventListener(StatementEventListener listener) {
    }

    @Override
    public void removeStatementEventListener(StatementEventListener listener) {
    }

    @Override
    public String toString() {
        return "StoreXAConnection[" + url + "]";
    }
}
