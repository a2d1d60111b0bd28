package dev.locksmith.rms;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.NameLocks;
import dev.locksmith.rms.journal.JournalRecord;
import dev.locksmith.rms.journal.WriteOp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;

/**
 * One transaction of a {@link RecordStore}: work on any of the store's files that becomes visible
 * to others all at once when it commits, or never.
 *
 * <p><b>Working.</b> {@link #open(String)} gives a {@link TransactionStream} on a file; every stream
 * of the transaction reads the transaction's own changes, and nobody else sees them before the
 * commit. Changes are kept in the transaction (a write set) and applied to the files at commit. In
 * {@link TransactionMode#PESSIMISTIC} mode records are locked as they are read and changed; in
 * {@link TransactionMode#OPTIMISTIC} mode nothing is locked until the commit, which then validates
 * what was read. {@link #lock(Duration, String...)} takes GT.M-style name locks that are held until
 * the transaction ends ("LOCK before TSTART, release after TCOMMIT"). Every lock of the transaction
 * belongs to one {@link LockOwner} ({@link #owner()}), so the lock manager's deadlock detection sees
 * transactions, not threads.
 *
 * <p><b>Ending.</b> {@link #commit()} commits in one phase. {@link #prepare(byte[])} is the first of
 * two phases: it locks and validates, writes the write set and the xid to the store's journal and
 * syncs it, and keeps the locks; a transaction that changed nothing answers {@code false}
 * (read-only) and ends there. {@link #commit()} or {@link #rollback()} then ends a prepared
 * transaction, also one recovered after a crash ({@link RecordStore#inDoubt()}). A commit applies
 * the write set to every file touched as one step per file, all under one journal record, so after
 * a crash at any point either every file has the transaction or none has. Locks are released when
 * the transaction ends. A transaction past its timeout is rolled back by the store; later calls
 * fail with {@link RmsStatus#TXTIMEOUT}.
 *
 * <p><b>Savepoints.</b> {@link #savepoint()} marks the work done so far; {@link #rollbackTo(Savepoint)}
 * undoes every change made after the mark and leaves the transaction active, so a failed step (an
 * SQL statement that hit a duplicate key half-way) can be taken back alone. Locks taken after the
 * mark stay held until the transaction ends, as in most databases: the records may have been read
 * under them, and releasing them early would let another transaction change what this one saw.
 * What an optimistic transaction read after the mark is still validated at commit.
 *
 * <p><b>Errors</b> are {@link RmsException}s. {@link RmsStatus#CONFLICT} (optimistic validation),
 * {@link RmsStatus#DEADLOCK} and {@link RmsStatus#TXTIMEOUT} end the transaction: it is rolled back
 * (or must be, if it was only marked). {@link RmsStatus#RLK} and {@link RmsStatus#TMO} from a lock
 * wait, and record-level statuses (RNF, DUP, …), leave it active and unchanged. Work in the wrong
 * state fails with {@link RmsStatus#TXSTATE}.
 *
 * <p><b>Threads.</b> Thread-safe: calls are serialized on the transaction (several connections of
 * one XA branch may use it in turn); the timeout may end it from the store's timer thread at any
 * time, and a call waiting for a lock then fails.
 */
public final class Transaction {

    /** Where a transaction is in its life. */
    public enum Status {
        /** Working. */
        ACTIVE,
        /** Working, but it can only be rolled back (after a deadlock or a failed commit step). */
        ROLLBACK_ONLY,
        /** Prepared: durable in the journal, locks held, waiting for commit or rollback. */
        PREPARED,
        /** Ended by a commit (or a read-only prepare). */
        COMMITTED,
        /** Ended by a rollback or timeout. */
        ROLLED_BACK
    }

    private final RecordStore store;
    private final long id;
    private final TransactionMode mode;
    private final NameLocks process;
    private final Map<String, FileWork> files = new TreeMap<>();
    private long sequence;
    private volatile Status status = Status.ACTIVE;
    private volatile boolean timedOut;
    /** Set while a commit, prepare, rollback or the timeout ends the transaction. */
    private final java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
    private RmsStatus rollbackReason;
    private byte[] xid;
    private ScheduledFuture<?> timeout;
    /** The savepoints not released or rolled past, oldest first. */
    private final List<Savepoint> savepoints = new ArrayList<>();
    /** How to undo each change to the write set since the oldest savepoint; empty while there is none. */
    private final List<Runnable> undo = new ArrayList<>();

    /**
     * A mark in one transaction's work, for {@link #rollbackTo(Savepoint)}. Valid until it is
     * released, an earlier savepoint is rolled back to, or the transaction ends. Immutable.
     */
    public static final class Savepoint {
        private final Transaction transaction;
        private final int mark;

        private Savepoint(Transaction transaction, int mark) {
            this.transaction = transaction;
            this.mark = mark;
        }

        @Override
        public String toString() {
            return "Savepoint[" + transaction.id + " at change " + mark + "]";
        }
    }

    Transaction(RecordStore store, long id, TransactionMode mode, NameLocks process) {
        this.store = store;
        this.id = id;
        this.mode = mode;
        this.process = process;
    }

    /** The store's number for this transaction; unique in the store, also across restarts. */
    public long id() {
        return id;
    }

    public TransactionMode mode() {
        return mode;
    }

    public Status status() {
        return status;
    }

    /** The xid this transaction was prepared under, if it was prepared. */
    public synchronized Optional<byte[]> xid() {
        return xid == null ? Optional.empty() : Optional.of(xid.clone());
    }

    /** The lock owner of every lock this transaction holds; for locks a caller takes for the transaction. */
    public LockOwner owner() {
        return process.owner();
    }

    /** Whether this transaction has changed anything so far. */
    public synchronized boolean hasWrites() {
        for (FileWork work : files.values()) {
            if (work.hasWrites()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A stream on the store's file {@code fileName} working in this transaction. Streams of one
     * transaction share its changes and locks.
     *
     * @throws RmsException FNF if the store has no such file; TXSTATE unless the transaction is active
     */
    public synchronized TransactionStream open(String fileName) {
        requireActive("open " + fileName);
        return new TransactionStream(this, work(fileName));
    }

    /**
     * Takes GT.M-style name locks ({@code LOCK +names}, see {@link NameLocks}) for this transaction;
     * they are held until it ends.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} for one attempt
     * @return true if every name was taken, false (like {@code $TEST=0}) if the time passed first;
     *         nothing of the command is then held
     * @throws RmsException DEADLOCK (the transaction becomes rollback-only), TXSTATE, or IAL for a bad
     *                      name or timeout
     */
    public boolean lock(Duration timeout, String... names) {
        synchronized (this) {
            requireActive("lock");
        }
        try {
            return process.lockIncrement(timeout, names);
        } catch (LockException e) {
            if (e.status() == LockStatus.IVRESNAM || e.status() == LockStatus.BADPARAM) {
                throw new RmsException(RmsStatus.IAL, e.getMessage(), e);
            }
            throw lockFailure(e, "name lock");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.TXSTATE, "interrupted while waiting for a name lock", e);
        }
    }

    /**
     * Marks the work done so far, to which {@link #rollbackTo(Savepoint)} can return.
     *
     * @throws RmsException TXSTATE (or the reason it must be rolled back) unless the transaction is active
     */
    public synchronized Savepoint savepoint() {
        requireActive("savepoint");
        Savepoint savepoint = new Savepoint(this, undo.size());
        savepoints.add(savepoint);
        return savepoint;
    }

    /**
     * Undoes every change made after {@code savepoint}; the transaction stays active and the
     * savepoint valid, later savepoints are gone. Locks taken since stay held (see the class
     * comment). A stream positioned on a record the undone work stored finds no current record.
     *
     * @throws RmsException IAL if {@code savepoint} is not a valid savepoint of this transaction;
     *                      TXSTATE (or the reason it must be rolled back) unless it is active
     */
    public synchronized void rollbackTo(Savepoint savepoint) {
        int at = validIndex(savepoint, "rollbackTo");
        requireActive("rollback to " + savepoint);
        for (int i = undo.size() - 1; i >= savepoint.mark; i--) {
            undo.remove(i).run();
        }
        savepoints.subList(at + 1, savepoints.size()).clear();
    }

    /**
     * Forgets {@code savepoint} and every later one; the work stays. Releasing a savepoint of an
     * ended transaction does nothing.
     *
     * @throws RmsException IAL if the transaction is working and {@code savepoint} is not one of its valid savepoints
     */
    public synchronized void release(Savepoint savepoint) {
        if (status == Status.COMMITTED || status == Status.ROLLED_BACK) {
            return;
        }
        int at = validIndex(savepoint, "release");
        savepoints.subList(at, savepoints.size()).clear();
        if (savepoints.isEmpty()) {
            undo.clear(); // otherwise the changes after the released mark belong to the savepoint before it
        }
    }

    private int validIndex(Savepoint savepoint, String operation) {
        int at = savepoint == null || savepoint.transaction != this ? -1 : savepoints.indexOf(savepoint);
        if (at < 0) {
            throw new RmsException(RmsStatus.IAL, operation + ": " + savepoint + " is not a savepoint of transaction " + id
                    + " that is still valid (released, rolled past, or of another transaction)");
        }
        return at;
    }

    /** Called under the monitor with how to undo a change to the write set just made; kept only while a savepoint may need it. */
    void undoable(Runnable undoChange) {
        if (!savepoints.isEmpty()) {
            undo.add(undoChange);
        }
    }

    /** Marks this transaction so that it can only be rolled back. */
    public synchronized void setRollbackOnly() {
        if (status == Status.ACTIVE) {
            status = Status.ROLLBACK_ONLY;
        }
    }

    /**
     * The first phase of a two-phase commit. Locks and validates the write set (optimistic mode),
     * checks that it can be applied, writes it with {@code xid} to the journal and syncs it. Locks
     * stay held until {@link #commit()} or {@link #rollback()}.
     *
     * @param xid the transaction manager's id for this branch, kept for recovery (at most 65,535 bytes)
     * @return true if prepared; false if the transaction changed nothing: it has then ended
     *         (committed) and released its locks
     * @throws RmsException CONFLICT, DEADLOCK, DUP, … : the transaction is rolled back; TXSTATE unless active
     */
    public synchronized boolean prepare(byte[] xid) {
        if (xid == null) {
            throw new RmsException(RmsStatus.IAL, "xid is null");
        }
        requireActive("prepare");
        if (!claimEnd()) {
            throw timedOutException("prepare");
        }
        if (!hasWrites()) {
            end(Status.COMMITTED);
            store.counters().committed.increment();
            store.counters().readOnly.increment();
            return false;
        }
        try {
            lockAndValidate();
            store.checkApplicable(this);
            this.xid = xid.clone();
            store.journal().prepare(record(true));
        } catch (RuntimeException e) {
            failAndRollBack(e);
            throw e;
        }
        status = Status.PREPARED;
        cancelTimeout();
        ending.set(false);
        store.counters().prepared.increment();
        return true;
    }

    /**
     * Commits: in one phase if the transaction is active (locking and validating first), or the
     * second phase of a prepared one. Returns once the journal holds the commit (as durable as the
     * store's journal durability) and every file shows it; then releases every lock.
     *
     * @throws RmsException CONFLICT, DEADLOCK, DUP, TXTIMEOUT, … : the transaction has been rolled
     *                      back; TXSTATE if it had already ended
     */
    public synchronized void commit() {
        if (status == Status.ROLLBACK_ONLY) {
            RmsStatus reason = rollbackReason == null ? RmsStatus.TXSTATE : rollbackReason;
            rollback();
            throw new RmsException(reason, "transaction " + id + " was marked rollback-only and has been rolled back");
        }
        if (status != Status.PREPARED) {
            requireActive("commit");
            if (!claimEnd()) {
                throw timedOutException("commit");
            }
            try {
                lockAndValidate();
            } catch (RuntimeException e) {
                failAndRollBack(e);
                throw e;
            }
        }
        boolean wasPrepared = status == Status.PREPARED;
        try {
            if (hasWrites()) {
                store.apply(this, record(false));
            } else if (wasPrepared) {
                store.journal().forget(id);
            }
        } catch (RuntimeException e) {
            if (!wasPrepared) {
                failAndRollBack(e);
            }
            throw e;
        }
        end(Status.COMMITTED);
        store.counters().committed.increment();
    }

    /**
     * Rolls back: drops every change, forgets a prepared transaction's journal record, releases every
     * lock. Rolling back an ended transaction that was rolled back does nothing.
     *
     * @throws RmsException TXSTATE if the transaction committed
     */
    public synchronized void rollback() {
        if (status == Status.ROLLED_BACK) {
            return;
        }
        if (status == Status.COMMITTED) {
            throw new RmsException(RmsStatus.TXSTATE, "transaction " + id + " has committed; it cannot be rolled back");
        }
        if (status != Status.PREPARED && !claimEnd()) {
            return; // the timeout is rolling it back
        }
        if (status == Status.PREPARED) {
            store.journal().forget(id);
        }
        end(Status.ROLLED_BACK);
        store.counters().rolledBack.increment();
    }

    @Override
    public String toString() {
        return "Transaction[" + id + ", " + mode + ", " + status + "]";
    }

    // ---- for the store and the streams ----

    RecordStore store() {
        return store;
    }

    long nextSequence() {
        return ++sequence;
    }

    synchronized FileWork work(String fileName) {
        return files.computeIfAbsent(fileName, name -> new FileWork(name, store.file(name), this));
    }

    /** The touched files in canonical (name) order. */
    List<FileWork> files() {
        return new ArrayList<>(files.values());
    }

    /**
     * The journal record of this transaction: its write set and, for a prepare, its name locks (a
     * name once per level), which come back with it if it is recovered in doubt.
     */
    JournalRecord record(boolean withNameLocks) {
        Map<String, List<WriteOp>> writes = new LinkedHashMap<>();
        for (FileWork work : files.values()) {
            if (work.hasWrites()) {
                writes.put(work.name, work.writeOps());
            }
        }
        List<String> nameLocks = new ArrayList<>();
        if (withNameLocks) {
            process.levels().forEach((name, level) -> nameLocks.addAll(java.util.Collections.nCopies(level, name.toString())));
        }
        return new JournalRecord(id, xid, writes, nameLocks);
    }

    void requireActive(String operation) {
        Status now = status;
        if (now == Status.ACTIVE) {
            return;
        }
        if (timedOut) {
            throw new RmsException(RmsStatus.TXTIMEOUT, "transaction " + id + " ran past its timeout and was rolled back; "
                    + operation + " refused");
        }
        if (now == Status.ROLLBACK_ONLY) {
            throw new RmsException(rollbackReason == null ? RmsStatus.TXSTATE : rollbackReason, "transaction " + id
                    + " can only be rolled back; " + operation + " refused");
        }
        throw new RmsException(RmsStatus.TXSTATE, "transaction " + id + " is " + now + "; " + operation + " refused");
    }

    /** Translates a name-lock failure met while working for this transaction. */
    RmsException lockFailure(LockException e, String what) {
        return lockFailure(dev.locksmith.rms.lock.FileLocks.translate(e, what));
    }

    /**
     * What a lock failure means for this transaction: a deadlock victim becomes rollback-only, and a
     * wait ended by the transaction's timeout is reported as {@link RmsStatus#TXTIMEOUT}.
     */
    RmsException lockFailure(RmsException e) {
        if (e.status() == RmsStatus.DEADLOCK) {
            markRollbackOnly(RmsStatus.DEADLOCK);
            store.counters().deadlocks.increment();
            return new RmsException(RmsStatus.DEADLOCK, "transaction " + id + " was chosen as a deadlock victim; roll it back ("
                    + e.getMessage() + ")", e);
        }
        if (timedOut && (e.status() == RmsStatus.CANCELLED || e.status() == RmsStatus.CLOSED)) {
            return new RmsException(RmsStatus.TXTIMEOUT, "transaction " + id + " ran past its timeout while waiting for a lock", e);
        }
        return e;
    }

    synchronized void markRollbackOnly(RmsStatus reason) {
        if (status == Status.ACTIVE) {
            status = Status.ROLLBACK_ONLY;
            rollbackReason = reason;
        }
    }

    /** Arms the timeout that rolls this transaction back. */
    synchronized void timeoutAfter(ScheduledFuture<?> task) {
        this.timeout = task;
    }

    /** Called by the store's timer: rolls back an unprepared transaction past its timeout. */
    void expire() {
        if (!ending.compareAndSet(false, true)) {
            return; // a commit, prepare or rollback is under way and will end the transaction itself
        }
        if (status != Status.ACTIVE && status != Status.ROLLBACK_ONLY) {
            ending.set(false);
            return;
        }
        timedOut = true;
        status = Status.ROLLED_BACK;
        store.counters().rolledBack.increment();
        store.counters().timedOut.increment();
        // Ends a lock wait in progress, which holds the monitor, so that the clean-up can proceed.
        process.owner().close();
        synchronized (this) {
            end(Status.ROLLED_BACK);
        }
    }

    /**
     * Claims the right to end the transaction, which the timeout contends for; false if the timeout
     * claimed it first (the transaction is then rolled back, or about to be).
     */
    private boolean claimEnd() {
        return ending.compareAndSet(false, true);
    }

    private RmsException timedOutException(String operation) {
        return new RmsException(RmsStatus.TXTIMEOUT, "transaction " + id + " ran past its timeout and was rolled back; "
                + operation + " refused");
    }

    boolean timedOut() {
        return timedOut;
    }

    /** Recovery: a prepared transaction read back from the journal, its locks taken again. */
    void restorePrepared(JournalRecord record) {
        this.xid = record.xid();
        for (Map.Entry<String, List<WriteOp>> file : record.writes().entrySet()) {
            FileWork work = work(file.getKey());
            for (WriteOp op : file.getValue()) {
                work.add(op.kind(), op.target(), op.recordNumber(), null, op.record());
            }
        }
        lockWriteSet(false);
        for (String name : record.nameLocks()) {
            retakeNameLock(name);
        }
        status = Status.PREPARED;
    }

    /** Recovery: takes one level of a name lock the transaction held when it prepared; nobody else may have it. */
    private void retakeNameLock(String name) {
        try {
            if (!process.lockIncrement(Duration.ZERO, name)) {
                throw new RmsException(RmsStatus.RLK, "name lock " + name + " of in-doubt transaction " + id
                        + " is held by another owner; it cannot be taken again");
            }
        } catch (LockException e) {
            throw lockFailure(e, "name lock " + name + " of in-doubt transaction " + id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.TXSTATE, "interrupted while taking the name locks of in-doubt transaction " + id, e);
        }
    }

    private void lockAndValidate() {
        if (mode == TransactionMode.OPTIMISTIC) {
            lockWriteSet(true);
            store.validateReads(this);
        }
    }

    /**
     * Locks EX every record and key value the write set changes, in canonical order (file name, then
     * lock name), so two committing transactions never wait for each other in a cycle.
     */
    private void lockWriteSet(boolean wait) {
        for (FileWork work : files.values()) {
            TreeMap<String, FileWork.WriteLock> ordered = new TreeMap<>();
            for (PendingOp op : work.ops) {
                if (!op.removed) {
                    work.writeLocks(op).forEach(lock -> ordered.put(lock.name(), lock));
                }
            }
            for (FileWork.WriteLock lock : ordered.values()) {
                work.lock(lock, wait ? store.options().lockWait() : Duration.ZERO);
            }
        }
    }

    private void failAndRollBack(RuntimeException e) {
        if (e instanceof RmsException rms && rms.status() == RmsStatus.CONFLICT) {
            store.counters().conflicts.increment();
        }
        if (status != Status.COMMITTED && status != Status.ROLLED_BACK) {
            end(Status.ROLLED_BACK);
            store.counters().rolledBack.increment();
        }
    }

    private void end(Status outcome) {
        cancelTimeout();
        status = outcome;
        savepoints.clear();
        undo.clear();
        for (FileWork work : files.values()) {
            work.releaseLocks();
        }
        files.clear();
        process.close();
        store.ended(this);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    static ByteBuffer keyOf(byte[] encoded) {
        return ByteBuffer.wrap(Arrays.copyOf(encoded, encoded.length));
    }
}
