package dev.locksmith.rms;

/**
 * How a store {@link Transaction} keeps other transactions from interfering with its work.
 */
public enum TransactionMode {
    /**
     * Strict two-phase locking: a record is locked when the transaction reads it (PR, or EX when
     * read for update) or changes it (EX), and every lock is held until the transaction ends. A
     * transaction the lock manager picks as a deadlock victim fails with {@link RmsStatus#DEADLOCK}
     * and must be rolled back.
     */
    PESSIMISTIC,
    /**
     * Optimistic concurrency, as GT.M's transaction processing: no record locks while the
     * transaction works. At prepare (or one-phase commit) the records it changes are locked EX in
     * one canonical order, the records it read are checked unchanged, and a changed one fails the
     * commit with {@link RmsStatus#CONFLICT}; the caller restarts the transaction.
     */
    OPTIMISTIC
}
