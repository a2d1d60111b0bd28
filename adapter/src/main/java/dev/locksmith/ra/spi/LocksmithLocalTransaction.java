package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

/**
 * Resource-local transaction demarcation for one {@link LocksmithManagedConnection}, used by the
 * application server when a connection takes part in a transaction without XA. A connection is in
 * at most one local transaction at a time and never in a local and an XA transaction together.
 * Every misuse (begin twice, commit or roll back without begin, begin inside an XA branch) raises
 * a {@link LocalTransactionException} that says what was wrong.
 */
public final class LocksmithLocalTransaction implements LocalTransaction {

    private final LocksmithManagedConnection connection;
    private final ResourceManager rm;
    private boolean active;

    LocksmithLocalTransaction(LocksmithManagedConnection connection, ResourceManager rm) {
        this.connection = connection;
        this.rm = rm;
    }

    synchronized boolean isActive() {
        return active;
    }

    @Override
    public synchronized void begin() throws ResourceException {
        connection.checkUsable();
        if (active) {
            throw new LocalTransactionException("begin: a local transaction is already active on this connection");
        }
        if (connection.xaResourceInternal().currentBranch() != null) {
            throw new LocalTransactionException("begin: connection is enlisted in XA branch "
                    + connection.xaResourceInternal().currentBranch() + "; a local transaction cannot start");
        }
        active = true;
        rm.localBegun.incrementAndGet();
    }

    @Override
    public synchronized void commit() throws ResourceException {
        if (!active) {
            throw new LocalTransactionException("commit: no local transaction is active on this connection");
        }
        active = false;
        rm.localCommitted.incrementAndGet();
    }

    @Override
    public synchronized void rollback() throws ResourceException {
        if (!active) {
            throw new LocalTransactionException("rollback: no local transaction is active on this connection");
        }
        active = false;
        rm.localRolledBack.incrementAndGet();
    }

    /** Ends an unfinished local transaction when the physical connection goes away. */
    synchronized void abandon() {
        if (active) {
            active = false;
            rm.localRolledBack.incrementAndGet();
        }
    }
}
