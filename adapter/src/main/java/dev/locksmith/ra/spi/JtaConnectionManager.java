package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
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
 * handle is closed. There is no pooling. Thread-safe; the transaction manager does not survive
 * serialization, so a deserialized copy refuses allocations.
 */
public final class JtaConnectionManager implements ConnectionManager {

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
