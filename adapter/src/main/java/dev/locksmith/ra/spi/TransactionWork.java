package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.lock.names.NameLocks;
import dev.locksmith.ra.LockFailedException;
import java.time.Duration;

/**
 * The work of one transaction — an XA branch, whatever connections joined it, or one local
 * transaction — and the one {@link LockOwner} that holds its locks. Everything a transaction
 * takes is taken through this object, and {@link #commit}, {@link #rollback} or a read-only
 * {@link #prepare} releases all of it at once.
 *
 * <p>Thread-safe: a lock request may wait in an application thread while the transaction
 * manager (or Locksmith's transaction timeout) rolls the transaction back from another; the
 * waiting request then fails with {@link LockStatus#CANCELLED}.
 */
final class TransactionWork {

    private final NameLocks names;

    /**
     * Creates the work of a transaction with a lock owner of its own in {@code space}.
     *
     * @param space the resource adapter's lock space
     * @param name the owner's display name (the Xid, or "local …")
     */
    TransactionWork(LockSpace space, String name) {
        this.names = space.newProcess(name);
    }

    /** The lock owner of this transaction. */
    LockOwner owner() {
        return names.owner();
    }

    /**
     * {@code LOCK +names:timeout} for this transaction.
     *
     * @return false if the timeout passed first
     * @throws LockFailedException with the lock manager's status for a refused or failed request
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    boolean lock(Duration timeout, String... lockNames) throws LockFailedException, InterruptedException {
        return NameLockCalls.lockIncrement(names, timeout, lockNames);
    }

    /**
     * Prepares the transaction. Only name locks exist yet, so the transaction is always read-only:
     * its locks are released and it is finished.
     *
     * @return false: read-only, nothing to commit
     */
    boolean prepare() {
        release();
        return false;
    }

    /** Commits: releases everything the transaction holds. */
    void commit() {
        release();
    }

    /** Rolls back: releases everything the transaction holds. Idempotent. */
    void rollback() {
        release();
    }

    private void release() {
        names.close();
    }

    /** Tells whether the transaction's locks have been released (it ended). */
    boolean isReleased() {
        return names.owner().isClosed();
    }

    @Override
    public String toString() {
        return "TransactionWork[" + names.owner().name() + "]";
    }
}
