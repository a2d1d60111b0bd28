package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.ra.TransactionRolledBackException;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ResourceAllocationException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * One Locksmith resource manager in the XA sense: the {@link RecordStore} of one store location. It
 * keeps every XA transaction branch it knows (by {@link XidKey}), each with the one
 * {@link TransactionWork} — one store transaction, so one lock owner — that all connections joined
 * to the branch work through, and the adapter's counters. Opening it opens the store, which takes
 * prepared transactions back in doubt with their locks; they are branches here from then on, so
 * {@code recover} lists them and {@code commit}/{@code rollback} end them. All {@link LocksmithXAResource} instances of one
 * resource manager answer {@code isSameRM} with true, so a transaction manager may start a branch
 * on one connection, join others to it and finish it on any.
 *
 * <p>Branch states follow the X/Open XA state tables: a branch is <em>active</em> while some
 * connection is associated with it, <em>suspended</em> while all its associations are suspended,
 * <em>idle</em> when every association has ended, then <em>prepared</em>, and forgotten once
 * committed or rolled back. Every illegal transition raises the XA error the specification names
 * and leaves the state unchanged. Prepare is the store's durable prepare; a branch that wrote
 * nothing answers {@code XA_RDONLY} there, releasing its locks. A one-phase commit that fails in the
 * store (optimistic conflict, deadlock, duplicate key) has been rolled back and answers the
 * matching {@code XA_RB*} code. Locksmith rolls a branch back on its own when it outlives the transaction
 * timeout its XAResource was given, or when one of its lock requests is chosen as a deadlock
 * victim: its locks are released at once, and the transaction manager hears {@code XA_RBTIMEOUT}
 * or {@code XA_RBDEADLOCK} from the next call on it. Thread-safe: every transition holds this
 * object's monitor.
 */
public final class ResourceManager {

    private static final Logger LOG = System.getLogger(ResourceManager.class.getName());
    private static final String PING_RESOURCE = "LOCKSMITH$PING";

    private final Path location;
    private final LockSpace names;
    private final ScheduledExecutorService timer;
    private final LockOwner pingOwner;
    private final RecordStore store;
    private final Map<XidKey, Branch> branches = new HashMap<>();
    private boolean closed;

    final AtomicLong managedConnectionsCreated = new AtomicLong();
    final AtomicLong managedConnectionsDestroyed = new AtomicLong();
    final AtomicLong handlesOpened = new AtomicLong();
    final AtomicLong handlesClosed = new AtomicLong();
    private final AtomicLong xaStarted = new AtomicLong();
    private final AtomicLong xaPrepared = new AtomicLong();
    private final AtomicLong xaReadOnly = new AtomicLong();
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
        final TransactionWork work;
        final Set<Object> active = new HashSet<>();
        final Set<Object> suspended = new HashSet<>();
        boolean prepared;
        boolean rollbackOnly;
        /** The XA_RB* code when Locksmith rolled the branch back on its own, else 0. */
        int rolledBackBy;
        /** Set while prepare or commit runs in the store, outside this monitor. */
        boolean completing;
        ScheduledFuture<?> timeout;

        Branch(TransactionWork work) {
            this.work = work;
        }

        boolean associated() {
            return !active.isEmpty() || !suspended.isEmpty();
        }

        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
                timeout = null;
            }
        }
    }

    /**
     * Opens the store at a location that has already been checked, recovering it: prepared
     * transactions come back in doubt, with their locks, as prepared branches.
     *
     * @param location the absolute, normalised store directory; not null
     * @param names the resource adapter's lock space, on its lock manager; not null
     * @param timer where transaction timeouts fire; not null
     * @param globalBuffers buckets of global buffers each file of the store keeps on this node; 0 = none
     * @throws NullPointerException if an argument is null
     * @throws RmsException IO if the store cannot be opened (another process has it, say)
     */
    ResourceManager(Path location, LockSpace names, ScheduledExecutorService timer, int globalBuffers) {
        if (location == null || names == null || timer == null) {
            throw new NullPointerException("location, names and timer must not be null");
        }
        this.location = location;
        this.names = names;
        this.timer = timer;
        this.store = RecordStore.open(location, names.manager(), RecordStore.Options.DEFAULT
                .withFileOptions(RecordStore.Options.DEFAULT.fileOptions().withGlobalBuffers(globalBuffers)));
        this.pingOwner = names.manager().newOwner("ping " + location);
        for (Transaction tx : store.inDoubt()) {
            XidKey xid = XidKey.fromBytes(tx.xid().orElseThrow());
            Branch b = new Branch(new TransactionWork(tx));
            b.prepared = true;
            branches.put(xid, b);
            LOG.log(Level.INFO, "Locksmith store {0}: branch {1} is in doubt, its locks held until the transaction"
                    + " manager commits or rolls it back", location, xid);
        }
    }

    /** The record store of this location. */
    RecordStore store() {
        return store;
    }

    /**
     * Returns the store directory this resource manager owns.
     *
     * @return the absolute store location
     */
    public Path location() {
        return location;
    }

    /** The lock space name locks are taken in. */
    LockSpace names() {
        return names;
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
                xaStarted.get(), xaPrepared.get(), xaReadOnly.get(), xaCommitted.get(), xaCommittedOnePhase.get(),
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
     * Stops accepting work. Branches that were never prepared are rolled back and their locks
     * released (their work cannot commit any more); prepared branches stay in doubt and are logged.
     */
    public void close() {
        List<TransactionWork> release = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (var it = branches.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                Branch b = e.getValue();
                b.cancelTimeout();
                if (b.prepared) {
                    LOG.log(Level.WARNING, "Locksmith store {0}: branch {1} is prepared and stays in doubt",
                            location, e.getKey());
                } else {
                    LOG.log(Level.WARNING, "Locksmith store {0}: rolling back unfinished branch {1} at shutdown",
                            location, e.getKey());
                    if (b.rolledBackBy == 0) {
                        xaRolledBack.incrementAndGet();
                    }
                    release.add(b.work);
                    it.remove();
                }
            }
        }
        release.forEach(TransactionWork::rollback);
        pingOwner.close();
        store.close();
    }

    /**
     * Checks that the store is reachable: a round trip to the lock manager (a null-mode lock taken
     * and given back) and a usable store directory.
     *
     * @throws ResourceException if the lock manager refuses or the directory is gone
     */
    void checkReachable() throws ResourceException {
        checkOpenForWork();
        try {
            pingOwner.dequeue(pingOwner.enqueue(LockRequest.of(PING_RESOURCE, LockMode.NL).withFlags(LockFlag.NOQUEUE)));
        } catch (LockException e) {
            throw new ResourceAllocationException("ping: the lock manager of " + location + " refused: "
                    + e.getMessage(), e.status().name());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceAllocationException("ping: interrupted", "CANCELLED");
        }
        if (!Files.isDirectory(location) || !Files.isWritable(location)) {
            throw new ResourceAllocationException("ping: the store directory " + location
                    + " is no longer a writable directory", "IO");
        }
    }

    /**
     * Begins the work of a transaction outside XA: a local transaction, or one auto-committed call.
     *
     * @throws ResourceException if the resource manager was closed
     */
    TransactionWork newWork(TransactionMode mode) throws ResourceException {
        checkOpenForWork();
        return new TransactionWork(store.begin(storeMode(mode), Duration.ZERO));
    }

    private static dev.locksmith.rms.TransactionMode storeMode(TransactionMode mode) {
        return dev.locksmith.rms.TransactionMode.valueOf(mode.name());
    }

    private synchronized void checkOpenForWork() throws ResourceException {
        if (closed) {
            throw new ResourceAllocationException("the Locksmith store " + location
                    + " has been closed (the resource adapter was stopped)");
        }
    }

    synchronized void start(XidKey xid, int flags, Object owner, TransactionMode mode, int timeoutSeconds)
            throws XAException {
        checkOpen();
        Branch b = branches.get(xid);
        switch (flags) {
            case XAResource.TMNOFLAGS -> {
                if (b != null) {
                    throw XidKey.xaError(XAException.XAER_DUPID, "start: branch " + xid + " already exists");
                }
                b = new Branch(new TransactionWork(store.begin(storeMode(mode), Duration.ZERO)));
                b.active.add(owner);
                branches.put(xid, b);
                xaStarted.incrementAndGet();
                if (timeoutSeconds > 0) {
                    Branch started = b;
                    b.timeout = timer.schedule(() -> rollBackOnItsOwn(xid, started, XAException.XA_RBTIMEOUT),
                            timeoutSeconds, TimeUnit.SECONDS);
                }
            }
            case XAResource.TMJOIN -> {
                requireKnown(b, "start(TMJOIN)", xid);
                requireNotRolledBack(b, "start(TMJOIN)", xid);
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
                if (!b.suspended.contains(owner)) {
                    throw XidKey.xaError(XAException.XAER_PROTO,
                            "start(TMRESUME): this connection has not suspended branch " + xid);
                }
                requireNotRolledBack(b, "start(TMRESUME)", xid);
                b.suspended.remove(owner);
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

    /** The branch {@code xid} for {@code op}, which needs it known and ended. Holds this monitor. */
    private Branch endedBranch(XidKey xid, String op) throws XAException {
        checkOpen();
        Branch b = branches.get(xid);
        requireKnown(b, op, xid);
        requireEnded(b, op, xid);
        return b;
    }

    int prepare(XidKey xid) throws XAException {
        Branch b;
        synchronized (this) {
            b = endedBranch(xid, "prepare");
            if (b.prepared || b.completing) {
                throw XidKey.xaError(XAException.XAER_PROTO, "prepare: branch " + xid + " is already prepared");
            }
            finishIfRolledBack(xid, b, "prepare");
            b.cancelTimeout();
            b.completing = true;
        }
        boolean wrote;
        try {
            wrote = b.work.prepare(xid);
        } catch (RmsException e) {
            throw failedInStore(xid, "prepare", e);
        }
        synchronized (this) {
            b.completing = false;
            if (wrote) {
                b.prepared = true;
                xaPrepared.incrementAndGet();
                return XAResource.XA_OK;
            }
            branches.remove(xid);
            xaReadOnly.incrementAndGet();
            return XAResource.XA_RDONLY;
        }
    }

    void commit(XidKey xid, boolean onePhase) throws XAException {
        Branch b;
        synchronized (this) {
            b = endedBranch(xid, "commit");
            if (b.completing) {
                throw XidKey.xaError(XAException.XAER_PROTO, "commit: branch " + xid + " is being prepared or committed");
            }
            if (onePhase && b.prepared) {
                throw XidKey.xaError(XAException.XAER_PROTO, "commit(onePhase): branch " + xid + " is already prepared");
            }
            if (!onePhase && !b.prepared) {
                throw XidKey.xaError(XAException.XAER_PROTO, "commit(twoPhase): branch " + xid + " was not prepared");
            }
            finishIfRolledBack(xid, b, "commit");
            b.cancelTimeout();
            b.completing = true;
        }
        try {
            b.work.commit();
        } catch (RmsException e) {
            if (onePhase) {
                throw failedInStore(xid, "commit(onePhase)", e);
            }
            synchronized (this) {
                b.completing = false;
            }
            // The journal still holds the prepared branch: the transaction manager may try again.
            throw XidKey.xaError(XAException.XAER_RMERR, "commit: the store could not commit prepared branch " + xid
                    + ": " + e.getMessage());
        }
        synchronized (this) {
            branches.remove(xid);
            xaCommitted.incrementAndGet();
            if (onePhase) {
                xaCommittedOnePhase.incrementAndGet();
            }
        }
    }

    /**
     * A prepare or one-phase commit the store refused: the store has rolled the transaction back, so
     * the branch is forgotten and the transaction manager hears the matching XA_RB* code.
     */
    private XAException failedInStore(XidKey xid, String op, RmsException e) {
        synchronized (this) {
            branches.remove(xid);
            xaRolledBack.incrementAndGet();
        }
        LOG.log(Level.DEBUG, "{0} of branch {1} failed in the store: {2}", op, xid, e.getMessage());
        XAException x = XidKey.xaError(rollbackCode(e.status()), op + ": branch " + xid + " was rolled back: "
                + e.getMessage());
        x.initCause(e);
        return x;
    }

    /** The XA_RB* code for a store status that ended a transaction. */
    static int rollbackCode(RmsStatus status) {
        return switch (status) {
            case DEADLOCK -> XAException.XA_RBDEADLOCK;
            case TXTIMEOUT -> XAException.XA_RBTIMEOUT;
            case CONFLICT -> XAException.XA_RBROLLBACK;
            case DUP, REX, CHG -> XAException.XA_RBINTEGRITY;
            default -> XAException.XA_RBOTHER;
        };
    }

    void rollback(XidKey xid) throws XAException {
        Branch b;
        synchronized (this) {
            b = branches.get(xid);
            requireKnown(b, "rollback", xid);
            if (b.associated()) {
                LOG.log(Level.DEBUG, "rolling back branch {0} while connections are still associated", xid);
            }
            branches.remove(xid);
            b.cancelTimeout();
            if (b.rolledBackBy != 0) {
                // Already rolled back by Locksmith (timeout, deadlock): the call only acknowledges it.
                return;
            }
            xaRolledBack.incrementAndGet();
        }
        try {
            b.work.rollback();
        } catch (RmsException e) {
            throw XidKey.xaError(XAException.XAER_RMERR, "rollback: the store could not roll back branch " + xid
                    + ": " + e.getMessage());
        }
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
     * Returns the work of branch {@code xid} for a connection associated with it, if the branch
     * still takes work.
     *
     * @throws TransactionRolledBackException if the branch was rolled back (by Locksmith: status
     *     TIMEOUT or DEADLOCK; by the transaction manager: ROLLEDBACK), or no longer takes work
     * @throws ResourceException if the resource manager was closed
     */
    synchronized TransactionWork workFor(XidKey xid) throws ResourceException {
        checkOpenForWork();
        Branch b = branches.get(xid);
        if (b == null) {
            throw new TransactionRolledBackException("ROLLEDBACK", "transaction branch " + xid
                    + " has been rolled back; its work can only end now");
        }
        if (b.rolledBackBy != 0) {
            throw new TransactionRolledBackException(rollbackStatus(b.rolledBackBy), "transaction branch " + xid
                    + " was rolled back by Locksmith (" + XaCodes.name(b.rolledBackBy) + "); its locks are released");
        }
        if (b.prepared || b.completing || b.rollbackOnly) {
            throw new TransactionRolledBackException("ROLLEDBACK", "transaction branch " + xid
                    + " no longer accepts work (it was prepared or marked rollback-only)");
        }
        return b.work;
    }

    /**
     * Rolls back branch {@code xid} on Locksmith's own decision: {@code XA_RBTIMEOUT} when it outlived
     * its timeout, {@code XA_RBDEADLOCK} when one of its requests was a deadlock victim. Its locks
     * are released at once; the branch stays known until the transaction manager ends it, which
     * then hears {@code code}. Does nothing if the branch is gone, prepared or already rolled back.
     */
    void rollBackOnItsOwn(XidKey xid, int code) {
        Branch b;
        synchronized (this) {
            b = branches.get(xid);
        }
        if (b != null) {
            rollBackOnItsOwn(xid, b, code);
        }
    }

    private void rollBackOnItsOwn(XidKey xid, Branch b, int code) {
        synchronized (this) {
            if (branches.get(xid) != b || b.prepared || b.completing || b.rolledBackBy != 0) {
                return;
            }
            b.rolledBackBy = code;
            b.cancelTimeout();
            xaRolledBack.incrementAndGet();
        }
        LOG.log(Level.INFO, "Locksmith store {0}: rolled back branch {1} ({2}); its locks are released",
                location, xid, XaCodes.name(code));
        b.work.rollback();
    }

    private static String rollbackStatus(int code) {
        return switch (code) {
            case XAException.XA_RBTIMEOUT -> "TIMEOUT";
            case XAException.XA_RBDEADLOCK -> "DEADLOCK";
            default -> "ROLLEDBACK";
        };
    }

    /** Tells whether {@code owner} is actively associated (not suspended) with {@code xid}. */
    synchronized boolean isActive(XidKey xid, Object owner) {
        Branch b = branches.get(xid);
        return b != null && b.active.contains(owner);
    }

    /**
     * Ends a branch that can no longer commit (rolled back by Locksmith, or marked rollback-only):
     * forgets it, releases its locks and throws the matching XA_RB* code. Returns if it can commit.
     */
    private void finishIfRolledBack(XidKey xid, Branch b, String op) throws XAException {
        if (b.rolledBackBy != 0) {
            branches.remove(xid);
            throw XidKey.xaError(b.rolledBackBy, op + ": branch " + xid + " was rolled back by Locksmith");
        }
        if (b.rollbackOnly) {
            branches.remove(xid);
            b.cancelTimeout();
            b.work.rollback();
            xaRolledBack.incrementAndGet();
            throw XidKey.xaError(XAException.XA_RBROLLBACK,
                    op + ": branch " + xid + " was marked rollback-only and has been rolled back");
        }
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

    private static void requireNotRolledBack(Branch b, String op, XidKey xid) throws XAException {
        if (b.rolledBackBy != 0) {
            throw XidKey.xaError(b.rolledBackBy, op + ": branch " + xid + " was rolled back by Locksmith");
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
