package dev.locksmith.jdbc;

import dev.locksmith.ra.spi.LocksmithManagedConnection;
import dev.locksmith.ra.spi.LocksmithManagedConnectionFactory;
import dev.locksmith.ra.spi.LocksmithResourceAdapter;
import jakarta.resource.ResourceException;
import java.sql.SQLException;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * An {@link XADataSource} whose XA connections are managed connections of the Locksmith resource
 * adapter: each {@link XAConnection#getXAResource()} is the adapter's XAResource on the store's one
 * resource manager, so a transaction manager that enlists it — next to JCA connections of the same
 * factory, or alone — gets one store transaction per Xid, with the same locks, whichever face did
 * the work; {@code isSameRM} is true between both faces. Work done outside a global transaction runs
 * in the JDBC connection's own transactions on the same store.
 *
 * <p>Two ways to make one: {@link #LocksmithXADataSource(LocksmithManagedConnectionFactory)} on the
 * factory an application server (or a standalone set-up) already configured — the way to share a
 * store with JCA connections; or the no-argument constructor with {@link #setStoreDirectory}, which
 * starts a resource adapter of its own on first use ({@link #close()} stops it). Thread-safe once
 * configured.
 */
public final class LocksmithXADataSource extends DataSourceSettings implements XADataSource, AutoCloseable {
    private LocksmithManagedConnectionFactory factory;
    private LocksmithResourceAdapter ownAdapter;

    /** A data source that starts its own resource adapter on the {@link #setStoreDirectory store directory}. */
    public LocksmithXADataSource() {
    }

    /** A data source on {@code factory}'s store and resource manager. */
    public LocksmithXADataSource(LocksmithManagedConnectionFactory factory) {
        if (factory == null) {
            throw new IllegalArgumentException("factory is null");
        }
        this.factory = factory;
        setStoreDirectory(factory.getStoreLocation());
    }

    private synchronized LocksmithManagedConnectionFactory factory() throws SQLException {
        if (factory == null) {
            String directory = requireStoreDirectory();
            try {
                LocksmithResourceAdapter adapter = new LocksmithResourceAdapter();
                adapter.start(null);
                LocksmithManagedConnectionFactory made = new LocksmithManagedConnectionFactory();
                made.setStoreLocation(directory);
                made.setResourceAdapter(adapter);
                ownAdapter = adapter;
                factory = made;
            } catch (ResourceException e) {
                throw new SQLException("cannot start a resource adapter on " + directory + ": " + e.getMessage(), "08001", e);
            }
        }
        return factory;
    }

    @Override
    public XAConnection getXAConnection() throws SQLException {
        LocksmithManagedConnectionFactory mcf = factory();
        try {
            LocksmithManagedConnection connection = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
            return new StoreXAConnection(connection, lockWait(), LocksmithDriver.PREFIX + getStoreDirectory());
        } catch (ResourceException e) {
            throw new SQLException("cannot connect to store " + getStoreDirectory() + ": " + e.getMessage(), "08001", e);
        }
    }

    /** User and password are ignored: the store has no accounts. */
    @Override
    public XAConnection getXAConnection(String user, String password) throws SQLException {
        return getXAConnection();
    }

    /** Stops the resource adapter this data source started, if it started one; prepared branches stay in doubt. */
    @Override
    public synchronized void close() {
        if (ownAdapter != null) {
            ownAdapter.stop();
            ownAdapter = null;
            factory = null;
        }
    }
}
