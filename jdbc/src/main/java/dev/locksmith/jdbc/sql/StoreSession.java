package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.Transaction;
import java.time.Duration;

/**
 * What the tables of one SQL connection work in: its store, the store transaction of the statement
 * running now, and how that statement reads. One per connection; the connection's thread calls it.
 */
public interface StoreSession {

    /** The store whose files are the tables. */
    RecordStore store();

    /**
     * The transaction the running statement works in, begun if the connection has none; a read that
     * Calcite runs after its statement returned gets a transaction of its own (see
     * {@link #afterRead(Transaction)}). A statement in a transaction that outlives it works from a
     * savepoint there, so that if it fails its changes are undone and the transaction goes on.
     */
    Transaction transaction();

    /** Called after a table read with the transaction {@link #transaction()} gave; ends a read-only transaction of its own. */
    void afterRead(Transaction tx);

    /**
     * Reads the record of {@code fileName} whose key {@code key} (one without duplicates) is exactly
     * {@code value}, or null if there is none, locking as the running statement's reads lock: in the
     * statement's transaction, or — for a plain read in auto-commit outside an XA branch, where
     * the transaction would end as soon as the read does — with the record lock taken and released
     * at once, without a transaction. The session is told of failures ({@link #failed}).
     */
    byte[] readExact(String fileName, int key, byte[] value);

    /** Whether the running statement is a {@code SELECT … FOR UPDATE}: its reads lock EX. */
    boolean forUpdate();

    /** How long a record lock request of this connection waits before it fails with TMO/RLK. */
    Duration lockWait();

    /** Told of every store failure of a read or write, before it is thrown (a deadlock ends the transaction). */
    void failed(RmsException e);

    /**
     * Whether the statement being planned assigns values to columns (INSERT, UPDATE, MERGE). Its
     * text columns are then planned without their lengths: Calcite's assignment casts a string to
     * VARCHAR(n) by cutting it short without a word, where SQL asks for an error (22001); unbounded,
     * the whole value reaches {@link RecordTable#modify}, which checks it against the field.
     */
    boolean assigning();

    /** The connection's read counters, which show whether keyed access read by key. */
    ReadCounters counters();
}
