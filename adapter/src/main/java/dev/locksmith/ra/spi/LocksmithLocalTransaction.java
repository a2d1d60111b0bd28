package dev.locksmith.ra.spi;

import dev.locksmith.ra.TransactionRolledBackException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

/**
 * Resource-local transaction demarcation for one {@link LocksmithManagedConnection}, used by the
 * application server when a connection takes part in a transaction without XA (and, through the
 * handle's {@code localTransaction()}, by applications). A connection is in at most one local
 * transaction at a time and never in a local and an XA transaction together. Between begin and its
 * end the transaction has a {@link TransactionWork} of its own, which holds its locks; commit and
 * rollback release them. Every misuse (begin twice, commit or roll back without begin, begin inside
 * an XA branch) raises a {@link LocalTransactionException} that says what was wrong and changes
 * nothing. Thread-safe.
 */
public final class LocksmithLocalTransaction implements LocalTransaction {

    private final LocksmithManagedConnection connection;
    private final ResourceManager rm;
    private TransactionWork work;
    /** Set when Locksmith rolled the transaction back on its own (a deadlock victim). */
    private String rolledBackBy;

    LocksmithLocalTransaction(LocksmithManagedConnection connection, ResourceManager rm) {
        this.connection = connection;
        this.rm = rm;
    }

    synchronized boolean isActive() {
        return work != null;
    }

    /**
     * The work of the active local transaction.
     *
     * @throws TransactionRolledBackException if Locksmith already rolled it back
     */
    synchronized TransactionWork work() throws TransactionRolledBackException {
        if (rolledBackBy != null) {
            throw new TransactionRolledBackException(rolledBackBy,
                    "the local transaction was rolled back by Locksmith; commit or roll it back to end it");
        }
        return work;
    }

    /**
     * Rolls the active transaction back now because the store ended it: {@code status} is DEADLOCK,
     * CONFLICT or TXTIMEOUT. Its commit then fails with that status.
     */
    void rolledBackBy(String status) {
        TransactionWork victim;
        synchronized (this) {
            if (work == null || rolledBackBy != null) {
                return;
            }
            rolledBackBy = status;
            victim = work;
        }
        victim.rollback();
    }

    @Override
    public void begin() throws ResourceException {
        connection.checkUsable();
        synchronized (this) {
            if (work != null) {
                throw new LocalTransactionException("begin: a local transaction is already active on this connection");
            }
            XidKey branch = connection.xaResourceInternal().currentBranch();
            if (branch != null) {
                throw new LocalTransactionException("begin: connection is enlisted in XA branch "
                        + branch + "; a local transaction cannot start");
            }
            work = rm.newWork(connection.transactionMode());
            rm.localBegun.incrementAndGet();
        }
    }

    /**
     * Commits the transaction in the store and releases its locks.
     *
     * @throws LocalTransactionException if none is active, or (with the status as error code:
     *     DEADLOCK, CONFLICT, DUP, …) the transaction was or had to be rolled back; it has ended
     *     either way
     */
    @Override
    public void commit() throws ResourceException {
        String failure;
        synchronized (this) {
            TransactionWork ending = end("commit");
            failure = rolledBackBy;
            rolledBackBy = null;
            if (failure != null) {
                rm.localRolledBack.incrementAndGet();
            } else {
                try {
                    ending.commit();
                } catch (dev.locksmith.rms.RmsException e) {
                    rm.localRolledBack.incrementAndGet();
                    LocalTransactionException x = new LocalTransactionException("commit: the store refused the local"
                            + " transaction, which has been rolled back: " + e.getMessage(), e.status().name());
                    x.initCause(e);
                    throw x;
                }
                rm.localCommitted.incrementAndGet();
            }
        }
        if (failure != null) {
            throw new LocalTransactionException("commit: the local transaction was rolled back by Locksmith ("
                    + failure + ")", failure);
        }
    }

    @Override
    public void rollback() throws ResourceException {
        synchronized (this) {
            TransactionWork ending = end("rollback");
            rolledBackBy = null;
            ending.rollback();
            rm.localRolledBack.incrementAndGet();
        }
    }

    private TransactionWork end(String op) throws LocalTransactionException {
        if (work == null) {
            throw new LocalTransactionException(op + ": no local transaction is active on this connection");
        }
        TransactionWork ending = work;
        work = null;
        return ending;
    }

    /** Ends an unfinished local transaction when the physical connection goes away. */
    synchronized void abandon() {
        if (work != null) {
            work.rollback();
            work = null;
            rolledBackBy = null;
            rm.localRolledBack.incrementAndGet();
        }
    }
}
