package dev.locksmith.ra;

import java.io.Serializable;

/**
 * A consistent-enough snapshot of the counters one Locksmith resource manager (one store
 * location) keeps about its connections and transactions.
 *
 * <p>Every counter only grows while the resource manager lives. {@code xaStarted} counts
 * {@code XAResource.start} calls that created a new transaction branch (not joins or resumes);
 * {@code xaCommitted} counts branches committed, whether in one phase or after prepare;
 * {@code xaCommittedOnePhase} counts the one-phase subset. Snapshots taken before and after a
 * piece of work can be subtracted with {@link #minus(AdapterStatistics)}.
 *
 * @param managedConnectionsCreated physical connections created
 * @param managedConnectionsDestroyed physical connections destroyed
 * @param handlesOpened connection handles handed to applications
 * @param handlesClosed connection handles closed by applications
 * @param xaStarted XA branches started
 * @param xaPrepared XA branches prepared with a vote to commit ({@code XA_OK})
 * @param xaReadOnly XA branches that answered {@code XA_RDONLY} at prepare: they wrote nothing,
 *     so they released their locks and were finished there
 * @param xaCommitted XA branches committed (one and two phase)
 * @param xaCommittedOnePhase XA branches committed with the one-phase optimisation
 * @param xaRolledBack XA branches rolled back
 * @param localBegun local transactions begun
 * @param localCommitted local transactions committed
 * @param localRolledBack local transactions rolled back
 * @param pings successful {@link LocksmithConnection#ping()} calls
 * @param recoveryScans recovery scans served ({@code XAResource.recover} calls that began a scan),
 *     which shows the transaction manager's periodic recovery reaches this resource manager
 */
public record AdapterStatistics(
        long managedConnectionsCreated,
        long managedConnectionsDestroyed,
        long handlesOpened,
        long handlesClosed,
        long xaStarted,
        long xaPrepared,
        long xaReadOnly,
        long xaCommitted,
        long xaCommittedOnePhase,
        long xaRolledBack,
        long localBegun,
        long localCommitted,
        long localRolledBack,
        long pings,
        long recoveryScans) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Returns the counter-by-counter difference {@code this - earlier}.
     *
     * @param earlier a snapshot taken before this one; must not be null
     * @return the activity between the two snapshots
     * @throws NullPointerException if {@code earlier} is null
     */
    public AdapterStatistics minus(AdapterStatistics earlier) {
        if (earlier == null) {
            throw new NullPointerException("earlier must not be null");
        }
        return new AdapterStatistics(
                managedConnectionsCreated - earlier.managedConnectionsCreated,
                managedConnectionsDestroyed - earlier.managedConnectionsDestroyed,
                handlesOpened - earlier.handlesOpened,
                handlesClosed - earlier.handlesClosed,
                xaStarted - earlier.xaStarted,
                xaPrepared - earlier.xaPrepared,
                xaReadOnly - earlier.xaReadOnly,
                xaCommitted - earlier.xaCommitted,
                xaCommittedOnePhase - earlier.xaCommittedOnePhase,
                xaRolledBack - earlier.xaRolledBack,
                localBegun - earlier.localBegun,
                localCommitted - earlier.localCommitted,
                localRolledBack - earlier.localRolledBack,
                pings - earlier.pings,
                recoveryScans - earlier.recoveryScans);
    }
}
