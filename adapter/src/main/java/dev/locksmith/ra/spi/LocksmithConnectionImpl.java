package dev.locksmith.ra.spi;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.TransactionMode;
import jakarta.resource.ResourceException;
import java.util.Optional;

/**
 * The application's handle on a {@link LocksmithManagedConnection}. Every call goes to the managed
 * connection the handle is associated with at that moment (the server may move handles between
 * managed connections with {@code associateConnection}). {@link #close()} tells the managed
 * connection, which fires {@code CONNECTION_CLOSED} so the server can return it to the pool.
 */
public final class LocksmithConnectionImpl implements LocksmithConnection {

    private volatile LocksmithManagedConnection managed;
    private volatile boolean closed;

    LocksmithConnectionImpl(LocksmithManagedConnection managed) {
        this.managed = managed;
    }

    /** Associates this handle with {@code target}; returns the previous managed connection. */
    LocksmithManagedConnection associate(LocksmithManagedConnection target) {
        LocksmithManagedConnection previous = managed;
        managed = target;
        return previous;
    }

    /** Marks the handle closed without telling the managed connection (cleanup and destroy). */
    void invalidate() {
        closed = true;
    }

    private LocksmithManagedConnection open() {
        if (closed) {
            throw new IllegalStateException("this Locksmith connection handle is closed");
        }
        return managed;
    }

    @Override
    public void ping() throws ResourceException {
        open().ping();
    }

    @Override
    public TransactionMode transactionMode() {
        return open().transactionMode();
    }

    @Override
    public Optional<String> currentXid() {
        XidKey branch = open().xaResourceInternal().currentBranch();
        return branch == null ? Optional.empty() : Optional.of(branch.toString());
    }

    @Override
    public boolean inLocalTransaction() {
        return open().inLocalTransaction();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        managed.handleClosed(this);
    }

    @Override
    public String toString() {
        return "LocksmithConnection[" + (closed ? "closed" : managed.resourceManager().location()) + "]";
    }
}
