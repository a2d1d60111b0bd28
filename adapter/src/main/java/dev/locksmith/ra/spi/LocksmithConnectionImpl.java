package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.NameLocks;
import dev.locksmith.ra.LockFailedException;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.fields.RecordDefinition;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import jakarta.resource.ResourceException;
import jakarta.resource.cci.LocalTransaction;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.LazyAssociatableConnectionManager;
import jakarta.resource.spi.LazyEnlistableConnectionManager;
import java.time.Duration;
import java.util.Optional;

/**
 * The application's handle on a {@link LocksmithManagedConnection}. Every call goes to the managed
 * connection the handle is associated with at that moment (the server may move handles between
 * managed connections with {@code associateConnection}). Name locks taken outside a transaction
 * belong to the handle (one lock owner of its own, made on first use) and are released by
 * {@link #close()}, or when the server invalidates the handle. {@link #close()} tells the managed
 * connection, which fires {@code CONNECTION_CLOSED} so the server can return it to the pool.
 *
 * <p><b>Lazy association.</b> A server may dissociate the handle from its managed connection
 * ({@link LocksmithManagedConnection#dissociateConnections()}) to give the physical connection to
 * someone else while the application keeps the handle. The handle's next call asks the
 * {@link LazyAssociatableConnectionManager} it was allocated through for a managed connection again;
 * closing a dissociated handle tells that manager with {@code inactiveConnectionClosed}.
 *
 * <p><b>Lazy enlistment.</b> When the handle was allocated through a
 * {@link LazyEnlistableConnectionManager}, the server does not enlist the managed connection when it
 * hands it out; instead every call that does work ({@link #ping()}, records, locks) first asks the
 * manager to {@code lazyEnlist} the connection unless it already works in an XA branch or a local
 * transaction. Inside the caller's transaction that enlists it (so a handle obtained before the
 * transaction began joins it); outside one the server does nothing and the call runs on its own.
 * The server may answer by moving the handle to the connection already enlisted in the
 * transaction; the call then works there. When the server's transaction synchronization registry
 * (from the bootstrap context) says the thread has no transaction, the handle does not ask at all:
 * a server whose lazy enlistment is switched off (WildFly {@code enlistment="false"}) refuses every
 * {@code lazyEnlist}, and asking on every call outside a transaction costs a pool search there.
 * Not thread-safe, like every handle.
 */
public final class LocksmithConnectionImpl implements LocksmithConnection {

    /** Null while the server has dissociated the handle. */
    private volatile LocksmithManagedConnection managed;
    private volatile boolean closed;
    private final LocksmithManagedConnectionFactory mcf;
    private final LocksmithConnectionRequestInfo requestInfo;
    private final Duration lockWait;
    /** The server's connection manager, once the connection factory has told the handle. */
    private volatile ConnectionManager connectionManager;
    private NameLocks ownLocks;

    LocksmithConnectionImpl(LocksmithManagedConnection managed, Duration lockWait) {
        this.managed = managed;
        this.mcf = managed.factory();
        this.requestInfo = managed.requestInfo();
        this.lockWait = lockWait;
    }

    /**
     * Remembers the connection manager that allocated this handle: where it asks for a managed
     * connection again after a dissociation, and for lazy enlistment.
     */
    void allocatedBy(ConnectionManager manager) {
        this.connectionManager = manager;
    }

    /** Associates this handle with {@code target}; returns the previous managed connection (null if dissociated). */
    LocksmithManagedConnection associate(LocksmithManagedConnection target) {
        LocksmithManagedConnection previous = managed;
        managed = target;
        return previous;
    }

    /** Forgets the managed connection {@code from} if the handle is still associated with it. */
    void dissociate(LocksmithManagedConnection from) {
        if (managed == from) {
            managed = null;
        }
    }

    /** Tells whether the server has dissociated this handle from every managed connection. */
    boolean isDissociated() {
        return managed == null;
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

    /**
     * The managed connection a call works on: associated again if the server dissociated the
     * handle, and enlisted lazily in the caller's transaction if the server enlists lazily. Public
     * for the other faces of the adapter's connections (the jdbc module's {@code DataSource}, whose
     * JDBC connection works through a handle of this class); applications use the
     * {@link LocksmithConnection} methods.
     *
     * @throws IllegalStateException if the handle is closed
     * @throws ResourceException if the server cannot associate or enlist the connection
     */
    public LocksmithManagedConnection managedConnection() throws ResourceException {
        LocksmithManagedConnection mc = associated();
        if (!(connectionManager instanceof LazyEnlistableConnectionManager lazy) || mcf.callerOutsideEveryTransaction()) {
            return mc;
        }
        LocksmithManagedConnection asked = null;
        // The server may move the handle to the connection its transaction already has: work there,
        // enlisting that one too if it is not yet (each connection is asked about once).
        while (mc != asked && mc.awaitsEnlistment()) {
            asked = mc;
            lazy.lazyEnlist(mc);
            mc = associated();
        }
        return mc;
    }

    /**
     * The managed connection the handle is associated with, asking the server for one if it was
     * dissociated.
     */
    private LocksmithManagedConnection associated() throws ResourceException {
        LocksmithManagedConnection mc = open();
        if (mc != null) {
            return mc;
        }
        if (!(connectionManager instanceof LazyAssociatableConnectionManager lazy)) {
            throw new ResourceException("this Locksmith connection handle was dissociated from its managed connection,"
                    + " and the connection manager " + connectionManager + " cannot associate it again");
        }
        lazy.associateConnection(this, mcf, requestInfo);
        mc = open();
        if (mc == null) {
            throw new ResourceException("the connection manager " + connectionManager
                    + " did not associate this Locksmith connection handle with a managed connection");
        }
        return mc;
    }

    /** The associated managed connection, or null while dissociated; refuses a closed handle. */
    private LocksmithManagedConnection open() {
        if (closed) {
            throw new IllegalStateException("this Locksmith connection handle is closed");
        }
        return managed;
    }

    @Override
    public void ping() throws ResourceException {
        managedConnection().ping();
    }

    @Override
    public RecordFile open(String fileName) throws ResourceException {
        LocksmithManagedConnection mc = managedConnection();
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
        LocksmithManagedConnection mc = associated();
        mc.checkUsable();
        try {
            mc.resourceManager().store().create(fileName, definition);
        } catch (RmsException e) {
            throw new RecordException(e.status(), "createFile " + fileName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void defineRecords(String fileName, String definition) throws ResourceException {
        LocksmithManagedConnection mc = associated();
        mc.checkUsable();
        try {
            if (fileName == null || definition == null) {
                throw new RmsException(RmsStatus.IAL, (fileName == null ? "fileName" : "definition") + " is null");
            }
            RmsFile file = mc.resourceManager().store().file(fileName);
            file.defineRecords(RecordDefinition.parse(definition, file.definition()));
        } catch (RmsException e) {
            throw new RecordException(e.status(), "defineRecords " + fileName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean lock(Duration timeout, String... names) throws ResourceException {
        return managedConnection().lock(this, timeout, names);
    }

    @Override
    public boolean lock(String... names) throws ResourceException {
        return lock(lockWait, names);
    }

    @Override
    public void unlock(String... names) throws ResourceException {
        LocksmithManagedConnection mc = associated();
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
        open();
        return requestInfo.transactionMode();
    }

    /**
     * {@inheritDoc} A handle that the server enlists lazily shows its branch from its first call
     * that does work in the transaction; a dissociated handle shows none.
     */
    @Override
    public Optional<String> currentXid() {
        LocksmithManagedConnection mc = open();
        XidKey branch = mc == null ? null : mc.xaResourceInternal().currentBranch();
        return branch == null ? Optional.empty() : Optional.of(branch.toString());
    }

    @Override
    public boolean inLocalTransaction() {
        LocksmithManagedConnection mc = open();
        return mc != null && mc.inLocalTransaction();
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
        LocksmithManagedConnection mc = managed;
        if (mc != null) {
            mc.handleClosed(this);
        } else if (connectionManager instanceof LazyAssociatableConnectionManager lazy) {
            lazy.inactiveConnectionClosed(this, mcf);
        }
    }

    @Override
    public String toString() {
        LocksmithManagedConnection mc = managed;
        return "LocksmithConnection[" + (closed ? "closed" : mc == null ? "dissociated" : mc.resourceManager().location())
                + "]";
    }

    /**
     * The application's local transaction on this handle's managed connection: does what the
     * server's {@code LocalTransaction} does, and tells the server with LOCAL_TRANSACTION_* events.
     * A local transaction is begun on the connection the handle is associated with then, not
     * enlisted lazily anywhere.
     */
    private final class ApplicationLocalTransaction implements LocalTransaction {
        @Override
        public void begin() throws ResourceException {
            LocksmithManagedConnection mc = associated();
            mc.localTransactionInternal().begin();
            mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_STARTED, LocksmithConnectionImpl.this);
        }

        @Override
        public void commit() throws ResourceException {
            LocksmithManagedConnection mc = associated();
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
            LocksmithManagedConnection mc = associated();
            mc.localTransactionInternal().rollback();
            mc.localTransactionEvent(ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK, LocksmithConnectionImpl.this);
        }
    }
}
