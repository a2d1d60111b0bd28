package dev.locksmith.jdbc;

import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.Transaction;
import java.util.Optional;

/**
 * Where a connection's store comes from and whose transaction it is in: a store the driver opened
 * ({@link OpenStores}), or a managed connection of the resource adapter, whose XA branch is then
 * the connection's transaction. Methods throw {@link RmsException} (unchecked: Calcite calls the
 * tables). Used by one connection's thread.
 */
interface StoreAccess {

    RecordStore store();

    /** The transaction someone else demarcates (an XA branch), or empty: the connection then runs its own. */
    Optional<Transaction> global();

    /** A store failure in {@link #global()} (a deadlock ends the branch); nothing for the connection's own transactions. */
    void failed(RmsException e);

    /** The connection is closed: give back what it used. */
    void release();
}
