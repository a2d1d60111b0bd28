package dev.locksmith.ra.spi;

import dev.locksmith.ra.AdapterMonitor;
import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.LocksmithConnectionSpec;
import dev.locksmith.ra.TransactionMode;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.util.Objects;
import javax.naming.Reference;

/**
 * The connection factory bound in JNDI. Each {@code getConnection} asks the
 * {@link ConnectionManager} it was created with for a connection, so pooling, transaction
 * enlistment and security stay with the application server (or with the
 * {@link UnmanagedConnectionManager} outside one).
 */
public final class LocksmithConnectionFactoryImpl implements LocksmithConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final LocksmithManagedConnectionFactory mcf;
    private final ConnectionManager connectionManager;
    private Reference reference;

    /**
     * Creates a factory that allocates connections of {@code mcf} through {@code connectionManager}.
     *
     * @param mcf the managed connection factory; not null
     * @param connectionManager the server's connection manager; not null
     * @throws NullPointerException naming the argument that is null
     */
    public LocksmithConnectionFactoryImpl(LocksmithManagedConnectionFactory mcf, ConnectionManager connectionManager) {
        this.mcf = Objects.requireNonNull(mcf, "mcf must not be null");
        this.connectionManager = Objects.requireNonNull(connectionManager, "connectionManager must not be null");
    }

    @Override
    public LocksmithConnection getConnection() throws ResourceException {
        return getConnection(mcf.transactionModeValue());
    }

    @Override
    public LocksmithConnection getConnection(TransactionMode mode) throws ResourceException {
        Objects.requireNonNull(mode, "mode must not be null");
        Object handle = connectionManager.allocateConnection(mcf, new LocksmithConnectionRequestInfo(mode));
        if (!(handle instanceof LocksmithConnection connection)) {
            throw new ResourceException("the connection manager returned "
                    + (handle == null ? "null" : handle.getClass().getName()) + " instead of a Locksmith connection");
        }
        if (connection instanceof LocksmithConnectionImpl impl) {
            // Where the handle asks to be enlisted lazily, or associated again after a dissociation.
            impl.allocatedBy(connectionManager);
        }
        return connection;
    }

    @Override
    public LocksmithConnection getConnection(LocksmithConnectionSpec spec) throws ResourceException {
        Objects.requireNonNull(spec, "spec must not be null");
        return getConnection(spec.transactionMode());
    }

    @Override
    public AdapterStatistics statistics() throws ResourceException {
        return mcf.resourceManager().statistics();
    }

    @Override
    public AdapterMonitor monitor() throws ResourceException {
        ResourceManager rm = mcf.resourceManager();
        LocksmithResourceAdapter ra = (LocksmithResourceAdapter) mcf.getResourceAdapter();
        return new AdapterMonitorImpl(rm, ra.lockManager(), ra.lockMonitor());
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
        return "LocksmithConnectionFactory[" + mcf + "]";
    }
}
