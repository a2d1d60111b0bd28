package dev.locksmith.ra;

import dev.locksmith.rms.FileDefinition;
import jakarta.resource.ResourceException;
import jakarta.resource.cci.LocalTransaction;
import java.time.Duration;
import java.util.Optional;

/**
 * An application's handle on a Locksmith connection, obtained from a
 * {@link LocksmithConnectionFactory}. Handles are not thread-safe: use one from one thread at a
 * time, and close it when done ({@code try}-with-resources works). Closing a handle returns the
 * physical connection to its pool; it does not end the transaction the work belongs to.
 *
 * <p><b>Records.</b> {@link #open(String)} gives a {@link RecordFile} on a file of the store; its
 * operations work in the connection's transaction, or commit one by one outside a transaction.
 *
 * <p><b>Name locks.</b> {@link #lock(Duration, String...)} takes GT.M-style name locks
 * ({@code ^ORDER(42)} interlocks with {@code ^ORDER} and {@code ^ORDER(42,1)}, not with
 * {@code ^ORDER(43)}) all or none, and answers like {@code $TEST}: false when the timeout passed.
 * Whose they are depends on where the connection is when it asks:
 * <ul>
 *   <li>inside a transaction (an XA branch it is enlisted in, or a local transaction) they belong
 *       to that transaction, whatever connection took them, and are held until it commits, rolls
 *       back, or is prepared read-only ("lock before TSTART, release after TCOMMIT");
 *   <li>outside one they belong to this handle and are held until {@link #unlock} or
 *       {@link #close()}.
 * </ul>
 * The two kinds are held by different lock owners, so a transaction waits for a name its own
 * connection holds outside it.
 */
public interface LocksmithConnection extends AutoCloseable {

    /**
     * Checks that the connection can reach its store and counts the call in the adapter's
     * statistics. Inside a transaction the call is work done on behalf of that transaction.
     *
     * @throws ResourceException if the connection is no longer usable (for example the adapter
     *     was stopped or the physical connection destroyed)
     * @throws IllegalStateException if this handle has been closed
     */
    void ping() throws ResourceException;

    /**
     * Opens a file of the connection's store for record operations.
     *
     * @param fileName the file's name in the store, such as {@code stock.rms}
     * @return the file; its calls work in whatever transaction the connection is in when they are made
     * @throws RecordException FNF if the store has no such file, IAL for a null or blank name
     * @throws ResourceException if the connection can no longer be used
     * @throws IllegalStateException if this handle has been closed
     */
    RecordFile open(String fileName) throws ResourceException;

    /**
     * Creates a file in the connection's store (outside every transaction: the file exists at once
     * for everyone).
     *
     * @param fileName the new file's name in the store
     * @param definition its organization, record format and keys
     * @throws RecordException FEX if it exists, FDL for a bad definition, IAL for a null argument
     * @throws ResourceException if the connection can no longer be used
     * @throws IllegalStateException if this handle has been closed
     */
    void createFile(String fileName, FileDefinition definition) throws ResourceException;

    /**
     * Sets the record definition of a file (outside every transaction: it holds at once for
     * everyone): the fields of its records, which make the file a table of the SQL face (the RAR's
     * {@code javax.sql.DataSource}). The text form is {@link dev.locksmith.rms.fields.RecordDefinition}'s,
     * as {@code rms define} takes it: {@code NAME TYPE OFFSET LENGTH [SCALE]} per field, separated by
     * {@code ;}, e.g. {@code "ITEM TEXT 0 16; QUANTITY INTEGER 16 8"}. It replaces an earlier one.
     *
     * @param fileName the file's name in the store
     * @param definition the fields, in the text form
     * @throws RecordException FNF if there is no such file, FDL naming the field that is wrong or does
     *     not fit the file's record size and keys, IAL for a null argument
     * @throws ResourceException if the connection can no longer be used
     * @throws IllegalStateException if this handle has been closed
     */
    void defineRecords(String fileName, String definition) throws ResourceException;

    /**
     * {@code LOCK +names:timeout}: takes every name, or none, adding one level to each, for the
     * current transaction or, outside one, for this handle (see the class comment).
     *
     * @param timeout how long to wait; {@link Duration#ZERO} tries once; not null or negative
     * @param names M lock names such as {@code ^ORDER(42)}; none is a no-op that answers true
     * @return true if every name is now held ({@code $TEST=1}), false if the timeout passed first
     * @throws LockFailedException {@code IVRESNAM} for a bad name, {@code BADPARAM} for a bad
     *     timeout (both change nothing), {@code DEADLOCK} if the request was chosen as a deadlock
     *     victim (a transaction it was made for is rolled back), {@code CANCELLED} if the
     *     transaction ended while the request waited
     * @throws TransactionRolledBackException if the current transaction was already rolled back
     *     by Locksmith (timeout or deadlock)
     * @throws ResourceException if the connection can no longer be used
     * @throws IllegalStateException if this handle has been closed
     */
    boolean lock(Duration timeout, String... names) throws ResourceException;

    /**
     * As {@link #lock(Duration, String...)} with the connection factory's {@code LockWaitMillis}
     * as the timeout.
     *
     * @param names M lock names
     * @return true if every name is now held, false if the lock wait passed first
     * @throws ResourceException as {@link #lock(Duration, String...)}
     * @throws IllegalStateException if this handle has been closed
     */
    boolean lock(String... names) throws ResourceException;

    /**
     * {@code LOCK -names} on this handle's own locks (those taken outside a transaction): removes
     * one level from each; a name at level 0 is released. Names not held are ignored. Locks of a
     * transaction are never released early: they go when it ends.
     *
     * @param names M lock names
     * @throws LockFailedException {@code IVRESNAM} for a bad name (nothing is released)
     * @throws IllegalStateException if this handle has been closed
     */
    void unlock(String... names) throws ResourceException;

    /**
     * Returns the application-level local transaction of this connection (Connectors CCI style),
     * for work outside JTA. Its {@code begin}, {@code commit} and {@code rollback} tell the
     * application server (LOCAL_TRANSACTION_* connection events); name locks taken between begin
     * and the end belong to it. Refused inside an XA branch.
     *
     * @return the local transaction demarcation of this connection, never null
     * @throws IllegalStateException if this handle has been closed
     */
    LocalTransaction localTransaction();

    /**
     * Returns the transaction mode this connection's work uses.
     *
     * @return the mode, never null
     * @throws IllegalStateException if this handle has been closed
     */
    TransactionMode transactionMode();

    /**
     * Returns the XA transaction branch the connection is associated with right now, as
     * {@code formatId:globalTransactionIdHex:branchQualifierHex}, or empty outside XA.
     *
     * @return the current branch, if any
     * @throws IllegalStateException if this handle has been closed
     */
    Optional<String> currentXid();

    /**
     * Tells whether the connection is inside a resource-local transaction right now.
     *
     * @return true between a local transaction's begin and its commit or rollback
     * @throws IllegalStateException if this handle has been closed
     */
    boolean inLocalTransaction();

    /**
     * Tells whether {@link #close()} has been called on this handle (or the server invalidated it).
     *
     * @return true once the handle can no longer be used
     */
    boolean isClosed();

    /**
     * Closes the handle and gives the physical connection back to the server. Closing an already
     * closed handle does nothing.
     */
    @Override
    void close();
}
