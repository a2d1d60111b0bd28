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
 * JDBC connection runs its own transactions on the same store. Used by one connection's thread.
 */
final class AdapterAccess implements StoreAccess {
    private final LocksmithManagedConnection connection;
    private final Runnable onRelease;

    AdapterAccess(LocksmithManagedConnection connection, Runnable onRelease) {
        this.connection = connection;
        this.onRelease = onRelease;
    }

    @Override
    public RecordStore store() {
        try {
            return connection.store();
        } catch (ResourceException e) {
            throw new RmsException(RmsStatus.CLOSED, e.getMessage(), e);
        }
    }

    @Override
    public Optional<Transaction> global() {
        try {
            return connection.currentTransaction();
        } catch (ResourceException e) {
            throw new RmsException(RmsStatus.TXSTATE, e.getMessage(), e);
        }
    }

    @Override
    public void failed(RmsException e) {
        connection.storeFailed(e);
    }

    @Override
    public void release() {
        onRelease.run();
    }
}
