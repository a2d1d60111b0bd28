package dev.locksmith.ra.spi;

import dev.locksmith.ra.AdapterStatistics;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * One Locksmith resource manager in the XA sense: everything that shares a store location. It
 * keeps the state of every XA transaction branch it knows (by {@link XidKey}) and the adapter's
 * counters. All {@link LocksmithXAResource} instances of one resource manager answer
 * {@code isSameRM} with true, so a transaction manager may start a branch on one connection and
 * finish it on another.
 *
 * <p>Branch states follow the X/Open XA state tables: a branch is <em>active</em> while some
 * connection is associated with it, <em>suspended</em> while all its associations are suspended,
 * <em>idle</em> when every association has ended, then <em>prepared</em>, and forgotten once
 * committed or rolled back. Every illegal transition raises the XA error the specification names
 * and leaves the state unchanged. Branch state lives in memory; durable prepare arrives with the
 * record store. Thread-safe: every transition holds this object's monitor.
 */
public final class ResourceManager {

    private static final Logger LOG = System.getLogger(ResourceManager.class.getName());

    private final Path location;
    private final Map<XidKey, Branch> branches = new HashMap<>();
    private boolean closed;

    final AtomicLong managedConnectionsCreated = new AtomicLong();
    final AtomicLong managedConnectionsDestroyed = new AtomicLong();
    final AtomicLong handlesOpened = new AtomicLong();
    final AtomicLong handlesClosed = new AtomicLong();
    private final AtomicLong xaStarted = new AtomicLong();
    private final AtomicLong xaPrepared = new AtomicLong();
    private final AtomicLong xaCommitted = new AtomicLong();
    private final AtomicLong xaCommittedOnePhase = new AtomicLong();
    private final AtomicLong xaRolledBack = new AtomicLong();
    final AtomicLong localBegun = new AtomicLong();
    final AtomicLong localCommitted = new AtomicLong();
    final AtomicLong localRolledBack = new AtomicLong();
    final AtomicLong pings = new AtomicLong();
    private final AtomicLong recoveryScans = new AtomicLong();

    /** The state of one transaction branch. Guarded by the owning resource manager. */
    private static final class Branch {
        final Set<Object> active = new HashSet<>();
        final Set<Object> suspended = new HashSet<>();
        boolean prepared;
        boolean rollbackOnly;

        boolean associated() {
            return !active.isEmpty() || !suspended.isEmpty();
        }
    }

    /**
     * Creates a resource manager for a store location that has already been checked.
     *
     * @param location the absolute, normalised store directory; not null
     * @throws NullPointerException if {@code location} is null
     */
    public ResourceManager(Path location) {
        if (location == null) {
            throw new NullPointerException("location must not be null");
        }
        this.location = location;
    }

    /**
     * Returns the store directory this resource manager owns.
     *
     * @return the absolute store location
     */
    public Path location() {
        return location;
    }

    /**
     * Returns a snapshot of the counters.
     *
     * @return the counters as they are now
     */
    public AdapterStatistics statistics() {
        return new AdapterStatistics(
                managedConnectionsCreated.get(), managedConnectionsDestroyed.get(),
                handlesOpened.get(), handlesClosed.get(),
                xaStarted.get(), xaPrepared.get(), xaCommitted.get(), xaCommittedOnePhase.get(),
                xaRolledBack.get(),
                localBegun.get(), localCommitted.get(), localRolledBack.get(), pings.get(),
                recoveryScans.get());
    }

    /**
     * Tells whether the resource manager still accepts work.
     *
     * @return false once {@link #close()} has run
     */
    public synchronized boolean isOpen() {
        return !closed;
    }

    /**
     * Stops accepting work. Branches that were never prepared are rolled back (their work cannot
     * commit any more); prepared branches stay in doubt and are logged.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (var it = branches.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getValue().prepared) {
                LOG.log(Level.WARNING, "Locksmith store {0}: branch {1} is prepared and stays in doubt",
                        location, e.getKey());
            } else {
                LOG.log(Level.WARNING, "Locksmith store {0}: rolling back unfinished branch {1} at shutdown",
                        location, e.getKey());
                xaRolledBack.incrementAndGet();
                it.remove();
            }
        }
    }

    synchronized void start(XidKey xid, int flags, Object owner) throws XAException {
        checkOpen();
        Branch b = branches.get(xid);
        switch (flags) {
            case XAResource.TMNOFLAGS -> {
                if (b != null) {
                    throw XidKey.xaError(XAException.XAER_DUPID, "start: branch " + xid + " already exists");
                }
                b = new Branch();
                b.active.add(owner);
                branches.put(xid, b);
                xaStarted.incrementAndGet();
            }
            case XAResource.TMJOIN -> {
                requireKnown(b, "start(TMJOIN)", xid);
                if (b.prepared) {
                    throw XidKey.xaError(XAException.XAER_PROTO, "start(TMJOIN): branch " + xid + " is already prepared");
                }
                if (b.active.contains(owner) || b.suspended.contains(owner)) {
                    throw XidKey.xaError(XAException.XAER_PROTO,
                            "start(TMJOIN): this connection is already associated with branch " + xid);
                }
                b.active.add(owner);
            }
            case XAResource.TMRESUME -> {
                requireKnown(b, "start(TMRESUME)", xid);
                if (!b.suspended.remove(owner)) {
                    throw XidKey.xaError(XAException.XAER_PROTO,
                            "start(TMRESUME): this connection has not suspended branch " + xid);
                }
                b.active.add(owner);
            }
            default -> throw XidKey.xaError(XAException.XAER_INVAL,
                    "start: flags must be TMNOFLAGS, TMJOIN or TMRESUME but were " + XaCodes.flags(flags));
        }
    }

    synchronized void end(XidKey xid, int flags, Object owner) throws XAException {
        Branch b = branches.get(xid);
        if (flags != XAResource.TMSUCCESS && flags != XAResource.TMFAIL && flags != XAResource.TMSUSPEND) {
            throw XidKey.xaError(XAException.XAER_INVAL,
                    "end: flags must be TMSUCCESS, TMFAIL or TMSUSPEND but were " + XaCodes.flags(flags));
        }
        requireKnown(b, "end", xid);
        if (flags == XAResource.TMSUSPEND) {
            if (!b.active.remove(owner)) {
                throw XidKey.xaError(XAException.XAER_PROTO,
                        "end(TMSUSPEND): this connection is not actively associated with branch " + xid);
            }
            b.suspended.add(owner);
            return;
        }
        if (!b.active.remove(owner) && !b.suspended.remove(owner)) {
            throw XidKey.xaError(XAException.XAER_PROTO, "end: this connection is not associated with branch " + xid);
        }
        if (flags == XAResource.TMFAIL) {
            b.rollbackOnly = true;
        }
    }

    synchronized int prepare(XidKey xid) throws XAException {
        checkOpen();
        Branch b = branches.get(xid);
        requireKnown(b, "prepare", xid);
        requireEnded(b, "prepare", xid);
        if (b.prepared) {
            throw XidKey.xaError(XAException.XAER_PROTO, "prepare: branch " + xid + " is already prepared");
        }
        if (b.rollbackOnly) {
            branches.remove(xid);
            xaRolledBack.incrementAndGet();
            throw XidKey.xaError(XAException.XA_RBROLLBACK,
                    "prepare: branch " + xid + " was marked rollback-only and has been rolled back");
        }
        b.prepared = true;
        xaPrepared.incrementAndGet();
        return XAResource.XA_OK;
    }

    synchronized void commit(XidKey xid, boolean onePhase) throws XAException {
        checkOpen();
        Branch b = branches.get(xid);
        requireKnown(b, "commit", xid);
        requireEnded(b, "commit", xid);
        if (onePhase && b.prepared) {
            throw XidKey.xaError(XAException.XAER_PROTO, "commit(onePhase): branch " + xid + " is already prepared");
        }
        if (!onePhase && !b.prepared) {
            throw XidKey.xaError(XAException.XAER_PROTO, "commit(twoPhase): branch " + xid + " was not prepared");
        }
        branches.remove(xid);
        if (b.rollbackOnly) {
            xaRolledBack.incrementAndGet();
            throw XidKey.xaError(XAException.XA_RBROLLBACK,
                    "commit: branch " + xid + " was marked rollback-only and has been rolled back");
        }
        xaCommitted.incrementAndGet();
        if (onePhase) {
            xaCommittedOnePhase.incrementAndGet();
        }
    }

    synchronized void rollback(XidKey xid) throws XAException {
        Branch b = branches.get(xid);
        requireKnown(b, "rollback", xid);
        if (b.associated()) {
            LOG.log(Level.DEBUG, "rolling back branch {0} while connections are still associated", xid);
        }
        branches.remove(xid);
        xaRolledBack.incrementAndGet();
    }

    synchronized void forget(XidKey xid) throws XAException {
        Branch b = branches.get(xid);
        requireKnown(b, "forget", xid);
        throw XidKey.xaError(XAException.XAER_PROTO,
                "forget: branch " + xid + " was not completed heuristically (Locksmith takes no heuristic decisions)");
    }

    synchronized Xid[] recover() throws XAException {
        checkOpen();
        recoveryScans.incrementAndGet();
        List<Xid> prepared = new ArrayList<>();
        branches.forEach((xid, b) -> {
            if (b.prepared) {
                prepared.add(xid);
            }
        });
        return prepared.toArray(new Xid[0]);
    }

    /**
     * Tells whether work may still be done for {@code xid}: the branch exists, is not prepared
     * and is not marked rollback-only.
     */
    synchronized boolean acceptsWork(XidKey xid) {
        Branch b = branches.get(xid);
        return !closed && b != null && !b.prepared && !b.rollbackOnly;
    }

    /** Tells whether {@code owner} is actively associated (not suspended) with {@code xid}. */
    synchronized boolean isActive(XidKey xid, Object owner) {
        Branch b = branches.get(xid);
        return b != null && b.active.contains(owner);
    }

    private void checkOpen() throws XAException {
        if (closed) {
            throw XidKey.xaError(XAException.XAER_RMFAIL, "Locksmith store " + location + " has been closed");
        }
    }

    private static void requireKnown(Branch b, String op, XidKey xid) throws XAException {
        if (b == null) {
            throw XidKey.xaError(XAException.XAER_NOTA, op + ": unknown branch " + xid);
        }
    }

    private static void requireEnded(Branch b, String op, XidKey xid) throws XAException {
        if (b.associated()) {
            throw XidKey.xaError(XAException.XAER_PROTO,
                    op + ": branch " + xid + " still has " + (b.active.size() + b.suspended.size())
                            + " associated connection(s); call end first");
        }
    }
}
