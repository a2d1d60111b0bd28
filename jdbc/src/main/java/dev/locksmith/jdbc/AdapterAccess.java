package dev.locksmith.jdbc;

import dev.locksmith.ra.spi.LocksmithManagedConnection;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import jakarta.resource.ResourceException;
import java.util.Optional;

/**
 * The store of a resource adapter's managed connection: inside an XA branch the connection's work is
 * the branch's store transaction (shared with every JCA connection joined to it); outside one, the
 * JDBC connection runs its own transactions on the same store. The managed connection is asked for
 * at every call, since a server may move a handle between managed connections (see
 * {@link ManagedDataSource}); an {@link StoreXAConnection} always answers with its own. Used by one
 * connection's thread.
 */
final class AdapterAccess implements StoreAccess {

    /** Where the managed connection of the moment comes from. */
    @FunctionalInterface
    interface Connections {
        LocksmithManagedConnection current() throws ResourceException;
    }

    private final Connections connections;
    private final Runnable onRelease;

    AdapterAccess(Connections connections, Runnable onRelease) {
        this.connections = connections;
        this.onRelease = onRelease;
    }

    private LocksmithManagedConnection connection() {
        try {
            return connections.current();
        } catch (ResourceException | IllegalStateException e) {
            throw new RmsException(RmsStatus.CLOSED, e.getMessage(), e);
        }
    }

    @Override
    public RecordStore store() {
        try {
            return connection().store();
        } catch (ResourceException e) {
            throw new RmsException(RmsStatus.CLOSED, e.getMessage(), e);
        }
    }

    @Override
    public Optional<Transaction> global() {
        try {
            return connection().currentTransaction();
        } catch (ResourceException e) {
            throw new RmsException(RmsStatus.TXSTATE, e.getMessage(), e);
        }
    }

    @Override
    public void failed(RmsException e) {
        connection().storeFailed(e);
    }

    @Override
    public void release() {
        onRelease.run();
    }
}
