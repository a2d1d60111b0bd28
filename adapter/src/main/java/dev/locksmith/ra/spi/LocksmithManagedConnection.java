package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockStatus;
import dev.locksmith.ra.LockFailedException;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.DissociatableManagedConnection;
import jakarta.resource.spi.LazyEnlistableManagedConnection;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import jakarta.resource.spi.ResourceAllocationException;
import java.io.PrintWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * One physical connection to a Locksmith store, pooled by the application server. It hands out
 * {@link LocksmithConnectionImpl} handles, owns one {@link LocksmithXAResource} and one
 * {@link LocksmithLocalTransaction}, and tells its listeners when a handle is closed
 * ({@code CONNECTION_CLOSED}) or the connection broke ({@code CONNECTION_ERROR_OCCURRED}).
 *
 * <p>Work done through a handle belongs to the transaction the connection is in: the XA branch it
 * was started on (whose {@link TransactionWork} every connection joined to the branch shares), or
 * its local transaction; outside both, name locks belong to the handle.
 *
 * <p>A managed connection is created for one subject and one {@link LocksmithConnectionRequestInfo};
 * the factory only matches it to requests with both equal. After {@link #destroy()} every method
 * that would do work fails with a {@link ResourceException}.
 *
 * <p>It supports the server's two lazy optimizations: <em>lazy association</em>
 * ({@link #dissociateConnections()} detaches every handle, which asks for a managed connection again
 * on its next call) and <em>lazy enlistment</em> (a server that implements
 * {@link jakarta.resource.spi.LazyEnlistableConnectionManager} need not enlist the connection when it
 * hands it out: its handles ask for enlistment when they first do work; see
 * {@link LocksmithConnectionImpl}).
 */
public final class LocksmithManagedConnection
        implements ManagedConnection, DissociatableManagedConnection, LazyEnlistableManagedConnection {

    private static final Logger LOG = System.getLogger(LocksmithManagedConnection.class.getName());

    private final LocksmithManagedConnectionFactory factory;
    private final ResourceManager rm;
    private final Subject subject;
    private final LocksmithConnectionRequestInfo requestInfo;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<LocksmithConnectionImpl> handles = ConcurrentHashMap.newKeySet();
    private final LocksmithXAResource xaResource;
    private final LocksmithLocalTransaction localTransaction;
    private volatile boolean destroyed;
    private volatile PrintWriter logWriter;

    LocksmithManagedConnection(LocksmithManagedConnectionFactory factory, ResourceManager rm, Subject subject,
                               LocksmithConnectionRequestInfo requestInfo) {
        this.factory = factory;
        this.rm = rm;
        this.subject = subject;
        this.requestInfo = requestInfo;
        this.xaResource = new LocksmithXAResource(this, rm);
        this.localTransaction = new LocksmithLocalTransaction(this, rm);
        this.logWriter = factory.getLogWriter();
        rm.managedConnectionsCreated.incrementAndGet();
    }

    LocksmithManagedConnectionFactory factory() {
        return factory;
    }

    Subject subject() {
        return subject;
    }

    LocksmithConnectionRequestInfo requestInfo() {
        return requestInfo;
    }

    TransactionMode transactionMode() {
        return requestInfo.transactionMode();
    }

    ResourceManager resourceManager() {
        return rm;
    }

    boolean isDestroyed() {
        return destroyed;
    }

    LocksmithXAResource xaResourceInternal() {
        return xaResource;
    }

    boolean inLocalTransaction() {
        return localTransaction.isActive();
    }

    LocksmithLocalTransaction localTransactionInternal() {
        return localTransaction;
    }

    /**
     * Hands out a new application handle on this connection.
     *
     * @param subject the caller's subject; must equal the subject the connection was created for
     * @param cxRequestInfo the request info; null means this connection's own
     * @throws ResourceException if the connection was destroyed, or subject or request info differ
     */
    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo cxRequestInfo) throws ResourceException {
        checkUsable();
        if (cxRequestInfo != null && !requestInfo.equals(cxRequestInfo)) {
            throw new ResourceException("getConnection: connection request info " + cxRequestInfo
                    + " does not match this connection's " + requestInfo);
        }
        if (subject != null && !subject.equals(this.subject)) {
            throw new ResourceException("getConnection: subject differs from the one this connection was created for;"
                    + " Locksmith does not support reauthentication");
        }
        LocksmithConnectionImpl handle = new LocksmithConnectionImpl(this, factory.lockWait());
        handles.add(handle);
        rm.handlesOpened.incrementAndGet();
        return handle;
    }

    /**
     * Moves an application handle from another managed connection of this adapter, or from none
     * (a dissociated handle), to this one.
     *
     * @param connection a handle obtained from {@link #getConnection}
     * @throws ResourceException if {@code connection} is not a Locksmith handle or this connection
     *     was destroyed
     */
    @Override
    public void associateConnection(Object connection) throws ResourceException {
        checkUsable();
        if (!(connection instanceof LocksmithConnectionImpl handle)) {
            throw new ResourceException("associateConnection: connection must be a Locksmith connection handle but was "
                    + (connection == null ? "null" : connection.getClass().getName()));
        }
        LocksmithManagedConnection previous = handle.associate(this);
        if (previous != null && previous != this) {
            previous.handles.remove(handle);
        }
        handles.add(handle);
    }

    /**
     * Dissociates every handle from this connection, so the server can give it to someone else
     * while the application keeps its handles; each handle asks the server for a managed connection
     * again on its next call. Handles keep their own name locks.
     *
     * @throws IllegalStateException if the connection works in an XA branch or a local transaction:
     *     its handles' work belongs there and must not move to another connection
     * @throws ResourceException if the connection was destroyed
     */
    @Override
    public void dissociateConnections() throws ResourceException {
        checkUsable();
        if (xaResource.associatedXid() != null || localTransaction.isActive()) {
            throw new IllegalStateException("dissociateConnections: the Locksmith connection works in "
                    + (localTransaction.isActive() ? "a local transaction" : "XA branch " + xaResource.associatedXid())
                    + "; its handles cannot leave it before that ends");
        }
        for (LocksmithConnectionImpl h : handles) {
            h.dissociate(this);
        }
        handles.clear();
    }

    /**
     * Tells whether a handle's work here would run outside any transaction: no XA branch started
     * (or resumed) on this connection and no local transaction. A handle asks a lazily enlisting
     * server to enlist the connection then.
     */
    boolean awaitsEnlistment() {
        return xaResource.associatedXid() == null && !localTransaction.isActive();
    }

    /**
     * Invalidates every handle still open and forgets the client-specific state, so the pool can
     * hand the connection to someone else. Transaction branches are left to the transaction
     * manager; an unfinished local transaction is rolled back.
     */
    @Override
    public void cleanup() throws ResourceException {
        for (LocksmithConnectionImpl h : handles) {
            h.invalidate();
        }
        handles.clear();
        localTransaction.abandon();
        xaResource.dissociate();
    }

    /** Closes the physical connection for good: invalidates handles and refuses further work. */
    @Override
    public void destroy() throws ResourceException {
        if (destroyed) {
            return;
        }
        destroyed = true;
        for (LocksmithConnectionImpl h : handles) {
            h.invalidate();
        }
        handles.clear();
        localTransaction.abandon();
        rm.managedConnectionsDestroyed.incrementAndGet();
        LOG.log(Level.DEBUG, "destroyed managed connection to {0}", rm.location());
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        checkUsable();
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        checkUsable();
        return localTransaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        checkUsable();
        String user = "";
        if (subject != null) {
            user = subject.getPrincipals().stream().map(Principal::getName).findFirst().orElse("");
        }
        return new LocksmithManagedConnectionMetaData(user);
    }

    @Override
    public void setLogWriter(PrintWriter out) throws ResourceException {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() throws ResourceException {
        return logWriter;
    }

    /** Tells whether the connection can still do work: not destroyed, store open, lock manager reachable. */
    boolean isValid() {
        try {
            checkUsable();
            rm.checkReachable();
            return true;
        } catch (ResourceException e) {
            LOG.log(Level.DEBUG, "Locksmith connection found invalid: {0}", e.getMessage());
            return false;
        }
    }

    /** Throws if this connection can no longer do work. */
    void checkUsable() throws ResourceException {
        if (destroyed) {
            throw new ResourceAllocationException("the Locksmith managed connection has been destroyed");
        }
        if (!rm.isOpen()) {
            throw new ResourceAllocationException("the Locksmith store " + rm.location()
                    + " has been closed (the resource adapter was stopped)");
        }
        factory.checkAdapterRunning();
    }

    /**
     * The work of the transaction this connection is in, or null outside one.
     *
     * @throws dev.locksmith.ra.TransactionRolledBackException if that transaction was rolled back
     */
    TransactionWork currentWork() throws ResourceException {
        XidKey xid = xaResource.associatedXid();
        if (xid != null) {
            return rm.workFor(xid);
        }
        return localTransaction.isActive() ? localTransaction.work() : null;
    }

    /** Work done through a handle: checks the connection and its transaction can take it. */
    void ping() throws ResourceException {
        checkUsable();
        currentWork();
        rm.checkReachable();
        rm.pings.incrementAndGet();
    }

    /**
     * Takes name locks for the current transaction, or, outside one, for {@code handle}. A deadlock
     * victim's transaction is rolled back at once.
     */
    boolean lock(LocksmithConnectionImpl handle, Duration timeout, String... names) throws ResourceException {
        checkUsable();
        XidKey xid = xaResource.associatedXid();
        TransactionWork work = currentWork();
        try {
            if (work == null) {
                return NameLockCalls.lockIncrement(handle.ownLocks(rm), timeout, names);
            }
            return work.lock(timeout, names);
        } catch (LockFailedException e) {
            if (e.lockStatus() == LockStatus.DEADLOCK && work != null) {
                storeEnded(xid, RmsStatus.DEADLOCK);
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockFailedException(LockStatus.CANCELLED, "interrupted while waiting for " + String.join(", ", names), e);
        }
    }

    /**
     * The store ended the current transaction ({@code status} DEADLOCK, CONFLICT or TXTIMEOUT): roll
     * it back now, so its locks go and its end reports the matching failure.
     */
    private void storeEnded(XidKey xid, RmsStatus status) {
        if (xid != null) {
            rm.rollBackOnItsOwn(xid, ResourceManager.rollbackCode(status));
        } else {
            localTransaction.rolledBackBy(status.name());
        }
    }

    /**
     * Turns a store failure of a record operation in the current transaction into the adapter's
     * exception, rolling the transaction back first if the failure ended it.
     */
    RecordException recordFailure(String fileName, RmsException e) {
        storeFailed(e);
        return new RecordException(e.status(), fileName + ": " + e.getMessage(), e);
    }

    /**
     * The seam for another face of this resource manager (the JDBC driver): the store transaction
     * the work done through this connection belongs to now — the XA branch its XAResource is
     * associated with (shared by every connection joined to it), or its local transaction — or empty
     * outside one. Work done in it is committed or rolled back by the branch's XA calls.
     *
     * @return the transaction, or empty when the connection is in none
     * @throws ResourceException if the connection was destroyed or the store closed; a
     *     {@link dev.locksmith.ra.TransactionRolledBackException} if the branch was rolled back
     */
    public Optional<Transaction> currentTransaction() throws ResourceException {
        checkUsable();
        TransactionWork work = currentWork();
        return Optional.ofNullable(work == null ? null : work.transaction());
    }

    /**
     * The record store of this connection's resource manager, for work outside any transaction of
     * the adapter (another face's own local transactions).
     *
     * @return the store; shared, thread-safe
     * @throws ResourceException if the connection was destroyed or the store closed
     */
    public RecordStore store() throws ResourceException {
        checkUsable();
        return rm.store();
    }

    /**
     * Reports a store failure of work in {@link #currentTransaction()}: a failure that ended the
     * transaction (DEADLOCK, CONFLICT, TXTIMEOUT) rolls it back now, so its locks go and its end
     * reports the matching {@code XA_RB*} code; any other status changed nothing and is ignored.
     *
     * @param e the failure; not null
     */
    public void storeFailed(RmsException e) {
        switch (e.status()) {
            case DEADLOCK, CONFLICT, TXTIMEOUT -> storeEnded(xaResource.associatedXid(), e.status());
            default -> {
                // The operation changed nothing; the transaction goes on.
            }
        }
    }

    /** Fires a LOCAL_TRANSACTION_* event for an application-demarcated local transaction. */
    void localTransactionEvent(int id, LocksmithConnectionImpl handle) {
        ConnectionEvent event = new ConnectionEvent(this, id);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener l : listeners) {
            switch (id) {
                case ConnectionEvent.LOCAL_TRANSACTION_STARTED -> l.localTransactionStarted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_COMMITTED -> l.localTransactionCommitted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK -> l.localTransactionRolledback(event);
                default -> throw new IllegalArgumentException("not a local transaction event: " + id);
            }
        }
    }

    void handleClosed(LocksmithConnectionImpl handle) {
        handles.remove(handle);
        rm.handlesClosed.incrementAndGet();
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener l : listeners) {
            l.connectionClosed(event);
        }
    }

    /** An XA call failed; a failure outside the rollback range means the connection is unusable. */
    void xaFailed(String operation, XAException e) {
        if (XaCodes.isRollbackCode(e.errorCode)) {
            return;
        }
        LOG.log(Level.WARNING, "XA " + operation + " failed on a Locksmith connection; reporting the connection broken",
                e);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, e);
        for (ConnectionEventListener l : listeners) {
            l.connectionErrorOccurred(event);
        }
    }
}
