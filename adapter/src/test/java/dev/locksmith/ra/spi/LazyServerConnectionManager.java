package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.DissociatableManagedConnection;
import jakarta.resource.spi.LazyAssociatableConnectionManager;
import jakarta.resource.spi.LazyEnlistableConnectionManager;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The application server's side of lazy association and lazy enlistment, reduced to what
 * IronJacamar (WildFly's connection manager) does with an adapter that supports both:
 * allocations hand out connections that are not enlisted; {@code lazyEnlist} enlists the first
 * connection used in a transaction and makes it that transaction's connection, and answers a
 * later connection used in the same transaction by dissociating it from its handles and taking it
 * back (TxConnectionManagerImpl.lazyEnlist); {@code associateConnection} puts a handle on the
 * transaction's connection, or on a new one outside a transaction
 * (AbstractConnectionManager.associateManagedConnection). It stands in for the server, over a real
 * Narayana transaction manager; there is no pooling (connections taken back are only listed).
 * Single-threaded.
 */
final class LazyServerConnectionManager
        implements ConnectionManager, LazyEnlistableConnectionManager, LazyAssociatableConnectionManager {

    private static final long serialVersionUID = 1L;

    private final transient TransactionManager tm;
    private final transient Map<Transaction, ManagedConnection> byTransaction = new HashMap<>();
    /** Connections the server took back from their handles in {@code lazyEnlist}. */
    final transient List<ManagedConnection> takenBack = new ArrayList<>();
    /** Handles closed while dissociated, as {@code inactiveConnectionClosed} reported them. */
    final transient List<Object> closedInactive = new ArrayList<>();
    /** How many times a handle asked for lazy enlistment. */
    int lazyEnlistCalls;

    LazyServerConnectionManager(TransactionManager tm) {
        this.tm = tm;
    }

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo cxRequestInfo)
            throws ResourceException {
        return mcf.createManagedConnection(null, cxRequestInfo).getConnection(null, cxRequestInfo);
    }

    @Override
    public void lazyEnlist(ManagedConnection mc) throws ResourceException {
        lazyEnlistCalls++;
        Transaction tx = activeTransaction();
        if (tx == null) {
            return;
        }
        ManagedConnection existing = byTransaction.get(tx);
        if (existing == null) {
            try {
                tx.enlistResource(mc.getXAResource());
                tx.registerSynchronization(new Forget(tx));
            } catch (RollbackException | SystemException e) {
                throw new ResourceException("cannot enlist " + mc + ": " + e.getMessage(), e);
            }
            byTransaction.put(tx, mc);
        } else if (existing != mc) {
            ((DissociatableManagedConnection) mc).dissociateConnections();
            takenBack.add(mc);
        }
    }

    @Override
    public void associateConnection(Object connection, ManagedConnectionFactory mcf, ConnectionRequestInfo cxReqInfo)
            throws ResourceException {
        Transaction tx = activeTransaction();
        ManagedConnection mc = tx == null ? null : byTransaction.get(tx);
        if (mc == null) {
            mc = mcf.createManagedConnection(null, cxReqInfo);
        }
        mc.associateConnection(connection);
    }

    @Override
    public void inactiveConnectionClosed(Object connection, ManagedConnectionFactory mcf) {
        closedInactive.add(connection);
    }

    private Transaction activeTransaction() throws ResourceException {
        try {
            Transaction tx = tm.getTransaction();
            return tx != null && tx.getStatus() == Status.STATUS_ACTIVE ? tx : null;
        } catch (SystemException e) {
            throw new ResourceException(e);
        }
    }

    /** Forgets a transaction's connection when the transaction ends. */
    private final class Forget implements Synchronization {
        private final Transaction tx;

        Forget(Transaction tx) {
            this.tx = tx;
        }

        @Override
        public void beforeCompletion() {
            // The connection stays the transaction's until it has ended.
        }

        @Override
        public void afterCompletion(int status) {
            byTransaction.remove(tx);
        }
    }
}
