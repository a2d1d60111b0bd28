package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.ReadCounters;
import dev.locksmith.jdbc.sql.StoreSession;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.StreamOptions;
import dev.locksmith.rms.Transaction;
import dev.locksmith.rms.TransactionMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The transaction state of one JDBC connection: auto-commit, isolation (the store mode), the store
 * transaction of the connection, and the statement running now. Not thread-safe: a connection is
 * used by one thread at a time, as JDBC asks.
 */
final class Session implements StoreSession {
    private static final RecordOptions UNLOCKED = RecordOptions.of(RecordOption.NQL);

    /** The connection's stream for reads without a transaction on one file, and the file's locks. */
    private record FileReads(FileLocks locks, RecordStream stream) {
    }
    private final StoreAccess access;
    private final ReadCounters counters = new ReadCounters();
    private final Duration defaultLockWait;
    private TransactionMode mode = TransactionMode.PESSIMISTIC;
    private boolean autoCommit = true;
    /** The connection's own transaction, begun by the first statement that needs one. */
    private Transaction local;
    /** A transaction begun for a read that Calcite ran after its statement returned, in auto-commit. */
    private Transaction detached;
    private boolean inStatement;
    private boolean forUpdate;
    private Duration lockWait;
    /** The transaction the running statement works in, and its savepoint there: a failed statement returns to it. */
    private Transaction statementTx;
    private Transaction.Savepoint statementStart;
    /** Whether the statement Calcite plans now assigns values to columns (see {@link StoreSession#assigning()}). */
    private boolean assigning;
    /** Numbers the JDBC savepoints of this connection. */
    private int savepoints;
    /**
     * The owner of the record locks of reads that need no transaction (see {@link #readExact}), made
     * on first use and kept with the connection, as are its streams (one per file): a transaction of
     * their own would cost a lock owner, a file lock and a tree lock each.
     */
    private LockOwner reader;
    private final Map<String, FileReads> readStreams = new HashMap<>();
    /** The record options of those reads for {@link #readOptionsWait}. */
    private RecordOptions readOptions;
    private Duration readOptionsWait;

    Session(StoreAccess access, Duration lockWait) {
        this.access = access;
        this.defaultLockWait = lockWait;
        this.lockWait = lockWait;
    }

    StoreAccess access() {
        return access;
    }

    @Override
    public RecordStore store() {
        return access.store();
    }

    @Override
    public Transaction transaction() {
        Optional<Transaction> global = access.global();
        if (global.isPresent()) {
            return markStatementStart(global.get());
        }
        if (inStatement || !autoCommit) {
            if (local == null || ended(local)) {
                local = store().begin(mode, Duration.ZERO);
            }
            return autoCommit ? local : markStatementStart(local);
        }
        detached = store().begin(mode, Duration.ZERO);
        return detached;
    }

    /**
     * A statement in a transaction that outlives it (not auto-commit, or XA) works from a savepoint,
     * taken when it first touches the store, so that its failure undoes its own changes only; in
     * auto-commit a failure rolls its whole transaction back anyway.
     */
    private Transaction markStatementStart(Transaction tx) {
        if (inStatement && statementTx != tx) {
            statementStart = tx.savepoint();
            statementTx = tx;
        }
        return tx;
    }

    @Override
    public void afterRead(Transaction tx) {
        if (tx == detached) {
            detached = null;
            if (tx.status() == Transaction.Status.ACTIVE) {
                tx.commit();
            } else if (!ended(tx)) {
                tx.rollback();
            }
        }
    }

    @Override
    public byte[] readExact(String fileName, int key, byte[] value) {
        if (access.global().isEmpty() && autoCommit && !forUpdate && (local == null || ended(local))) {
            return readAlone(fileName, key, value);
        }
        Transaction tx = transaction();
        try {
            return tx.open(fileName).forUpdate(forUpdate).lockWait(lockWait).get(key, value, KeyMatch.EQ);
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RNF) {
                return null;
            }
            failed(e);
            throw e;
        } finally {
            afterRead(tx);
        }
    }

    /**
     * An auto-commit read, which a transaction would hold no lock for beyond the read: pessimistic, the
     * record is locked PR (waiting as a transaction's read waits) and released once read, and a
     * primary key found missing is locked PR and looked up again, so the read waits for a transaction
     * storing it as a transaction's read does; optimistic, it is read without a lock, as committed.
     */
    private byte[] readAlone(String fileName, int key, byte[] value) {
        FileReads reads = readStreams.get(fileName);
        if (reads == null) {
            if (reader == null) {
                reader = store().lockManager().newOwner("jdbc reads of " + store().directory());
            }
            RmsFile file = store().file(fileName);
            reads = new FileReads(file.locks(), file.stream(StreamOptions.forOwner(reader)));
            readStreams.put(fileName, reads);
        }
        RecordStream stream = reads.stream();
        RecordOptions options = readOptions();
        try {
            return stream.get(key, value, KeyMatch.EQ, options);
        } catch (RmsException e) {
            if (e.status() != RmsStatus.RNF) {
                throw e;
            }
            if (mode == TransactionMode.OPTIMISTIC || key != 0) {
                return null;
            }
        } finally {
            if (mode == TransactionMode.PESSIMISTIC) {
                reads.locks().releaseRecords(reader);
            }
        }
        try {
            reads.locks().lockKey(reader, 0, value, LockMode.PR, options);
            return stream.get(key, value, KeyMatch.EQ, options);
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RNF) {
                return null;
            }
            throw e;
        } finally {
            reads.locks().releaseAll(reader); // the key lock too, which $FREE leaves
        }
    }

    /** PR locks waiting {@link #lockWait} (RMS's WAT + TMO in whole seconds), or none when optimistic. */
    private RecordOptions readOptions() {
        if (mode == TransactionMode.OPTIMISTIC) {
            return UNLOCKED;
        }
        if (readOptions == null || !lockWait.equals(readOptionsWait)) {
            readOptions = lockWait.isZero() ? RecordOptions.of(RecordOption.REA)
                    : RecordOptions.waitSeconds(RecordOptions.timeoutSecondsFor(lockWait), RecordOption.REA);
            readOptionsWait = lockWait;
        }
        return readOptions;
    }

    @Override
    public boolean forUpdate() {
        return forUpdate;
    }

    @Override
    public Duration lockWait() {
        return lockWait;
    }

    @Override
    public void failed(RmsException e) {
        if (access.global().isPresent()) {
            access.failed(e);
            return;
        }
        // The store rolled the transaction back or can only roll it back: do it now, so its locks go.
        if (local != null && (e.status() == RmsStatus.DEADLOCK || e.status() == RmsStatus.CONFLICT
                || e.status() == RmsStatus.TXTIMEOUT)) {
            rollbackQuietly(local);
            local = null;
        }
    }

    @Override
    public boolean assigning() {
        return assigning;
    }

    /** Whether the statement about to be planned is an INSERT, UPDATE or MERGE. */
    void planAssignment(boolean value) {
        assigning = value;
    }

    @Override
    public ReadCounters counters() {
        return counters;
    }

    /** A statement starts: its reads lock EX if it reads {@code forUpdate}; {@code wait} overrides the lock wait. */
    void beginStatement(boolean forUpdate, Duration wait) {
        this.inStatement = true;
        this.forUpdate = forUpdate;
        this.lockWait = wait == null ? defaultLockWait : wait;
    }

    /**
     * The statement ended: in auto-commit its transaction commits if it succeeded, else rolls back;
     * otherwise a failed statement's changes are undone (its locks stay held) and the transaction
     * goes on, unless the failure ended it or left it rollback-only (deadlock, conflict, timeout).
     */
    void endStatement(boolean succeeded) {
        inStatement = false;
        forUpdate = false;
        lockWait = defaultLockWait;
        if (statementTx != null) {
            Transaction tx = statementTx;
            Transaction.Savepoint start = statementStart;
            statementTx = null;
            statementStart = null;
            if (!succeeded && tx.status() == Transaction.Status.ACTIVE) {
                tx.rollbackTo(start);
            }
            tx.release(start);
        }
        if (!autoCommit || access.global().isPresent() || local == null) {
            return;
        }
        Transaction tx = local;
        local = null;
        if (succeeded && tx.status() == Transaction.Status.ACTIVE) {
            tx.commit();
        } else {
            rollbackQuietly(tx);
        }
    }

    void commit() throws SQLException {
        Transaction tx = takeLocal("commit", "each statement committed already");
        if (tx != null && tx.status() == Transaction.Status.ROLLBACK_ONLY) {
            rollbackQuietly(tx);
            throw new java.sql.SQLTransactionRollbackException("commit: transaction " + tx.id()
                    + " was marked rollback-only by a failed statement and has been rolled back", "40000");
        }
        if (tx != null && !ended(tx)) {
            try {
                tx.commit();
            } catch (RmsException e) {
                throw SqlStates.fromStore(e);
            }
        }
    }

    void rollback() throws SQLException {
        Transaction tx = takeLocal("rollback", "there is no transaction to roll back");
        if (tx != null) {
            rollbackQuietly(tx);
        }
    }

    /** JDBC {@code setSavepoint}: a savepoint in the transaction in progress, which it begins if there is none. */
    java.sql.Savepoint setSavepoint(String name) throws SQLException {
        if (autoCommit()) {
            throw new SQLException("setSavepoint: the connection is in auto-commit mode; there is no transaction to mark", "25000");
        }
        Transaction tx = transaction();
        try {
            return new StoreSavepoint(++savepoints, name, tx, tx.savepoint());
        } catch (RmsException e) {
            throw SqlStates.fromStore(e);
        }
    }

    /** JDBC {@code rollback(Savepoint)}: undoes the changes made after it; their locks stay held. */
    void rollback(java.sql.Savepoint savepoint) throws SQLException {
        StoreSavepoint mark = ofThisTransaction(savepoint, "rollback");
        try {
            mark.transaction.rollbackTo(mark.mark);
        } catch (RmsException e) {
            throw e.status() == RmsStatus.IAL ? invalidSavepoint("rollback", savepoint) : SqlStates.fromStore(e);
        }
    }

    /** JDBC {@code releaseSavepoint}: forgets it (and later ones); the changes stay. */
    void release(java.sql.Savepoint savepoint) throws SQLException {
        StoreSavepoint mark = ofThisTransaction(savepoint, "releaseSavepoint");
        try {
            mark.transaction.release(mark.mark);
        } catch (RmsException e) {
            throw invalidSavepoint("releaseSavepoint", savepoint);
        }
    }

    private StoreSavepoint ofThisTransaction(java.sql.Savepoint savepoint, String operation) throws SQLException {
        Transaction current = access.global().orElse(local);
        if (savepoint instanceof StoreSavepoint mark && mark.transaction == current && current != null && !ended(current)) {
            return mark;
        }
        throw invalidSavepoint(operation, savepoint);
    }

    private static SQLException invalidSavepoint(String operation, java.sql.Savepoint savepoint) {
        return new SQLException(operation + ": " + savepoint + " is not a savepoint of this connection's transaction in progress"
                + " (it was released, rolled past, its transaction ended, or it is another connection's)", "3B001");
    }

    /** A JDBC savepoint: a store savepoint of one transaction, numbered and perhaps named. Immutable. */
    private static final class StoreSavepoint implements java.sql.Savepoint {
        final int id;
        final String name;
        final Transaction transaction;
        final Transaction.Savepoint mark;

        StoreSavepoint(int id, String name, Transaction transaction, Transaction.Savepoint mark) {
            this.id = id;
            this.name = name;
            this.transaction = transaction;
            this.mark = mark;
        }

        @Override
        public int getSavepointId() throws SQLException {
            if (name != null) {
                throw new SQLException("savepoint " + name + " is named; it has no id", "3B001");
            }
            return id;
        }

        @Override
        public String getSavepointName() throws SQLException {
            if (name == null) {
                throw new SQLException("savepoint " + id + " has no name", "3B001");
            }
            return name;
        }

        @Override
        public String toString() {
            return "savepoint " + (name == null ? String.valueOf(id) : name);
        }
    }

    /** The connection's own transaction, now ended by {@code operation}: refused in XA and in auto-commit. */
    private Transaction takeLocal(String operation, String autoCommitted) throws SQLException {
        if (access.global().isPresent()) {
            throw new SQLException(operation + ": the connection is in an XA transaction; its transaction manager ends it", "25000");
        }
        if (autoCommit) {
            throw new SQLException(operation + ": the connection is in auto-commit mode; " + autoCommitted, "25000");
        }
        Transaction tx = local;
        local = null;
        return tx;
    }

    boolean autoCommit() {
        return autoCommit && access.global().isEmpty();
    }

    /** JDBC: switching auto-commit on commits the transaction in progress. */
    void setAutoCommit(boolean value) throws SQLException {
        if (value && access.global().isPresent()) {
            throw new SQLException("setAutoCommit(true): the connection is in an XA transaction", "25000");
        }
        if (value && !autoCommit) {
            commit();
        }
        autoCommit = value;
    }

    /** The isolation level of {@link #mode()}: REPEATABLE_READ or SERIALIZABLE. */
    int isolation() {
        return mode() == TransactionMode.OPTIMISTIC ? Connection.TRANSACTION_SERIALIZABLE : Connection.TRANSACTION_REPEATABLE_READ;
    }

    /** Maps {@code level} onto a store mode (see the package comment); refused while a transaction is under way. */
    void setIsolation(int level) throws SQLException {
        TransactionMode wanted = switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED, Connection.TRANSACTION_READ_COMMITTED,
                 Connection.TRANSACTION_REPEATABLE_READ -> TransactionMode.PESSIMISTIC;
            case Connection.TRANSACTION_SERIALIZABLE -> TransactionMode.OPTIMISTIC;
            default -> throw new SQLException("setTransactionIsolation: " + level + " is not a JDBC isolation level", "HY024");
        };
        if (wanted != mode && ((local != null && !ended(local)) || access.global().isPresent())) {
            throw new SQLException("setTransactionIsolation: a transaction is under way; commit or roll it back first", "25001");
        }
        mode = wanted;
    }

    /** The mode of the transaction in progress, else of the next one. */
    TransactionMode mode() {
        Optional<Transaction> global = access.global();
        return global.map(Transaction::mode).orElse(mode);
    }

    /** The connection closes: an unfinished own transaction rolls back. */
    void close() {
        if (local != null) {
            rollbackQuietly(local);
            local = null;
        }
        if (reader != null) {
            for (FileReads reads : readStreams.values()) {
                reads.locks().releaseAll(reader);
            }
            reader.close();
        }
        access.release();
    }

    private static boolean ended(Transaction tx) {
        return tx.status() == Transaction.Status.COMMITTED || tx.status() == Transaction.Status.ROLLED_BACK;
    }

    private static void rollbackQuietly(Transaction tx) {
        if (!ended(tx)) {
            try {
                tx.rollback();
            } catch (RmsException e) {
                System.getLogger(Session.class.getName()).log(System.Logger.Level.WARNING, "rolling back " + tx, e);
            }
        }
    }
}
