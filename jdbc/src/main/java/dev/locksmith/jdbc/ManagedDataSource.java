package dev.locksmith.jdbc;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.spi.LocksmithConnectionFactoryImpl;
import dev.locksmith.ra.spi.LocksmithConnectionImpl;
import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.naming.Reference;
import javax.sql.DataSource;

/**
 * The {@link DataSource} an application server binds for the RAR's {@link SqlManagedConnectionFactory}
 * connection definition ({@code @Resource(lookup = "java:/eis/locksmith-sql") DataSource}). Each
 * {@link #getConnection()} allocates a connection handle of the adapter through the server's
 * connection manager — pooled, and enlisted in the caller's transaction as a JCA connection is — and
 * returns a JDBC connection working through that handle: inside a container transaction its
 * statements run in the branch's store transaction (auto-commit is off and {@code commit} is
 * refused), outside one in transactions of its own. Closing the JDBC connection closes the handle;
 * close it before the transaction it worked in ends, as with any pooled connection. User and
 * password are ignored: the store has no accounts. Thread-safe.
 */
public final class ManagedDataSource extends CommonDataSourceProperties implements DataSource, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(ManagedDataSource.class.getName());

    private final SqlManagedConnectionFactory mcf;
    private final LocksmithConnectionFactoryImpl handles;
    private Reference reference;

    ManagedDataSource(SqlManagedConnectionFactory mcf, ConnectionManager connectionManager) {
        this.mcf = mcf;
        this.handles = new LocksmithConnectionFactoryImpl(mcf, connectionManager);
    }

    @Override
    public Connection getConnection() throws SQLException {
        LocksmithConnection handle;
        try {
            handle = handles.getConnection();
        } catch (ResourceException e) {
            throw new SQLException("cannot connect to the store " + mcf.getStoreLocation() + ": " + e.getMessage(), "08001", e);
        }
        if (!(handle instanceof LocksmithConnectionImpl impl)) {
            close(handle);
            throw new SQLException("the connection manager returned a " + handle.getClass().getName()
                    + " instead of a Locksmith connection handle", "08001");
        }
        return SqlConnection.open(new AdapterAccess(impl::managedConnection, () -> close(handle)),
                Duration.ofMillis(mcf.getLockWaitMillis()), LocksmithDriver.PREFIX + mcf.resolvedStoreLocation());
    }

    private static void close(LocksmithConnection handle) {
        try {
            handle.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing a Locksmith connection handle failed", e);
        }
    }

    /** User and password are ignored: the store has no accounts. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "ManagedDataSource[" + mcf + "]";
    }
}
