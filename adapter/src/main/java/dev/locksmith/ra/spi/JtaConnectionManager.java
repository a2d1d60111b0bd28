package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LazyEnlistableConnectionManager;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.util.Objects;

/**
 * The connection manager for a Java SE program that has a JTA transaction manager (Narayana
 * standalone, say) and no application server: pass it to
 * {@link LocksmithManagedConnectionFactory#createConnectionFactory(ConnectionManager)}.
 *
 * <p>Each allocation creates a physical connection. Inside an active transaction its
 * {@code XAResource} is enlisted before the handle is returned (connections of one store join one
 * branch), and the physical connection is destroyed once the transaction has completed, whether
 * or not the handle was closed first. Outside a transaction the connection is destroyed when its
 * handle is closed, and it is enlisted lazily: each call of its handle that does work inside a
 * transaction of the calling thread first enlists it there ({@link #lazyEnlist}), so a handle
 * obtained before a transaction began, or kept across several, works in the transaction of the
 * moment. There is no pooling and no dissociation. Thread-safe; the transaction manager does not
 * survive serialization, so a deserialized copy refuses allocations.
 */
public final class JtaConnectionManager implements ConnectionManager, LazyEnlistableConnectionManager {

    private static final long serialVersionUID = 1L;

    private final transient TransactionManager transactionManager;

    /**
     * Creates a connection manager that enlists in {@code transactionManager}'s transactions.
     *
     * @param transactionManager the JTA transaction manager; not null
     * @throws NullPointerException if {@code transactionManager} is null
     */
    public JtaConnectionManager(TransactionManager transactionManager) {
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager must not be null");
    }

    /**
     * Creates a physical connection, enlists it in the calling thread's transaction if there is
     * one, and returns a handle on it.
     *
     * @throws ResourceException if the connection cannot be created or enlisted (then it is
     *     destroyed), or the transaction manager fails
     */
    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo cxRequestInfo)
            throws ResourceException {
        if (mcf == null) {
            throw new ResourceException("allocateConnection: mcf must not be null");
        }
        if (transactionManager == null) {
            throw new ResourceException("this JtaConnectionManager was deserialized and has no transaction manager");
        }
        Transaction tx = currentTransaction();
        ManagedConnection mc = mcf.createManagedConnection(null, cxRequestInfo);
        try {
            if (tx == null) {
                mc.addConnectionEventListener(new DestroyOnClose(mc));
            } else {
                if (!tx.enlistResource(mc.getXAResource())) {
                    throw new ResourceException("the transaction manager refused to enlist the Locksmith connection");
                }
                tx.registerSynchronization(new DestroyAfterCompletion(mc));
            }
            return mc.getConnection(null, cxRequestInfo);
        } catch (RollbackException | SystemException | RuntimeException e) {
            destroy(mc);
            throw new ResourceException("cannot enlist a Locksmith connection in " + tx + ": " + e.getMessage(), e);
        } catch (ResourceException e) {
            destroy(mc);
            throw e;
        }
    }

    /**
     * Enlists {@code mc} in the calling thread's active transaction; does nothing outside one. A
     * connection enlisted this way stays the handle's after the transaction (it is destroyed when
     * the handle is closed) and is enlisted again in the next transaction its handle works in.
     *
     * @param mc a managed connection this manager allocated; not null
     * @throws ResourceException if {@code mc} is null, this copy was deserialized, or the thread's
     *     transaction is not active (marked rollback-only, rolled back by a timeout) or refuses the
     *     resource: the call that asked must not run outside that transaction
     */
    @Override
    public void lazyEnlist(ManagedConnection mc) throws ResourceException {
        if (mc == null) {
            throw new ResourceException("lazyEnlist: mc must not be null");
        }
        if (transactionManager == null) {
            throw new ResourceException("this JtaConnectionManager was deserialized and has no transaction manager");
        }
        Transaction tx;
        int status;
        try {
            tx = transactionManager.getTransaction();
            status = tx == null ? Status.STATUS_NO_TRANSACTION : tx.getStatus();
        } catch (SystemException e) {
            throw new ResourceException("the transaction manager failed: " + e.getMessage(), e);
        }
        if (status == Status.STATUS_NO_TRANSACTION) {
            return;
        }
        if (status != Status.STATUS_ACTIVE) {
            throw new ResourceException("the calling thread's transaction " + tx + " is no longer active (JTA status "
                    + status + "): Locksmith work can neither join it nor run outside it");
        }
        try {
            if (!tx.enlistResource(mc.getXAResource())) {
                throw new ResourceException("the transaction manager refused to enlist the Locksmith connection in " + tx);
            }
        } catch (RollbackException | SystemException | IllegalStateException e) {
            throw new ResourceException("cannot enlist a Locksmith connection in " + tx + ": " + e.getMessage(), e);
        }
    }

    private Transaction currentTransaction() throws ResourceException {
        try {
            Transaction tx = transactionManager.getTransaction();
            return tx != null && tx.getStatus() == Status.STATUS_ACTIVE ? tx : null;
        } catch (SystemException e) {
            throw new ResourceException("the transaction manager failed: " + e.getMessage(), e);
        }
    }

    private static void destroy(ManagedConnection mc) {
        DestroyOnClose.destroy(mc);
    }

    private record DestroyAfterCompletion(ManagedConnection mc) implements Synchronization {
        @Override
        public void beforeCompletion() {
            // The transaction manager still needs the XAResource.
        }

        @Override
        public void afterCompletion(int status) {
            destroy(mc);
        }
    }
}
