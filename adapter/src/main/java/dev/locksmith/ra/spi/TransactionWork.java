package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.ra.LockFailedException;
import dev.locksmith.ra.RecordException;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import dev.locksmith.rms.TransactionStream;
import java.time.Duration;

/**
 * The work of one transaction — an XA branch, whatever connections joined it, or one local
 * transaction — as one store {@link Transaction}, and so one {@link LockOwner} for its record and
 * name locks. Everything a transaction reads, writes and locks goes through this object; a
 * {@link #commit}, {@link #rollback} or read-only {@link #prepare} releases all of its locks.
 *
 * <p>Thread-safe (the store transaction serializes calls): a lock request may wait in an
 * application thread while the transaction manager, or Locksmith's transaction timeout, rolls the
 * transaction back from another; the waiting request then fails.
 */
final class TransactionWork {

    private final Transaction tx;

    TransactionWork(Transaction tx) {
        this.tx = tx;
    }

    /** The store transaction. */
    Transaction transaction() {
        return tx;
    }

    /** The lock owner of this transaction. */
    LockOwner owner() {
        return tx.owner();
    }

    /**
     * {@code LOCK +names:timeout} for this transaction.
     *
     * @return false if the timeout passed first
     * @throws LockFailedException IVRESNAM/BADPARAM for bad arguments (nothing changes), DEADLOCK
     *     for a deadlock victim (the store marks the transaction rollback-only), CANCELLED if the
     *     transaction ended while the request waited
     */
    boolean lock(Duration timeout, String... names) throws LockFailedException {
        NameLockCalls.check(timeout, names);
        try {
            return tx.lock(timeout, names);
        } catch (RmsException e) {
            LockStatus status = e.status() == RmsStatus.DEADLOCK ? LockStatus.DEADLOCK
                    : e.getCause() instanceof LockException le && le.status() == LockStatus.EXQUOTA ? LockStatus.EXQUOTA
                    : LockStatus.CANCELLED;
            throw new LockFailedException(status, "names " + String.join(", ", names) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A stream on {@code fileName} working in this transaction.
     *
     * @throws RecordException FNF if the store has no such file
     */
    TransactionStream open(String fileName) throws RecordException {
        try {
            return tx.open(fileName);
        } catch (RmsException e) {
            throw new RecordException(e.status(), e.getMessage(), e);
        }
    }

    /**
     * Prepares the transaction durably under {@code xid}.
     *
     * @return false if it changed nothing: it has then ended and released its locks
     * @throws RmsException CONFLICT, DEADLOCK, DUP, …: the transaction has been rolled back
     */
    boolean prepare(XidKey xid) {
        return tx.prepare(xid.toBytes());
    }

    /**
     * Commits in one phase, or the second phase of a prepared transaction; releases every lock.
     *
     * @throws RmsException CONFLICT, DEADLOCK, TXTIMEOUT, …: a one-phase commit has been rolled back
     */
    void commit() {
        tx.commit();
    }

    /** Rolls back: drops every change and releases every lock. Idempotent. */
    void rollback() {
        if (tx.status() != Transaction.Status.COMMITTED) {
            tx.rollback();
        }
    }

    @Override
    public String toString() {
        return "TransactionWork[" + tx + "]";
    }
}
