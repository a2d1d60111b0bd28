package dev.locksmith.ra;

import jakarta.resource.ResourceException;
import java.util.Optional;

/**
 * An application's handle on a Locksmith connection, obtained from a
 * {@link LocksmithConnectionFactory}. Handles are not thread-safe: use one from one thread at a
 * time, and close it when done ({@code try}-with-resources works). Closing a handle returns the
 * physical connection to its pool; it does not end the transaction the work belongs to.
 *
 * <p>The record and lock operations arrive in later versions; today a connection can check that
 * its store is reachable ({@link #ping()}), and say which transaction its work belongs to.
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
