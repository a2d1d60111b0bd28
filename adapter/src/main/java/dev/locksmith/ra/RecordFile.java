package dev.locksmith.ra;

import dev.locksmith.rms.KeyMatch;
import jakarta.resource.ResourceException;

/**
 * A file of the store as a connection sees it: RMS record services ({@code $GET}, {@code $FIND},
 * {@code $PUT}, {@code $UPDATE}, {@code $DELETE}) working in the connection's transaction.
 *
 * <p>Inside a transaction (an XA branch or a local transaction) every call works in it: reads see
 * the transaction's own changes, changes become visible to others when it commits, and in
 * {@link TransactionMode#PESSIMISTIC} mode records are locked as they are read and changed until it
 * ends. Outside a transaction each call is a transaction of its own that commits before the call
 * returns (auto-commit); {@link #next()}, {@link #update} and {@link #delete()} then continue from the
 * current record found again by its address, in primary-key order.
 *
 * <p>A record held by another transaction is waited for at most the connection factory's
 * {@code LockWaitMillis}, then the call fails with RLK (no wait) or TMO.
 *
 * <p>Not thread-safe: one thread at a time, like the connection handle it came from. Every failure
 * is a {@link RecordException} carrying the store's status (see there); other
 * {@link ResourceException}s say the connection or its transaction can no longer be used.
 */
public interface RecordFile {

    /**
     * Returns the file's name in the store.
     *
     * @return the name given to {@link LocksmithConnection#open}
     */
    String name();

    /**
     * {@code $GET} by primary key, exact match.
     *
     * @param key the key value
     * @return the record
     * @throws RecordException RNF if there is none, RLK/TMO if it is locked, IAL for a null key
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    byte[] get(byte[] key) throws ResourceException;

    /**
     * {@code $GET} by key {@code keyOfReference} with {@code match} (EQ, GE, GT).
     *
     * @param keyOfReference 0 for the primary key, 1.. for alternate keys
     * @param key the key value
     * @param match how the key value must compare
     * @return the record
     * @throws RecordException RNF, KRF for a bad key of reference, RLK/TMO, IAL
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    byte[] get(int keyOfReference, byte[] key, KeyMatch match) throws ResourceException;

    /**
     * {@code $GET} of cell {@code recordNumber} of a relative file.
     *
     * @param recordNumber the cell, from 1
     * @return the record
     * @throws RecordException RNF for an empty cell, ORG for another organization
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    byte[] get(long recordNumber) throws ResourceException;

    /**
     * {@code $FIND}: positions on the record {@link #get(int, byte[], KeyMatch)} would return
     * (locking it as that would), answering whether there is one.
     *
     * @param keyOfReference the key of reference
     * @param key the key value
     * @param match how the key value must compare
     * @return false for RNF
     * @throws RecordException for every other failure
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    boolean find(int keyOfReference, byte[] key, KeyMatch match) throws ResourceException;

    /**
     * Sequential {@code $GET}: the record after the current one in the key of reference's order.
     *
     * @return the record
     * @throws RecordException EOF after the last record
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    byte[] next() throws ResourceException;

    /**
     * {@code $REWIND}: positions before the first record in primary-key order.
     *
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    void rewind() throws ResourceException;

    /**
     * {@code $PUT} of a new record.
     *
     * @param record the record
     * @throws RecordException DUP for a unique key value that exists, RTB for a bad size
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    void put(byte[] record) throws ResourceException;

    /**
     * {@code $PUT} into cell {@code recordNumber} of a relative file.
     *
     * @param recordNumber the cell, from 1
     * @param record the record
     * @throws RecordException REX if the cell holds a record
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    void put(long recordNumber, byte[] record) throws ResourceException;

    /**
     * {@code $UPDATE} of the current record.
     *
     * @param record its new contents
     * @throws RecordException CUR without a current record, CHG for a key that may not change
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    void update(byte[] record) throws ResourceException;

    /**
     * {@code $DELETE} of the current record.
     *
     * @throws RecordException CUR without a current record
     * @throws ResourceException if the connection or transaction can no longer be used
     */
    void delete() throws ResourceException;
}
