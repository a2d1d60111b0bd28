package dev.locksmith.ra.spi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XA face of one {@link LocksmithManagedConnection}: what the application server's
 * transaction manager enlists when the connection is used inside a JTA transaction.
 *
 * <p>Branch state is kept by the connection's {@link ResourceManager}, so every XA call is
 * checked against the XA state tables: unknown Xids give {@code XAER_NOTA}, a second start of a
 * known Xid {@code XAER_DUPID}, calls out of order {@code XAER_PROTO}, bad flags or a null Xid
 * {@code XAER_INVAL}, and committing a branch marked rollback-only {@code XA_RBROLLBACK}. A
 * failure of {@code start} or {@code end} outside the {@code XA_RB*} range tells the server the
 * physical connection is broken (a connection-error event), so its pool drops it. Not
 * thread-safe beyond what the transaction manager guarantees: one association at a time.
 */
public final class LocksmithXAResource implements XAResource {

    private static final Logger LOG = System.getLogger(LocksmithXAResource.class.getName());

    private final LocksmithManagedConnection connection;
    private final ResourceManager rm;
    private volatile XidKey current;
    private volatile int timeoutSeconds;
    private boolean scanOpen;

    LocksmithXAResource(LocksmithManagedConnection connection, ResourceManager rm) {
        this.connection = connection;
        this.rm = rm;
    }

    /**
     * The branch this connection was started on (or resumed) and has not ended, or null: the
     * transaction its work belongs to. The branch may since have been rolled back by another
     * thread; {@link ResourceManager#workFor} says so.
     */
    XidKey associatedXid() {
        return current;
    }

    /** Forgets the association when the server takes the connection back (cleanup). */
    void dissociate() {
        current = null;
    }

    /** The branch this connection is actively associated with right now (not suspended), or null. */
    XidKey currentBranch() {
        XidKey x = current;
        if (x != null && !rm.isActive(x, this)) {
            return null;
        }
        return x;
    }

    ResourceManager resourceManager() {
        return rm;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        try {
            XidKey key = XidKey.of(xid);
            XidKey now = currentBranch();
            if (now != null) {
                throw XidKey.xaError(XAException.XAER_PROTO,
                        "start: connection is already associated with branch " + now + "; end it first");
            }
            if (connection.inLocalTransaction()) {
                throw XidKey.xaError(XAException.XAER_OUTSIDE,
                        "start: connection is inside a local transaction; commit or roll it back first");
            }
            rm.start(key, flags, this, connection.transactionMode(), timeoutSeconds);
            current = key;
            LOG.log(Level.DEBUG, "start {0} {1}", key, XaCodes.flags(flags));
        } catch (XAException e) {
            connection.xaFailed("start", e);
            throw e;
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        XidKey key = null;
        try {
            key = XidKey.of(xid);
            rm.end(key, flags, this);
            LOG.log(Level.DEBUG, "end {0} {1}", key, XaCodes.flags(flags));
        } catch (XAException e) {
            connection.xaFailed("end", e);
            throw e;
        } finally {
            if (key != null && key.equals(current) && !rm.isActive(key, this)) {
                current = null;
            }
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        XidKey key = XidKey.of(xid);
        int vote = rm.prepare(key);
        LOG.log(Level.DEBUG, "prepare {0}", key);
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        XidKey key = XidKey.of(xid);
        rm.commit(key, onePhase);
        LOG.log(Level.DEBUG, "commit {0} onePhase={1}", key, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        XidKey key = XidKey.of(xid);
        rm.rollback(key);
        LOG.log(Level.DEBUG, "rollback {0}", key);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        rm.forget(XidKey.of(xid));
    }

    /**
     * Returns the prepared branches of this resource manager. {@code TMSTARTRSCAN} opens a scan and
     * returns every prepared Xid at once; further calls in the same scan return none, and
     * {@code TMENDRSCAN} closes it. A call without {@code TMSTARTRSCAN} while no scan is open opens
     * one, so a transaction manager that loops until it gets an empty array always stops.
     */
    @Override
    public Xid[] recover(int flag) throws XAException {
        int allowed = TMSTARTRSCAN | TMENDRSCAN;
        if ((flag & ~allowed) != 0) {
            throw XidKey.xaError(XAException.XAER_INVAL,
                    "recover: flag must be TMSTARTRSCAN, TMENDRSCAN, both or TMNOFLAGS but was " + XaCodes.flags(flag));
        }
        synchronized (this) {
            Xid[] result;
            if ((flag & TMSTARTRSCAN) != 0 || !scanOpen) {
                result = rm.recover();
                scanOpen = true;
            } else {
                result = new Xid[0];
            }
            if ((flag & TMENDRSCAN) != 0) {
                scanOpen = false;
            }
            return result;
        }
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return other instanceof LocksmithXAResource o && o.rm == rm;
    }

    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    /**
     * Sets the timeout of the branches this XAResource starts from now on ({@code 0}: none). A
     * branch still unprepared when its timeout passes is rolled back by Locksmith, its locks
     * released at once, and the transaction manager then hears {@code XA_RBTIMEOUT}.
     *
     * @throws XAException with {@code XAER_INVAL} if {@code seconds} is negative
     */
    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw XidKey.xaError(XAException.XAER_INVAL, "setTransactionTimeout: seconds must be >= 0 but was " + seconds);
        }
        timeoutSeconds = seconds;
        return true;
    }
}
