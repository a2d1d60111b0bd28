package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.NameLocks;
import dev.locksmith.ra.LockFailedException;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import jakarta.resource.ResourceException;
import jakarta.resource.cci.LocalTransaction;
import jakarta.resource.spi.ConnectionEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * The application's handle on a {@link LocksmithManagedConnection}. Every call goes to the managed
 * connection the handle is associated with at that moment (the server may move handles between
 * managed connections with {@code associateConnection}). Name locks taken outside a transaction
 * belong to the handle (one lock owner of its own, made on first use) and are released by
 * {@link #close()}, or when the server invalidates the handle. {@link #close()} tells the managed
 * connection, which fires {@code CONNECTION_CLOSED} so the server can return it to the pool.
 */
public final class LocksmithConnectionImpl implements LocksmithConnection {

    private volatile LocksmithManagedConnection managed;
    private volatile boolean closed;
    private final Duration lockWait;
    private NameLocks ownLocks;

    LocksmithConnectionImpl(LocksmithManagedConnection managed, Duration lockWait) {
        this.managed = managed;
        this.lockWait = lockWait;
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
        releaseOwnLocks();
    }

    /** The process holding this handle's own name locks, made in {@code rm}'s lock space on first use. */
    synchronized NameLocks ownLocks(ResourceManager rm) {
        if (ownLocks == null) {
            ownLocks = rm.names().newProcess("connection " + Integer.toHexString(System.identityHashCode(this)));
        }
        return ownLocks;
    }

    private synchronized void releaseOwnLocks() {
        if (ownLocks != null) {
            ownLocks.close();
            ownLocks = null;
        }
    }

    /** The managed connection this handle works on; refuses a closed handle. */
    LocksmithManagedConnection managedConnection() {
        return open();
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
    public RecordFile open(String fileName) throws ResourceException {
        LocksmithManagedConnection mc = open();
        mc.checkUsable();
        if (fileName == null || fileName.isBlank()) {
            throw new RecordException(RmsStatus.IAL, "fileName must not be null or blank but was "
                    + (fileName == null ? "null" : "'" + fileName + "'"), null);
        }
        if (!mc.resourceManager().store().exists(fileName)) {
            throw new RecordException(RmsStatus.FNF, "the store " + mc.resourceManager().location()
                    + " has no file '" + fileName + "'", null);
        }
        return new RecordFileImpl(this, fileName, lockWait);
    }

    @Override
    public void createFile(String fileName, FileDefinition definition) throws ResourceException {
        LocksmithManagedConnection mc = open();
        mc.checkUsable();
        try {
            mc.resourceManager().store().create(fileName, definition);
        } catch (RmsException e) {
            throw new RecordException(e.status(), "createFile " + fileName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean lock(Duration timeout, String... names) throws ResourceException {
        return open().lock(this, timeout, names);
    }

    @Override
    public boolean lock(String... names) throws ResourceException {
        return lock(lockWait, names);
    }

    @Override
    public void unlock(String... names) throws ResourceException {
        LocksmithManagedConnection mc = open();
        mc.checkUsable();
        try {
            NameLockCalls.unlock(ownLocks(mc.resourceManager()), names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockFailedException(LockStatus.CANCELLED, "interrupted while unlocking", e);
        }
    }

    @Override
    public LocalTransaction localTransaction() {
        open();
        return new ApplicationLocalTransaction();
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
        releaseOwnLocks();
        managed.handleClosed(this);
    }

    @Override
    public String toString() {
        return "LocksmithConnection[" + (closed ? "closed" : managed.resourceManager().location()) + "]";
    }

    /**
     * The application's local transaction on this handle's managed connection: does what the
     * server's {@code LocalTransaction} does, and tells the server with LOCAL_TRANSACTION_* events.
     */
    private final class ApplicationLocalTransaction implements LocalTransaction {
        @Override
        public void begin() throws ResourceException {
            LocksmithManagedConnection mc = open();
            mc.localTransactionInternal().begin();
            mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_STARTED, LocksmithConnectionImpl.this);
        }

        @Override
        public void commit() throws ResourceException {
            LocksmithManagedConnection mc = open();
            try {
                mc.localTransactionInternal().commit();
                mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_COMMITTED, LocksmithConnectionImpl.this);
            } catch (jakarta.resource.spi.LocalTransactionException e) {
                if (e.getErrorCode() != null) {
                    // Rolled back by Locksmith: the transaction did end, as a rollback.
                    mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK, LocksmithConnectionImpl.this);
                }
                throw e;
            }
        }

        @Override
        public void rollback() throws ResourceException {
            LocksmithManagedConnection mc = open();
            mc.localTransactionInternal().rollback();
            mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK, LocksmithConnectionImpl.this);
        }
    }
}
