package dev.locksmith.lock.cluster;

import dev.locksmith.lock.BlockingHandler;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.engine.SpinWait;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.Address;

/**
 * The owning node's copy of a lock (as in the VMS lock manager, each node keeps its own copy of
 * the locks it holds, which is what it re-sends when a master is lost). The master holds the real queues; this
 * copy follows them through the outcomes the master reports, and is the {@link Lock} the user
 * sees. Its state is guarded by its monitor; every method is thread-safe and non-blocking.
 */
final class ClusterLock implements Lock {
    final long id;
    final ClusterOwner owner;
    final ClusterLock parent;
    final String name;
    final TreeKey tree;
    final int depth;

    private LockMode granted;
    private LockMode requested;
    private LockQueue queue;
    private LockStatus status = LockStatus.NORMAL;
    private long fence;
    /** Staged or last read value block (never changed in place: replaced by a copy; none is shared). */
    private byte[] lksb = NO_VALUE;
    /** The value block as last read at a grant, for rebuild (likewise). */
    private byte[] readValue = NO_VALUE;
    private int flags;
    private long timeoutNanos;
    private boolean blockingHandler;
    private boolean dead;
    /** The master this lock was last sent to (a master knows of it), or null while none was. */
    private Address sentTo;
    /**
     * Whether the pending request itself may have reached a master, by its own message or inside
     * a rebuild's RESEND: if not, a cancel ends it here (a conversion of a lock its master knows
     * may still be unsent).
     */
    private boolean requestSent;
    /**
     * Whether the pending request waited through a rebuild (re-sent to a new master, or held while
     * this node lacked quorum or its lease): a master that grants it at once then says SYNCH, but
     * its owner did wait, so it is told NORMAL.
     */
    private boolean waitedThroughRebuild;
    /** How many conversions this lock has started: the number of the current or last one, for its master. */
    private int conversions;
    /**
     * What only some copies need, made under the monitor the first time one does ({@link #rare()});
     * null until then. Guarded by the monitor, as its fields are.
     */
    private Rare rare;

    /**
     * The state of a copy that most copies never need: a parent's list of sublocks, a cancel, a
     * timeout's start, refusals, a blocking handler. Kept apart so that the copy, made per request,
     * stays small (issue 20: the copy was the largest allocation of a local lock + unlock).
     * Guarded by the copy's monitor.
     */
    private static final class Rare {
        /**
         * When the pending request (new or conversion) was made, for its timeout while it is not
         * at a master; set and read only when it has a timeout (a clock read per request saved
         * otherwise).
         */
        long requestStartNanos;
        BlockingHandler handler;
        /**
         * The copy's sublocks, linked through their {@link ClusterLock#siblingNext}. A sublock is
         * listed only here, and its owner reaches it through its parent ({@link ClusterOwner#live}).
         * A sublock that left ({@link ClusterLock#gone}) stays linked until its parent's monitor is
         * next entered for its list ({@link ClusterLock#adopt}, a walk, its own dequeue), which
         * takes it out: its request enters the monitor ({@link ClusterLock#adopt}), its dequeue
         * does not (two atomic operations less per sublock, issue 20). So the live sublocks are the
         * linked ones not gone; {@link #linkedSubLocks} counts every linked one, for
         * {@link ClusterLock#adopt}'s clean-up.
         */
        ClusterLock firstChild;
        int linkedSubLocks;
        /** When {@link ClusterLock#adopt} next takes every gone sublock out of the list (not only those at its head). */
        int pruneAt = MIN_PRUNE_AT;
        /** How many times a node refused this request as not the master of its tree. */
        int refusals;
        /**
         * Cancel of the pending request: requested by the owner, whether a CANCEL went to the
         * master, and the outcome the owner's cancel() waits for: true if the request ended
         * CANCELLED, false if it was granted or ended otherwise first.
         */
        boolean cancelRequested;
        boolean cancelSent;
        CompletableFuture<Boolean> cancelOutcome;
    }

    /** {@link #rare}, made now if it was not. Under the monitor (or before the copy is published). */
    private Rare rare() {
        Rare r = rare;
        if (r == null) {
            r = new Rare();
            rare = r;
        }
        return r;
    }

    private static final int MIN_PRUNE_AT = 16;
    /**
     * Whether this sublock has left its parent's list ({@link #unlist}: it is dead, its dequeue was
     * made, and it has no sublock of its own listed); set once, with a release store and no fence,
     * by the thread that unlists it, and read under the parent's monitor, which takes it out of the
     * list then. A thread that learns of the dequeue (the same thread, or one told by it) sees it.
     */
    private volatile boolean gone;
    /**
     * Whether this copy has left (or is about to leave) the list it is in, its owner's or its
     * parent's: once it is dead and has no sublock listed. Guarded by this copy's monitor; set once.
     */
    private boolean unlisted;
    private CompletableFuture<Lock> pending;
    private boolean pendingConversion;
    private CompletableFuture<Lock> last = new CompletableFuture<>();
    /** The stage of the lock's first request (the new one), which its synchronous caller awaits. */
    final CompletableFuture<Lock> firstStage = last;
    /**
     * How many sends of this lock's requests are under way: the sender of the pending one sends a
     * CANCEL the owner asked for meanwhile after it ({@link Rare#cancelRequested}); a send of the
     * previous request may still be finishing.
     */
    private int sending;
    /**
     * The synchronous caller waiting in {@link #awaitEnd} for the pending request, woken directly
     * when the request ends, so that its grant does not wait for the callback thread; and the
     * last ended request's stage, status and failure (null when it was granted). Written under
     * the monitor; volatile so that a caller can spin on it before it parks (see {@link #awaitEnd}).
     */
    private volatile Thread syncWaiter;
    /**
     * Raised by the waiter in {@link #awaitEnd} before it checks {@link #syncWaiter} a last time and
     * parks, lowered when it returns from the park: the thread that ends the request unparks it only
     * if raised ({@link #ended}).
     */
    private volatile boolean waiterParks;
    /**
     * Whether the current request's stage was handed out ({@link #completion()}): only then can it
     * have dependents, user code that must run on the callback thread. A stage nobody was given is
     * completed only when it is asked for ({@link #stageOwed}), under the monitor, which saves the
     * callback thread a wake-up per request (most requests are synchronous and never hand theirs out).
     */
    private boolean stageExposed;
    /**
     * Whether the last ended request's stage ({@link #endedStage}, which is then {@link #last}) is
     * still to be completed: a stage nobody was given is completed only when someone asks for it
     * ({@link #pendingStage}) or the next request replaces it ({@link #startConversion}), so the
     * usual synchronous request pays no completion (a compare-and-set) at all. Under the monitor.
     */
    private boolean stageOwed;
    private CompletableFuture<Lock> endedStage;
    private LockException endedFailure;

    /**
     * This lock's entry in this node's master table when it was requested here (null otherwise),
     * so its sublocks and its dequeue skip the table's lookups; the table checks it is still live.
     * Set by the table before anything about the entry is reported (so a thread that saw the copy
     * granted, under its monitor, sees it), and for the local path's entries the only reference
     * to them besides the engine's (the table finds them through the copies,
     * {@link MasterTable.Replies#forEachOwnEntry}). Plain, not volatile: a thread that misses it
     * otherwise looks the entry up, and one that sees it reaches its mutable state only through
     * the table's concurrent structures (or final fields). Written by {@link #keepEntry} with a
     * release store, and read by the walks that reach it through no monitor with an acquire
     * ({@link #publishedEntry}): the entry's engine lock is set just before.
     */
    MasterTable.Held masterEntry;

    /** Keeps {@code entry}, this copy's new master entry, its engine lock set ({@link #masterEntry}). */
    void keepEntry(MasterTable.Held entry) {
        MASTER_ENTRY.setRelease(this, entry);
    }

    /** {@link #masterEntry} for a thread that reached this copy through no monitor. */
    MasterTable.Held publishedEntry() {
        return (MasterTable.Held) MASTER_ENTRY.getAcquire(this);
    }

    /**
     * Whether the copy was entered in its manager's map of copies other nodes may name (set
     * before it is): a copy that never was is not looked for there when it dies.
     */
    volatile boolean registered;

    /**
     * This copy's links in the list it is in: its owner's (a root lock) or its parent's (a
     * sublock); guarded by that owner's or parent's monitor.
     */
    ClusterLock siblingPrev;
    ClusterLock siblingNext;
    boolean linked;

    /** What {@link #beginSend} tells its caller. */
    enum Send { SEND, SKIP, CANCEL, TIMEOUT }

    /** {@link #beginSend}'s verdict and, for SEND, the request as it goes, read under the same monitor. */
    record Sending(Send verdict, Snapshot request) {
    }

    private static final Sending SKIPPING = new Sending(Send.SKIP, null);
    private static final Sending CANCELLING = new Sending(Send.CANCEL, null);
    private static final Sending TIMING_OUT = new Sending(Send.TIMEOUT, null);

    /**
     * Where a cancel goes ({@link #cancelTarget}): to {@code master}, for request number
     * {@code request} (0: the lock's new request, else its conversion's), which the master
     * cancels only if that request is the one it has pending.
     */
    record Cancel(Address master, int request) {
    }

    /** {@link #cancelTarget}: the request was never sent; fail it here. */
    static final Cancel NOT_SENT = new Cancel(null, 0);

    ClusterLock(long id, ClusterOwner owner, ClusterLock parent, String name, TreeKey tree, LockMode mode, int flags,
                long timeoutNanos, BlockingHandler handler) {
        this.id = id;
        this.owner = owner;
        this.parent = parent;
        this.name = name;
        this.tree = tree;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.requested = mode;
        this.queue = LockQueue.WAITING;
        this.flags = flags;
        this.timeoutNanos = timeoutNanos;
        this.blockingHandler = handler != null;
        this.pending = last;
        if (handler != null) {
            rare().handler = handler;
        }
        if (timeoutNanos > 0) {
            rare().requestStartNanos = System.nanoTime();
        }
    }

    // ---- state changes, called by the owner and the manager ----------------------------------------

    /** A copy of everything the rebuild protocol re-sends, read under the monitor. */
    record Snapshot(LockQueue queue, LockMode granted, LockMode requested, int flags, long timeoutNanos,
                    boolean blockingHandler, long fence, byte[] readValue, int conversion) {
    }

    synchronized Snapshot snapshot() {
        return snapshotLocked();
    }

    /** {@link #snapshot()} for a caller that holds the monitor (a reentrant enter costs an atomic operation). */
    private Snapshot snapshotLocked() {
        return dead ? null : new Snapshot(queue, granted, requested, flags, timeoutNanos, blockingHandler, fence,
                readValue.length == 0 ? readValue : readValue.clone(), conversions);
    }

    /**
     * Starts sending the pending request to {@code master}: SKIP if it ended or the lock died,
     * CANCEL if the owner cancelled it before it went, TIMEOUT if its timeout ran out before it
     * went (sent again after a refusal or a lost quorum; the caller fails it), else SEND with the
     * request as it goes, and the caller sends it, then calls {@link #endSend()}.
     */
    synchronized Sending beginSend(Address master) {
        if (dead || pending == null) {
            return SKIPPING;
        }
        // A request a rebuild may have carried to a master is sent on (its master takes it
        // once), and a cancel follows it there; only one that reached none can end here.
        Rare r = rare;
        if (r != null && r.cancelRequested && !requestSent) {
            return CANCELLING;
        }
        if (!requestSent && timeoutLeftLocked() <= 0) {
            return TIMING_OUT;
        }
        sentTo = master;
        requestSent = true;
        sending++;
        return new Sending(Send.SEND, snapshotLocked());
    }

    /** The request went; true if the owner cancelled meanwhile and the caller must now send the CANCEL. */
    boolean endSend() {
        return (grant(null, null, 0, null, ENDS_SEND, 0, null, LeaseGuard.UNCHECKED, null) & SEND_CANCEL) != 0;
    }

    /**
     * The owner cancels the pending request: the future completes when it ends (true if it
     * ended CANCELLED); null if nothing is pending.
     */
    synchronized CompletableFuture<Boolean> requestCancel() {
        if (dead || pending == null) {
            return null;
        }
        Rare r = rare();
        r.cancelRequested = true;
        if (r.cancelOutcome == null) {
            r.cancelOutcome = new CompletableFuture<>();
        }
        return r.cancelOutcome;
    }

    /**
     * Where the CANCEL of the pending request goes, now that {@code master} masters its tree:
     * null if none is needed (nothing pending, already sent, or its sender will send it),
     * {@link #NOT_SENT} if the request never went (fail it here), else {@code master} with the
     * pending request's number, read under the same monitor (the request may end, and the next
     * begin, before the CANCEL arrives).
     */
    synchronized Cancel cancelTarget(Address master) {
        Rare r = rare;
        if (dead || pending == null || r == null || !r.cancelRequested || r.cancelSent || (sending > 0 && requestSent)) {
            return null;
        }
        if (!requestSent) {
            return NOT_SENT;
        }
        r.cancelSent = true;
        return new Cancel(master, conversions);
    }

    /**
     * A rebuild re-sent the pending request unsettled (its tree may still have a live master)
     * while its owner's cancel was requested: the cancel is to go again, to whichever master
     * holds the tree after the rebuild ({@link #cancelTarget}). True if it is to go (a cancel is
     * requested and the request is still pending).
     */
    synchronized boolean cancelAgain() {
        Rare r = rare;
        if (dead || pending == null || r == null || !r.cancelRequested) {
            return false;
        }
        r.cancelSent = false;
        return true;
    }

    /**
     * As {@link #cancelAgain()}, for a CANCEL of request number {@code request} (0: the new
     * request, else that conversion) that a node not mastering the tree refused: false also if
     * that request is no longer the pending one (it ended; a later request's cancel has its own).
     */
    synchronized boolean cancelAgain(int request) {
        return request == conversions && cancelAgain();
    }

    /**
     * A node that does not master this lock's tree refused request number {@code request} (0: the
     * new request, else that conversion): if it is still the pending one, it counts as not sent,
     * to be routed again, and true is returned; false if it ended meanwhile. A refused new request
     * forgets where it went; a refused conversion's lock is still known to its tree's master (its
     * granted mode is there), so its dequeue still goes.
     */
    synchronized boolean refusedWhilePending(int request) {
        if (dead || pending == null || request != conversions) {
            return false;
        }
        if (request == 0) {
            sentTo = null;
        }
        requestSent = false;
        return true;
    }

    /** How long the pending request's timeout has left (negative: run out); {@code Long.MAX_VALUE} if none applies. */
    synchronized long timeoutLeftNanos() {
        return timeoutLeftLocked();
    }

    private long timeoutLeftLocked() {
        if (pending == null || timeoutNanos <= 0) {
            return Long.MAX_VALUE;
        }
        return rare.requestStartNanos + timeoutNanos - System.nanoTime(); // set with the timeout
    }

    /** Whether the pending request has a timeout and it has run out. */
    synchronized boolean timedOut() {
        return timeoutLeftNanos() <= 0;
    }

    /** Whether the owner asked to cancel the pending request. */
    synchronized boolean cancelRequested() {
        Rare r = rare;
        return r != null && r.cancelRequested && pending != null;
    }

    /** The pending request ended: a waiting cancel learns whether it won. Under the monitor. */
    private CompletableFuture<Boolean> endCancel() {
        Rare r = rare;
        if (r == null) {
            return null;
        }
        CompletableFuture<Boolean> outcome = r.cancelOutcome;
        r.cancelOutcome = null;
        r.cancelRequested = false;
        r.cancelSent = false;
        return outcome;
    }

    /**
     * After a request ended with {@code outcome}, outside the monitor: wakes its synchronous
     * caller (null: none) and tells a waiting cancel (null: none) whether the cancel won.
     */
    private static void wake(Thread waiter, CompletableFuture<Boolean> cancel, LockStatus outcome) {
        LockSupport.unpark(waiter);
        if (cancel != null) {
            cancel.complete(outcome == LockStatus.CANCELLED);
        }
    }

    /**
     * The copy as a rebuild re-sends it to {@code master}, which from then on may know the lock
     * and its pending request (so a cancel must go there); null if the lock died. A conversion
     * in it may still be sent on its own too: its master takes each conversion number once.
     */
    synchronized Snapshot resendTo(Address master) {
        if (dead) {
            return null;
        }
        sentTo = master;
        requestSent = pending != null;
        waitedThroughRebuild |= pending != null;
        return snapshot();
    }

    /** Forgets where the request went (its master is gone; it will be sent again). */
    synchronized void markUnsent() {
        sentTo = null;
        requestSent = false;
    }

    /** As {@link #markUnsent()}, for a request that will be sent again once a rebuild is over. */
    synchronized void markUnsentUntilRebuilt() {
        markUnsent();
        waitedThroughRebuild = pending != null;
    }

    synchronized boolean isSent() {
        return sentTo != null;
    }

    /**
     * Whether {@code stage}'s request is still pending and has reached no master (neither by its
     * own message nor in a rebuild's RESEND): only then may it end here.
     */
    synchronized boolean isUnsent(CompletableFuture<Lock> stage) {
        return pending == stage && !requestSent;
    }

    synchronized boolean isDead() {
        return dead;
    }

    synchronized boolean isPending() {
        return pending != null;
    }

    /** The outcome of the last request if it has ended (its stage may still be completing), else null. */
    synchronized LockStatus endedStatus() {
        return pending == null ? status : null;
    }

    /** Starts a conversion; the caller has checked it. */
    synchronized void startConversion(LockMode mode, int newFlags, long timeout, BlockingHandler newHandler) {
        requested = mode;
        queue = LockQueue.CONVERTING;
        flags = newFlags;
        timeoutNanos = timeout;
        if (timeout > 0) {
            rare().requestStartNanos = System.nanoTime(); // read only with a timeout
        }
        if (newHandler != null) {
            rare().handler = newHandler;
            blockingHandler = true;
        }
        pendingConversion = true;
        requestSent = false;
        waitedThroughRebuild = false;
        conversions++;
        settleOwedStage();
        last = new CompletableFuture<>();
        pending = last;
        stageExposed = false;
    }

    /** The master granted the current request. */
    void granted(LockMode mode, LockStatus grantStatus, long grantFence, byte[] value) {
        grant(mode, grantStatus, grantFence, value, PLAIN, 0, null, LeaseGuard.UNCHECKED, null);
    }

    /**
     * The master granted the current request, checked against the quorum lease with
     * {@code lease}'s clear epoch at {@code epoch}: not applied, and true returned (the caller
     * holds it back), if a lapse's clear began since ({@link LeaseGuard}, "Clear epoch").
     */
    boolean grantedUnlessCleared(LeaseGuard lease, long epoch, LockMode mode, LockStatus grantStatus, long grantFence,
                                 byte[] value) {
        return (grant(mode, grantStatus, grantFence, value, PLAIN, 0, lease, epoch, null) & CLEARED) != 0;
    }

    /**
     * A master's answer for request number {@code request} (0: the lock's new request, else the
     * conversion of that number) says it was granted: applied only if that request is the
     * pending one. A late answer for an earlier request (one this copy ended meanwhile) must
     * not end the next. Checked against the quorum lease as {@link #grantedUnlessCleared} is:
     * true if not applied for that reason (the caller holds it back).
     */
    boolean grantedAnswer(int request, LeaseGuard lease, long epoch, LockMode mode, LockStatus grantStatus,
                          long grantFence, byte[] value) {
        return (grant(mode, grantStatus, grantFence, value, ANSWER, request, lease, epoch, null) & CLEARED) != 0;
    }

    /** {@link #grant}: a grant that ends no send. */
    private static final int PLAIN = 0;
    /** {@link #grant}: ends the send {@link #beginSend} began. */
    private static final int ENDS_SEND = 1;
    /** {@link #grant}: ends a request made on this node's master by {@link LocalPath}, which began no send. */
    private static final int ENDS_LOCAL = 2;
    /** {@link #grant}: a master's numbered answer ({@link #grantedAnswer}), which ends no send. */
    private static final int ANSWER = 3;

    /** {@link #grant} ending a send: the caller must now send the CANCEL (the owner cancelled meanwhile). */
    private static final int SEND_CANCEL = 1;
    /** {@link #grant} ending a send: the lock died while its request was being made. */
    private static final int DIED = 2;
    /**
     * {@link #grant} ending a local send: while its request was being made, this node lost quorum
     * and marked the request to be sent again once it serves requests again; the caller withdraws
     * what it made (nothing is marked or granted).
     */
    private static final int RESEND = 4;
    /**
     * {@link #grant}: the grant was not applied, since a lapse of the quorum lease began clearing
     * this node's grants after the caller's lease check; the caller holds it back
     * ({@link LeaseGuard}, "Clear epoch").
     */
    private static final int CLEARED = 8;

    /**
     * Makes this copy's new request ({@code mode}, {@code flagBits}, {@code timeoutNanos}, whether
     * it has a blocking handler) on {@code table}, this node's master table, and ends its send, for
     * both of the paths that make a request here: {@link LocalPath} ({@code local}: no
     * {@link #beginSend} was made; the dequeue is counted with the request) and
     * {@link OwnerRequests}' general path (after its {@link #beginSend}). A grant made at once is
     * applied to the copy in the same monitor enter that ends the send, under the quorum lease
     * ({@code lease}; null for a table the lease does not cover, the LOCAL namespace's): held back
     * while the lease is not held, or if a lapse's clear began after the check ({@link LeaseGuard},
     * "Clear epoch"). A request this copy no longer wants by the end (dequeued, cancelled, or to be
     * sent again after a lost quorum) is withdrawn from the table here: whichever of this thread
     * and a dequeue removes the master entry dequeues the engine lock.
     */
    void makeOn(MasterTable table, Address self, LeaseGuard lease, boolean local, LockMode mode, int flagBits,
                long timeoutNanos, boolean hasBlockingHandler) {
        MasterTable.Held entry = null;
        // the grant made at once is read from the entry's fields (no Grant object per request)
        boolean now = false;
        long epoch = LeaseGuard.UNCHECKED;
        int after;
        try {
            MasterTable.Held parentHint = parent == null ? null : parent.masterEntry;
            long parentId = parent == null ? 0 : parent.id;
            entry = local
                    ? table.enqueueLocal(self, owner.ref(), id, parentId, parentHint, mode, flagBits, timeoutNanos,
                            hasBlockingHandler, name, tree, this)
                    : table.enqueueOwn(self, owner.ref(), id, parentId, parentHint, mode, flagBits, timeoutNanos,
                            hasBlockingHandler, name, tree, this);
            now = entry != null && table.grantAtOnce(entry);
            if (now && lease != null) {
                epoch = lease.clearEpoch(); // before the lease check: see LeaseGuard, "Clear epoch"
                if (!lease.letsThrough()) {
                    lease.holdGrant(this, entry.atOnceGrant());
                    now = false;
                }
            }
        } finally {
            int how = local ? ENDS_LOCAL : ENDS_SEND;
            after = !now ? grant(null, null, 0, null, how, 0, null, epoch, self)
                    : grant(entry.atOnceMode, entry.atOnceStatus, entry.atOnceFence, entry.atOnceValue, how, 0, lease,
                            epoch, self);
        }
        if ((after & CLEARED) != 0) {
            // the lease ran out after the check, and its clear may have passed the copy
            lease.holdGrant(this, entry.atOnceGrant());
        }
        if (entry == null) {
            return; // refused: the copy has failed
        }
        if ((after & (DIED | RESEND)) != 0) {
            // Dequeued (by its owner, an administrative clear or a lapsed lease), or to be sent
            // again, while the request was being made: that dequeue may have looked for the entry
            // before it existed. Whichever of the two removes the entry dequeues the engine lock,
            // which would otherwise stay granted until its owner closed. Its owner never saw the
            // grant, so nothing was written through it: a plain dequeue.
            table.dequeue(self, owner.id(), id, entry, 0, false, NO_VALUE);
        } else if ((after & SEND_CANCEL) != 0) {
            table.cancel(self, owner.id(), id, MasterTable.NEW_REQUEST);
        }
    }

    /**
     * Whether the copy's request had reached a master when its owner dequeued it ({@link #leave});
     * written under the monitor by the dequeuing thread and read by that thread after it.
     */
    boolean sentWhenLeft;

    /**
     * Whether the first request was granted by the thread that made it on this node's master,
     * before it returned: its synchronous caller then has its outcome without another monitor
     * enter. Set once, under the monitor, and never reset; read without it by that caller, which
     * wrote it unless the request was routed through the protocol thread (then a false read only
     * sends the caller the long way, under the monitor).
     */
    boolean grantedInline;

    /**
     * {@code request}: for an {@link #ANSWER}, the number of the request it answers;
     * {@code lease}: if not null, the grant is checked against its clear epoch, read at {@code epoch};
     * {@code localMaster}: for {@link #ENDS_LOCAL}, this node, which the request is marked sent to.
     */
    private int grant(LockMode mode, LockStatus grantStatus, long grantFence, byte[] value, int how, int request,
                      LeaseGuard lease, long epoch, Address localMaster) {
        CompletableFuture<Lock> done = null;
        CompletableFuture<Boolean> cancel = null;
        Thread waiter = null;
        boolean exposed = false;
        boolean endingSend = how == ENDS_SEND || how == ENDS_LOCAL;
        int after = 0;
        synchronized (this) {
            if (how == ENDS_LOCAL) {
                if (waitedThroughRebuild) {
                    // marked unsent by a lost quorum meanwhile (markUnsentUntilRebuilt): it is sent again
                    return dead ? DIED | RESEND : RESEND;
                }
                sentTo = localMaster;
                requestSent = true;
                sending++; // taken back below, as for a send beginSend began
            }
            boolean applies = mode != null && !dead && pending != null && (how != ANSWER || request == conversions);
            if (applies && lease != null && lease.clearedSince(epoch)) {
                applies = false; // read under the monitor the lapse's clear reads this copy in
                after |= CLEARED;
            }
            if (applies) {
                granted = mode;
                requested = mode;
                queue = LockQueue.GRANTED;
                status = grantStatus == LockStatus.SYNCH && waitedThroughRebuild ? LockStatus.NORMAL : grantStatus;
                waitedThroughRebuild = false;
                fence = grantFence;
                if (value.length > 0) {
                    lksb = value.clone();
                    readValue = value.clone();
                }
                done = pending;
                pending = null;
                cancel = endCancel();
                exposed = oweUnlessExposed(); // before ended(), which settles it for a waiter
                waiter = ended(done, null);
                grantedInline = endingSend && done == firstStage;
            }
            if (endingSend) {
                sending--;
                // again if a CANCEL went already: it may have reached the master before the request did
                Rare r = rare;
                if (r != null && r.cancelRequested && pending != null) {
                    r.cancelSent = true;
                    after |= SEND_CANCEL;
                }
                after |= dead ? DIED : 0;
            }
            if (!applies) {
                return after;
            }
        }
        wake(waiter, cancel, LockStatus.NORMAL);
        if (exposed) {
            CompletableFuture<Lock> stage = done;
            owner.manager.deliver(() -> stage.complete(this));
        }
        return after;
    }

    /**
     * The current request ended without a grant: a conversion leaves the lock granted in its old
     * mode; a new request's lock dies.
     */
    void failed(LockStatus outcome, String message) {
        failed(outcome, message, null);
    }

    /** As {@link #failed(LockStatus, String)}; a deadlock victim's failure carries {@code report}. */
    void failed(LockStatus outcome, String message, dev.locksmith.lock.DeadlockReport report) {
        fail(false, 0, outcome, message, report);
    }

    /**
     * A master's answer for request number {@code request} (as in {@link #grantedAnswer}) says it
     * failed: applied only if that request is the pending one.
     */
    void failedAnswer(int request, LockStatus outcome, String message, dev.locksmith.lock.DeadlockReport report) {
        fail(true, request, outcome, message, report);
    }

    private void fail(boolean numbered, int request, LockStatus outcome, String message,
                      dev.locksmith.lock.DeadlockReport report) {
        CompletableFuture<Lock> done;
        CompletableFuture<Boolean> cancel;
        boolean conversion;
        LockException failure;
        Thread waiter;
        boolean exposed;
        synchronized (this) {
            if (dead || pending == null || (numbered && request != conversions)) {
                return;
            }
            done = pending;
            pending = null;
            conversion = pendingConversion;
            pendingConversion = false;
            status = outcome;
            if (conversion) {
                requested = granted;
                queue = LockQueue.GRANTED;
            }
            cancel = endCancel();
            failure = new LockException(outcome, (conversion ? "conversion of lock on '" : "request for '")
                    + name + "' was not granted" + (message == null ? "" : " (" + message + ")"), report);
            exposed = oweUnlessExposed();
            waiter = ended(done, failure);
        }
        if (!conversion) {
            die();
        }
        wake(waiter, cancel, outcome);
        if (exposed) {
            owner.manager.deliver(() -> done.completeExceptionally(failure));
        }
    }

    /**
     * The lock leaves for good (dequeued, cleared, failed, or lost with quorum): as the embedded
     * engine's locks do, it shows no granted or requested mode and no queue from then on, and its
     * status stays that of its last request (a pending one ended by this shows how it ended).
     * Returns false if it already had.
     */
    boolean die() {
        boolean unlist;
        synchronized (this) {
            if (dead) {
                return false;
            }
            markDead();
            unlist = claimUnlisting();
        }
        if (unlist) {
            unlist();
        }
        return true;
    }

    /** {@link #die()}'s part under the monitor; the caller has checked the lock was live. */
    private void markDead() {
        dead = true;
        queue = null;
        granted = null;
        requested = null;
    }

    /**
     * Whether the caller is to take this dead copy out of its list now (it has no sublock listed,
     * and nobody took it out yet); under the monitor. A dead copy with sublocks (only a lost
     * quorum kills one so: its waiting sublocks stay to be sent again) stays listed, so that they
     * stay reachable from its owner, until its last sublock goes: the first walk of its list after
     * that takes it out ({@link #addSubLocksTo}).
     */
    private boolean claimUnlisting() {
        if (unlisted || liveSubLocks() > 0) {
            return false;
        }
        unlisted = true;
        return true;
    }

    /**
     * Takes this dead copy out of its parent's or its owner's list (once; outside every monitor): a
     * sublock only marks itself gone, without its parent's monitor (see {@link Rare#firstChild}).
     */
    private void unlist() {
        if (parent != null) {
            GONE.setRelease(this, true);
        } else {
            owner.forget(this);
        }
    }

    /**
     * How many of this copy's sublocks are live (linked and not gone), taking the gone ones out of
     * the list on the way. Under the monitor.
     */
    private int liveSubLocks() {
        Rare r = rare;
        int live = 0;
        for (ClusterLock c = r == null ? null : r.firstChild; c != null; ) {
            ClusterLock next = c.siblingNext;
            if (c.gone) {
                unlinkGone(c);
            } else {
                live++;
            }
            c = next;
        }
        return live;
    }

    /** Takes {@code child}, a gone sublock, out of this copy's list. Under the monitor. */
    private void unlinkGone(ClusterLock child) {
        Rare r = rare;
        r.firstChild = unlink(r.firstChild, child);
        r.linkedSubLocks--;
    }

    private static final java.lang.invoke.VarHandle GONE;
    private static final java.lang.invoke.VarHandle MASTER_ENTRY;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            GONE = lookup.findVarHandle(ClusterLock.class, "gone", boolean.class);
            MASTER_ENTRY = lookup.findVarHandle(ClusterLock.class, "masterEntry", MasterTable.Held.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Its owner dequeues the lock, checked and done under one monitor: the value block to write
     * ({@code valueLength} bytes from PW or EX; empty when none is written) is returned, the lock
     * dies and a pending request ends CANCELLED. The dead copy stays in its parent's or owner's
     * list (walks skip dead copies) until the caller calls {@link #unlistLeft()}, after its
     * master's dequeue: on a hot name that dequeue grants the next waiter, which should not wait
     * for the parent's monitor as well.
     *
     * @throws LockException IVLOCKID if the lock is dead already; SUBLOCKS if it has sublocks;
     *                       IVBUFLEN if a value block is to be written and the staged one is not
     *                       {@code valueLength} bytes long. Nothing changes then.
     */
    byte[] leave(int valueLength) {
        byte[] value;
        Abandoned abandoned;
        synchronized (this) {
            if (dead) {
                throw dequeued(this);
            }
            int subLocks = liveSubLocks();
            if (subLocks > 0) {
                throw new LockException(LockStatus.SUBLOCKS, "lock " + id + " on '" + name + "' has " + subLocks
                        + " sublock(s); dequeue them first (dequeueSublocks)");
            }
            boolean writes = valueLength > 0 && granted != null && granted.ordinal() >= LockMode.PW.ordinal();
            if (writes) {
                checkStagedLength(valueLength);
            }
            value = writes ? lksb.clone() : NO_VALUE;
            sentWhenLeft = sentTo != null;
            markDead();
            unlisted = true; // no sublocks, checked above; its caller takes it out (unlistLeft)
            abandoned = abandonLocked(LockStatus.CANCELLED);
        }
        abandoned.tell(this, LockStatus.CANCELLED);
        return value;
    }

    /**
     * Takes this copy, which {@link #leave} dequeued, out of its parent's or its owner's list; once,
     * by the thread that called {@code leave}. Its owner calls it once the dequeue on the master was
     * made (or handed on), so that until then the walks of the copies that find master entries
     * through them ({@link ClusterOwner#listed}) see it, and a waiter the dequeue grants does not
     * wait for the list.
     */
    void unlistLeft() {
        unlist();
    }

    private static final byte[] NO_VALUE = new byte[0];

    /** The failure of a request on a lock that is already dequeued. */
    static LockException dequeued(ClusterLock lock) {
        return new LockException(LockStatus.IVLOCKID, "lock " + lock.id + " on '" + lock.name + "' is already dequeued");
    }

    /**
     * Fails with IVBUFLEN unless the staged value block is {@code length} bytes long, as writing
     * it from the granted mode needs. Under the monitor.
     */
    void checkStagedLength(int length) {
        if (lksb.length != length) {
            throw new LockException(LockStatus.IVBUFLEN, "valueBlock: writing from " + granted + " needs a staged value of "
                    + length + " bytes, the lock has " + lksb.length + " bytes (call setValueBlock)");
        }
    }

    /** The pending request, if any, ends with {@code outcome} at once (dequeue, lost quorum, shutdown). */
    void abandonPending(LockStatus outcome) {
        Abandoned abandoned;
        synchronized (this) {
            abandoned = abandonLocked(outcome);
        }
        abandoned.tell(this, outcome);
    }

    /** What {@link #abandonLocked} leaves to tell outside the monitor. */
    private record Abandoned(CompletableFuture<Lock> done, CompletableFuture<Boolean> cancel, LockException failure,
                             Thread waiter, boolean exposed) {
        void tell(ClusterLock lock, LockStatus outcome) {
            wake(waiter, cancel, outcome);
            if (exposed) {
                lock.owner.manager.deliver(() -> done.completeExceptionally(failure));
            }
        }
    }

    private static final Abandoned NOTHING_PENDING = new Abandoned(null, null, null, null, false);

    /** {@link #abandonPending}'s part under the monitor. */
    private Abandoned abandonLocked(LockStatus outcome) {
        CompletableFuture<Lock> done = pending;
        pending = null;
        pendingConversion = false;
        CompletableFuture<Boolean> cancel = endCancel();
        if (done == null) {
            return cancel == null ? NOTHING_PENDING : new Abandoned(null, cancel, null, null, false);
        }
        status = outcome;
        LockException failure = new LockException(outcome, "request for '" + name + "' was not granted");
        boolean exposed = oweUnlessExposed();
        return new Abandoned(done, cancel, failure, ended(done, failure), exposed);
    }

    /**
     * Leaves the stage of the request that just ended ({@link #ended} recorded it), owed if it was
     * never handed out, and returns false; returns true if it was, and the caller has it completed
     * on the callback thread. Under the monitor, so a {@link #completion()} cannot hand it out
     * between the check and the record.
     */
    private boolean oweUnlessExposed() {
        if (stageExposed) {
            return true;
        }
        stageOwed = true;
        return false;
    }

    /** Completes the last ended request's stage if it is owed ({@link #stageOwed}). Under the monitor. */
    private void settleOwedStage() {
        if (stageOwed) {
            stageOwed = false;
            if (endedFailure == null) {
                endedStage.complete(this);
            } else {
                endedStage.completeExceptionally(endedFailure);
            }
        }
    }

    /**
     * Records how the request of {@code stage} ended; returns its synchronous caller to wake, or
     * null if there is none or it has not parked (it is still spinning, and sees {@link #syncWaiter}
     * cleared without an unpark, which would cost the ending thread a lock in the JVM's thread
     * list and the waiter's parker). Under the monitor, after {@link #oweUnlessExposed}: a stage
     * owed to a waiter is completed here, before the clear, so that the waiter reads a grant from
     * its stage ({@link #awaitEnd}); with no waiter it stays owed.
     */
    private Thread ended(CompletableFuture<Lock> stage, LockException failure) {
        endedStage = stage;
        endedFailure = failure;
        Thread waiter = syncWaiter;
        if (waiter != null) {
            settleOwedStage(); // read by the waiter once it sees the clear below
            syncWaiter = null; // a volatile write only when someone waits
            // read after that write, as the waiter reads syncWaiter after raising the flag: one of
            // the two sees the other's write, so a waiter that parks is always unparked
            return waiterParks ? waiter : null;
        }
        return null;
    }

    /**
     * A synchronous caller waits here for the request of {@code stage} to end: woken by the thread
     * that ends it (the protocol thread, or the one that received the grant), not through the
     * callback thread, which still completes {@code stage} for everyone else. Returns the failure
     * to throw, none if the request was granted; if the outcome can no longer be told (another
     * request on the lock ended since), the caller waits for {@code stage} instead. A request that
     * ended before the call is told as one that ends during it.
     *
     * <p>A grant is read without the monitor once {@link #syncWaiter} is cleared: the thread that
     * ends the request completes its stage (unless the stage was handed out) before it clears it,
     * in one monitor enter, and the stage, made for this request alone, says nothing else once
     * complete. Anything else (a failure, a stage handed out, a wake-up with the request still
     * pending) is read under the monitor.
     *
     * @throws InterruptedException if interrupted while the request is still pending
     */
    Outcome awaitEnd(CompletableFuture<Lock> stage) throws InterruptedException {
        Thread me = Thread.currentThread();
        // A request mastered on this node is granted by another thread of this node, most often
        // within microseconds: its caller spins first, as the embedded engine's callers do
        // (SpinWait). A remote master's grant comes by message, tens of microseconds later, so
        // its caller parks at once.
        boolean spin = masterEntry != null;
        while (true) {
            synchronized (this) {
                if (pending != stage) {
                    if (syncWaiter == me) {
                        syncWaiter = null;
                    }
                    return endedStage != stage ? UNKNOWN : endedFailure == null ? GRANTED : new Outcome(true, endedFailure);
                }
                syncWaiter = me;
            }
            if (Thread.interrupted()) {
                synchronized (this) {
                    if (syncWaiter == me) {
                        syncWaiter = null;
                    }
                }
                throw new InterruptedException();
            }
            if (spin) {
                spin = false;
                SpinWait.spinUntil(() -> syncWaiter != me);
            }
            if (syncWaiter == me) {
                waiterParks = true; // before the last check: see ended()
                if (syncWaiter == me) {
                    LockSupport.park(this);
                }
                waiterParks = false;
            }
            if (syncWaiter != me && stage.isDone() && !stage.isCompletedExceptionally()) {
                return GRANTED;
            }
        }
    }

    private static final Outcome GRANTED = new Outcome(true, null);
    private static final Outcome UNKNOWN = new Outcome(false, null);

    /** What {@link #awaitEnd} found: whether the outcome is known, and the failure (null when granted). */
    record Outcome(boolean known, LockException failure) {
    }

    void blocking(LockMode blockedMode) {
        BlockingHandler h;
        synchronized (this) {
            h = dead || rare == null ? null : rare.handler;
        }
        if (h != null) {
            owner.manager.deliver(() -> h.blocking(this, blockedMode));
        }
    }

    /** Counts one more refusal by a node that no longer masters the tree; returns the count. */
    synchronized int refused() {
        return ++rare().refusals;
    }

    /**
     * Lists {@code child}, a new copy of this lock's owner under this lock, if this lock is live
     * and granted (checked and listed at once, so this lock cannot be dequeued with a sublock it
     * has not listed); else false, and nothing changed. False too once the owner is closed: its
     * rundown read this list (under this monitor) after it marked the owner closed, and would
     * never dequeue the child, nor this lock, which would then have a sublock.
     */
    synchronized boolean adopt(ClusterLock child) {
        if (dead || granted == null || owner.isClosed()) {
            return false;
        }
        // the sublocks gone since the last enter: those at the head (a lock + unlock of sublocks
        // in turn leaves one there), and every one once the list has grown to twice its last size
        Rare r = rare();
        if (r.linkedSubLocks >= r.pruneAt) {
            r.pruneAt = Math.max(MIN_PRUNE_AT, 2 * liveSubLocks());
        } else {
            while (r.firstChild != null && r.firstChild.gone) {
                unlinkGone(r.firstChild);
            }
        }
        r.linkedSubLocks++;
        r.firstChild = push(r.firstChild, child);
        return true;
    }

    /**
     * Puts {@code l} at the head of the list of copies that starts at {@code head} (an owner's
     * roots or a copy's sublocks, guarded by that owner's or copy's monitor, which the caller
     * holds); returns the new head.
     */
    static ClusterLock push(ClusterLock head, ClusterLock l) {
        l.siblingNext = head;
        if (head != null) {
            head.siblingPrev = l;
        }
        l.linked = true;
        return l;
    }

    /** Takes {@code l}, which is in it, out of the list starting at {@code head} ({@link #push}); returns the head. */
    static ClusterLock unlink(ClusterLock head, ClusterLock l) {
        ClusterLock prev = l.siblingPrev;
        ClusterLock next = l.siblingNext;
        if (next != null) {
            next.siblingPrev = prev;
        }
        l.siblingPrev = null;
        l.siblingNext = null;
        l.linked = false;
        if (prev == null) {
            return next;
        }
        prev.siblingNext = next;
        return head;
    }

    /**
     * Adds this lock's listed sublocks (those not gone) to {@code into} (a snapshot of its list
     * now); returns whether this lock is live, read under the same monitor enter.
     */
    boolean addSubLocksTo(List<ClusterLock> into) {
        boolean live;
        boolean unlist;
        synchronized (this) {
            liveSubLocks(); // takes the gone ones out
            ClusterLock first = rare == null ? null : rare.firstChild;
            for (ClusterLock c = first; c != null; c = c.siblingNext) {
                into.add(c);
            }
            live = !dead;
            // a dead copy whose last sublock went since it died leaves its own list now (see claimUnlisting)
            unlist = dead && first == null && claimUnlisting();
        }
        if (unlist) {
            unlist();
        }
        return live;
    }

    /** How many sublocks this copy has linked, gone ones included (for tests of the list's clean-up). */
    synchronized int linkedSubLockCount() {
        return rare == null ? 0 : rare.linkedSubLocks;
    }

    synchronized byte[] stagedValue() {
        return lksb.clone();
    }

    synchronized CompletableFuture<Lock> pendingStage() {
        if (pending != null) {
            return pending;
        }
        settleOwedStage();
        return last;
    }

    // ---- Lock ----------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public String resourceName() {
        return name;
    }

    @Override
    public Namespace namespace() {
        return tree.namespace();
    }

    @Override
    public Optional<Lock> parent() {
        return Optional.ofNullable(parent);
    }

    @Override
    public LockOwner owner() {
        return owner;
    }

    @Override
    public synchronized LockMode grantedMode() {
        return granted;
    }

    @Override
    public synchronized LockMode requestedMode() {
        return requested;
    }

    @Override
    public synchronized Optional<LockQueue> queue() {
        return Optional.ofNullable(queue);
    }

    @Override
    public synchronized LockStatus status() {
        return pending != null ? LockStatus.PENDING : status;
    }

    @Override
    public synchronized long fencingToken() {
        return fence;
    }

    @Override
    public synchronized byte[] valueBlock() {
        return lksb.clone();
    }

    @Override
    public void setValueBlock(byte[] value) {
        if (value == null || (value.length != 16 && value.length != 64)) {
            throw new LockException(LockStatus.IVBUFLEN, "value must be 16 or 64 bytes long, was "
                    + (value == null ? "null" : value.length + " bytes"));
        }
        synchronized (this) {
            lksb = value.clone();
        }
    }

    @Override
    public CompletionStage<Lock> completion() {
        synchronized (this) { // one monitor enter: the request cannot end between the two
            return handOut(pendingStage());
        }
    }

    /**
     * Hands {@code stage}, the stage of a request of this lock, out to user code: from now on it is
     * completed when its request ends, on the callback thread, whether or not anyone asks for it
     * again; if it ended already, it is completed now.
     */
    CompletionStage<Lock> handOut(CompletableFuture<Lock> stage) {
        synchronized (this) {
            if (pending == stage) {
                stageExposed = true;
            } else if (endedStage == stage) {
                settleOwedStage();
            }
        }
        return stage.copy();
    }

    @Override
    public synchronized LockInfo info() {
        List<String> path = new java.util.ArrayList<>();
        for (ClusterLock l = this; l != null; l = l.parent) {
            path.add(0, l.name);
        }
        return new LockInfo(id, name, List.copyOf(path), tree.namespace(), parent == null ? 0 : parent.id,
                owner.name(), granted, requested, queue, status, fence, lksb.clone(), 0, List.of(), List.of());
    }

    /**
     * The lock id's hash: a copy is kept in hash sets and maps on every request, and an identity
     * hash would cost the JVM a header update on each new copy. Equality stays identity.
     */
    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public String toString() {
        LockMode held = grantedMode();
        LockMode wanted = requestedMode();
        String modes = held == null ? (wanted == null ? "no mode" : "waiting " + wanted)
                : wanted == null || wanted == held ? held.name() : held + "->" + wanted;
        return "Lock[" + name + " " + modes + " owner=" + owner.name() + "]";
    }
}
