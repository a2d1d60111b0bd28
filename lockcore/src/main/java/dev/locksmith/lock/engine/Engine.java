package dev.locksmith.lock.engine;

import dev.locksmith.lock.ContentionPolicy;
import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.TreeActivity;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import dev.locksmith.lock.Lock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The resource database and its grant rules (OpenVMS {@code $ENQ}/{@code $DEQ}, after Davis,
 * "VAXcluster Principles", as quoted in Linux {@code fs/dlm/lock.c}):
 * <ul>
 *   <li>a new request is granted at once only if the conversion and waiting queues are empty
 *       and its mode is compatible with every granted mode (EXPEDITE NL requests skip this);</li>
 *   <li>a conversion is granted in place if compatible with the other granted modes, unless
 *       QUECVT is given and conversions already wait; queued conversions are served FIFO.
 *       QUECVT is refused (BADPARAM, nothing changed) outside the VMS table of legal QUECVT
 *       conversions ({@link RequestChecks#checkQuecvt}), so a down-conversion never waits;</li>
 *   <li>a waiting request is granted only when the conversion queue is empty and it is first;</li>
 *   <li>after every release, down-conversion, cancel or failure the queues are re-examined in
 *       that order.</li>
 * </ul>
 * A request with {@link LockFlag#NOORDER} disregards the queues' order: it is granted as soon
 * as its mode is compatible with the granted modes, within the bound that flag states.
 *
 * <p>Under {@link ContentionPolicy#FAIR} an overdue new request is served before conversions asked
 * after it, and overdue requests hold back later conversions that would newly block them, as far
 * as that cannot deadlock (see {@link #heldBackBy}); a held-back conversion lets the conversions
 * behind it pass.
 *
 * <p>Requests are message-shaped: each operation runs under one stripe lock, never blocks,
 * and reports what happened to others as {@link Events} delivered after the lock is released:
 * parked threads are unparked, asynchronous completions and blocking callbacks go to the
 * callback executor. Callers (owners) wait, if they wait, outside the engine.
 */
final class Engine {
    static final int STRIPE_BITS = 9;
    private static final int STRIPE_MASK = (1 << STRIPE_BITS) - 1;
    private static final int PW = LockMode.PW.ordinal();
    private static final byte[] QUEUES_PENDING = {Resource.CONVERTING, Resource.WAITING};
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Stripe[] stripes = new Stripe[1 << STRIPE_BITS];
    private final ContentionPolicy policy;
    private final long starvationNanos;
    private final long deadlockWaitNanos;
    private final Executor callbacks;
    private final ScheduledThreadPoolExecutor timer;
    private final long startNanos = System.nanoTime();
    private volatile int nowSecond;
    private volatile boolean shutdown;
    private final AtomicLong lockIds = new AtomicLong();
    private final LongAdder deadlockSearches = new LongAdder();
    private final DeadlockDetector detector;
    /** The manager's name, for deadlock reports. */
    final String name;
    final DeadlockLog deadlocks;

    Engine(String name, ContentionPolicy policy, long starvationNanos, long deadlockWaitNanos, Executor callbacks) {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe(i);
        }
        this.policy = policy;
        this.starvationNanos = starvationNanos;
        this.deadlockWaitNanos = deadlockWaitNanos;
        this.callbacks = callbacks;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "locksmith-timer-" + name);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS);
        this.detector = new DeadlockDetector(this);
        this.name = name;
        this.deadlocks = new DeadlockLog(callbacks);
    }

    private void tick() {
        nowSecond = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
    }

    Stripe stripeOf(LockBlock lock) {
        return lock.resource.stripe;
    }

    Stripe stripeOf(Resource r) {
        return r.stripe;
    }

    long nextLockId() {
        return lockIds.incrementAndGet();
    }

    ContentionPolicy policy() {
        return policy;
    }

    // ---- requests ----------------------------------------------------------------------------

    /**
     * A new request for {@code lock} on {@code name}, whose {@link Resource#hash} under its
     * namespace or parent is {@code hash}. Returns null if the request ended at once (granted, or
     * NOTQUEUED / TIMEOUT; see the lock's status), otherwise the pending wait.
     */
    Pending enqueue(LockBlock lock, LockMode mode, int flags, long timeoutNanos, Namespace namespace, Resource parent,
                    String name, int hash, Object waiter) {
        Stripe s = stripes[hash & STRIPE_MASK];
        Events events = null;
        s.lock();
        try {
            checkRunning();
            Resource r = s.acquire(namespace, parent, name, hash, nowSecond);
            lock.resource = r;
            lock.owner.push(lock);
            if (lock.owner.closed) {
                // The owner's rundown may have walked its list before this lock was on it.
                lock.status(LockStatus.OWNERCLOSED);
                kill(lock);
                if (r.isUnused()) {
                    s.release(r);
                }
                return null;
            }
            s.newRequests++;
            countRequest(r, parent == null);
            lock.requested = (byte) mode.ordinal();
            if (has(flags, LockFlag.EXPEDITE)
                    || (r.converting == null && r.waiting == null && r.compatibleWithGranted(mode, null))) {
                grant(s, r, lock, mode, LockStatus.SYNCH);
                r.append(Resource.GRANTED, lock);
                tellGrantedAtOnce(lock, waiter);
                return null;
            }
            if (has(flags, LockFlag.NOORDER) && r.compatibleWithGranted(mode, null)
                    && starvedBy(r, lock, mode) == null) {
                countPasses(r, lock, mode);
                grant(s, r, lock, mode, LockStatus.SYNCH);
                r.append(Resource.GRANTED, lock);
                tellGrantedAtOnce(lock, waiter);
                return null;
            }
            if (has(flags, LockFlag.NOQUEUE) || timeoutNanos == 0) {
                lock.status(refuse(s, flags));
                lock.requested = LockBlock.NO_MODE;
                kill(lock);
                s.ungranted++;
                if (r.isUnused()) {
                    s.release(r);
                }
                return null;
            }
            r.append(Resource.WAITING, lock);
            lock.status(LockStatus.PENDING);
            Pending p = startWait(s, lock, false, waiter, timeoutNanos);
            events = queued(s, r, lock);
            return p;
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    /** A conversion of a granted lock; returns as {@link #enqueue}. A refused conversion leaves the lock as it was. */
    Pending convert(LockBlock lock, LockRequest request, Thread waiter) {
        Stripe s = stripeOf(lock);
        Events events = null;
        s.lock();
        try {
            checkRunning();
            checkLive(lock);
            if (lock.queue != Resource.GRANTED) {
                throw new LockException(LockStatus.CVTUNGRANT, "lock " + lock.id() + " on '" + lock.resourceName()
                        + (lock.queue == Resource.WAITING ? "' is still waiting for its first grant"
                                                          : "' already has a conversion pending"));
            }
            LockMode mode = request.mode();
            byte newFlags = LockBlock.flagBits(request);
            RequestChecks.checkQuecvt(LockMode.ofOrdinal(lock.granted), request);
            checkValueToWrite(lock, RequestChecks.valueLength(request), mode.ordinal());

            Resource r = lock.resource;
            lock.flags = newFlags;
            if (request.blockingHandler() != null) {
                lock.blockingHandler(request.blockingHandler());
            }
            s.conversions++;
            countRequest(r, r.parent() == null);
            boolean behindOthers = request.has(LockFlag.QUECVT) && r.converting != null;
            boolean noOrder = request.has(LockFlag.NOORDER);
            if (!behindOthers && r.compatibleWithGranted(mode, lock)
                    && (policy != ContentionPolicy.FAIR || heldBackBy(r, lock, mode, System.nanoTime()) == null)
                    && (!noOrder || starvedBy(r, lock, mode) == null)) {
                if (noOrder) {
                    countPasses(r, lock, mode);
                }
                grant(s, r, lock, mode, LockStatus.SYNCH);
                if (r.converting != null || r.waiting != null) {
                    events = reexamine(s, r, null);
                }
                return null;
            }
            if (request.has(LockFlag.NOQUEUE) || request.timeoutNanos() == 0) {
                lock.status(refuse(s, request.flagBits()));
                return null;
            }
            r.unlink(lock);
            r.append(Resource.CONVERTING, lock);
            lock.requested = (byte) mode.ordinal();
            lock.status(LockStatus.PENDING);
            Pending p = startWait(s, lock, true, waiter, request.timeoutNanos());
            events = queued(s, r, lock);
            return p;
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    /**
     * Dequeues {@code lock}, cancelling a pending request first. With a value-block length a
     * PW/EX lock writes its value block; {@code abnormal} marks it not valid instead.
     */
    void dequeue(LockBlock lock, int valueLength, boolean abnormal) {
        Stripe s = stripeOf(lock);
        Events events = null;
        s.lock();
        try {
            checkLive(lock);
            int subLocks = lock.subLocks();
            if (subLocks > 0) {
                throw new LockException(LockStatus.SUBLOCKS, "lock " + lock.id() + " on '" + lock.resourceName()
                        + "' has " + subLocks + " sublock(s); dequeue them first (dequeueSublocks)");
            }
            boolean writes = valueLength > 0 && lock.granted >= PW;
            if (writes && !hasStagedValue(lock, valueLength)) {
                throw new LockException(LockStatus.IVBUFLEN, valueBlockProblem(lock, valueLength));
            }
            Resource r = lock.resource;
            if (lock.pending() != null) {
                events = endPending(s, lock, LockStatus.CANCELLED, events);
                s.cancels++;
            }
            if (!lock.dead) {
                if (writes) {
                    r.writeValue(lock.lksb());
                } else if (abnormal && lock.granted >= PW) {
                    r.invalidateValue();
                }
                r.unlink(lock);
                kill(lock);
                lock.granted = LockBlock.NO_MODE;
                lock.requested = LockBlock.NO_MODE;
                s.dequeues++;
            }
            if (r.converting != null || r.waiting != null) {
                events = reexamine(s, r, events);
            } else if (r.granted == null) {
                s.release(r);
            }
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    /** As {@link #dequeue} without a value block, but false instead of IVLOCKID when the lock is already dead. */
    boolean dequeueIfLive(LockBlock lock, boolean abnormal) {
        try {
            dequeue(lock, 0, abnormal);
            return true;
        } catch (LockException e) {
            if (e.status() == LockStatus.IVLOCKID && lock.dead) {
                return false;
            }
            throw e;
        }
    }

    /** The lock has left every queue for good: its parent loses a sublock, its owner's list a live entry. */
    private static void kill(LockBlock lock) {
        lock.dead = true;
        if (lock.parent != null) {
            lock.parent.releaseSubLock();
        }
        lock.owner.noteDeath();
    }

    /**
     * Ends {@code lock}'s pending request with {@code status} if it is still {@code expected}
     * (any pending request if null). Returns false if nothing matching was pending.
     */
    boolean endIfPending(LockBlock lock, Pending expected, LockStatus status) {
        Stripe s = stripeOf(lock);
        Events events = null;
        s.lock();
        try {
            Pending pending = lock.pending();
            if (pending == null || (expected != null && pending != expected)) {
                return false;
            }
            events = fail(s, lock, status, null);
            return true;
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    /** Fails {@code lock}'s pending request, if any, as a deadlock victim whose failure carries {@code report}. */
    boolean failAsDeadlockVictim(LockBlock lock, DeadlockReport report) {
        Stripe s = stripeOf(lock);
        Events events = null;
        s.lock();
        try {
            Pending pending = lock.pending();
            if (pending == null) {
                return false;
            }
            pending.report = report;
            events = fail(s, lock, LockStatus.DEADLOCK, null);
            return true;
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    /** Ends a pending request with a failure status and lets the queues move; the caller holds the stripe. */
    Events fail(Stripe s, LockBlock lock, LockStatus status, Events events) {
        switch (status) {
            case TIMEOUT -> s.timeouts++;
            case DEADLOCK -> s.deadlockVictims++;
            case CANCELLED -> s.cancels++;
            default -> { }
        }
        Resource r = lock.resource;
        events = endPending(s, lock, status, events);
        events = reexamine(s, r, events);
        if (r.isUnused()) {
            s.release(r);
        }
        return events;
    }

    /** Checks that {@code parent} is granted and counts a sublock on it; the caller holds the owner. */
    void addSubLock(LockBlock parent) {
        Stripe s = stripeOf(parent);
        s.lock();
        try {
            if (parent.dead || (parent.queue != Resource.GRANTED && parent.queue != Resource.CONVERTING)) {
                throw new LockException(LockStatus.PARNOTGRANT, "parent lock " + parent.id() + " on '"
                        + parent.resourceName() + "' is " + (parent.dead ? "dequeued" : "not granted"));
            }
            parent.addSubLock();
        } finally {
            s.unlock();
        }
    }

    // ---- grant rules -------------------------------------------------------------------------

    private LockStatus grant(Stripe s, Resource r, LockBlock lock, LockMode mode, LockStatus base) {
        LockStatus status = base;
        int length = lock.valueBlockLength();
        if (length != 0) {
            if (lock.granted >= PW && mode.ordinal() <= lock.granted) {
                r.writeValue(lock.lksb());
            } else {
                byte[] lksb = lock.lksb();
                if (lksb == null || lksb.length != length) {
                    lksb = new byte[length];
                    lock.lksb(lksb);
                }
                status = r.readValue(lksb, base);
            }
        }
        lock.granted = (byte) mode.ordinal();
        lock.requested = lock.granted;
        lock.fence = ++s.fenceSeq;
        lock.highBast = LockBlock.NO_MODE;
        lock.status(status);
        return status;
    }

    private Events grantPending(Stripe s, Resource r, LockBlock lock, Events events) {
        Pending p = lock.pending();
        lock.pending(null);
        if (lock.has(LockBlock.F_NOORDER)) {
            s.noOrderWaits--;
        }
        r.unlink(lock);
        LockStatus status = grant(s, r, lock, LockMode.ofOrdinal(lock.requested), LockStatus.NORMAL);
        r.append(Resource.GRANTED, lock);
        if (isListener(p.waiter)) {
            p.grant = grantRead(lock); // under the lock already held: the listener's report reads none
        }
        p.outcome = status;
        return Events.ended(events, lock, p);
    }

    private Events endPending(Stripe s, LockBlock lock, LockStatus status, Events events) {
        Pending p = lock.pending();
        lock.pending(null);
        if (lock.has(LockBlock.F_NOORDER)) {
            s.noOrderWaits--;
        }
        Resource r = lock.resource;
        r.unlink(lock);
        if (p.conversion) {
            r.append(Resource.GRANTED, lock);
            lock.requested = lock.granted;
        } else {
            kill(lock);
            lock.requested = LockBlock.NO_MODE;
            s.ungranted++;
        }
        lock.status(status);
        p.outcome = status;
        return Events.ended(events, lock, p);
    }

    /** Grants what the queues now allow, conversions first, then sends blocking callbacks for what still waits. */
    private Events reexamine(Stripe s, Resource r, Events events) {
        boolean progress;
        do {
            progress = false;
            LockBlock c = r.converting;
            while (c != null) {
                LockMode mode = LockMode.ofOrdinal(c.requested);
                if (heldBackBy(r, c, mode, c.pending().since) != null) {
                    c = r.after(c);
                    continue;
                }
                if (!r.compatibleWithGranted(mode, c)) {
                    break;
                }
                events = grantPending(s, r, c, events);
                progress = true;
                c = r.converting;
            }
            LockBlock w;
            while ((w = r.waiting) != null && (r.converting == null || (overdue(w) && arrivedBefore(w, r.converting)))
                    && r.compatibleWithGranted(LockMode.ofOrdinal(w.requested), null)) {
                events = grantPending(s, r, w, events);
                progress = true;
            }
            LockBlock passing;
            if (!progress && s.noOrderWaits > 0 && (passing = grantableNoOrder(r)) != null) {
                countPasses(r, passing, LockMode.ofOrdinal(passing.requested));
                events = grantPending(s, r, passing, events);
                progress = true;
            }
        } while (progress && (r.converting != null || r.waiting != null));
        if (r.converting != null) {
            events = blockingFor(s, r, r.converting, events);
        }
        if (r.waiting != null) {
            events = blockingFor(s, r, r.waiting, events);
        }
        return events;
    }

    /**
     * FAIR: the overdue request that holds back the conversion of {@code c} to {@code mode},
     * asked at {@code askedAt} (System.nanoTime), or null. A conversion waits for an overdue
     * request (a conversion or a new request) asked before it that it would newly block: one
     * compatible with {@code c}'s granted mode but not with {@code mode}. Among overdue requests
     * that is arrival order, what a fair lock gives.
     *
     * <p>Holding a conversion back must never make a cycle, since its lock keeps its granted
     * mode meanwhile. Hold-backs point only to earlier requests, so a cycle would need an
     * earlier request waiting for {@code c}'s granted mode: so a conversion is not held back
     * while its granted mode blocks another conversion, and only waiters ahead of the first one
     * its granted mode blocks count. Conversions behind a held-back one pass it, and every new
     * wait re-examines the queues, so these conditions are checked whenever they can change.
     */
    private LockBlock heldBackBy(Resource r, LockBlock c, LockMode mode, long askedAt) {
        if (policy != ContentionPolicy.FAIR) {
            return null;
        }
        long now = System.nanoTime();
        int compatibleWithHeld = LockMode.ofOrdinal(c.granted).compatibleMask();
        int compatibleWithWanted = mode.compatibleMask();
        LockBlock holder = null;
        for (LockBlock o = r.converting; o != null; o = r.after(o)) {
            if (o == c) {
                continue;
            }
            int wanted = 1 << o.requested;
            if ((compatibleWithHeld & wanted) == 0) {
                return null;
            }
            if (holder == null && (compatibleWithWanted & wanted) == 0 && askedAt - o.pending().since > 0 && overdue(o, now)) {
                holder = o;
            }
        }
        if (holder != null) {
            return holder;
        }
        for (LockBlock w = r.waiting; w != null && askedAt - w.pending().since > 0 && overdue(w, now); w = r.after(w)) {
            int wanted = 1 << w.requested;
            if ((compatibleWithHeld & wanted) == 0) {
                return null;
            }
            if ((compatibleWithWanted & wanted) == 0) {
                return w;
            }
        }
        return null;
    }

    /**
     * NOORDER: the first pending NOORDER request on {@code r} (conversions first) that its
     * granted modes, a FAIR hold-back and starved waiters all allow now, or null.
     */
    private LockBlock grantableNoOrder(Resource r) {
        for (byte q : QUEUES_PENDING) {
            for (LockBlock l = r.head(q); l != null; l = r.after(l)) {
                LockMode mode = LockMode.ofOrdinal(l.requested);
                if (l.has(LockBlock.F_NOORDER) && r.compatibleWithGranted(mode, l)
                        && (q != Resource.CONVERTING || heldBackBy(r, l, mode, l.pending().since) == null)
                        && starvedBy(r, l, mode) == null) {
                    return l;
                }
            }
        }
        return null;
    }

    /**
     * NOORDER's bound on passing: the request waiting on {@code r} before {@code lock} (every
     * waiting request if {@code lock} does not wait) that NOORDER grants have passed
     * {@link LockFlag#NOORDER_PASS_LIMIT} times and that {@code mode} would newly block (it
     * conflicts with {@code mode} but not with the mode {@code lock} holds), or null. Such a
     * request holds {@code lock} back until it is granted or ends, so no stream of NOORDER
     * requests starves it for good.
     */
    private LockBlock starvedBy(Resource r, LockBlock lock, LockMode mode) {
        for (byte q : QUEUES_PENDING) {
            for (LockBlock w = r.head(q); w != null; w = r.after(w)) {
                if (w != lock && w.pending().passes >= LockFlag.NOORDER_PASS_LIMIT && newlyBlocks(lock, mode, w)
                        && waitedBefore(w, lock)) {
                    return w;
                }
            }
        }
        return null;
    }

    /** NOORDER: {@code lock} is about to be granted {@code mode}; each earlier waiter it newly blocks was passed once more. */
    private static void countPasses(Resource r, LockBlock lock, LockMode mode) {
        for (byte q : QUEUES_PENDING) {
            for (LockBlock w = r.head(q); w != null; w = r.after(w)) {
                if (w != lock && newlyBlocks(lock, mode, w) && waitedBefore(w, lock)) {
                    w.pending().passes++;
                }
            }
        }
    }

    /** Whether {@code lock} in {@code mode} blocks the pending {@code w} where its present mode (if any) does not. */
    private static boolean newlyBlocks(LockBlock lock, LockMode mode, LockBlock w) {
        int wanted = 1 << w.requested;
        int heldAllows = lock.granted < 0 ? -1 : LockMode.ofOrdinal(lock.granted).compatibleMask();
        return (mode.compatibleMask() & wanted) == 0 && (heldAllows & wanted) != 0;
    }

    /** Whether the pending {@code w} started waiting before {@code lock} did; true if {@code lock} does not wait. */
    private static boolean waitedBefore(LockBlock w, LockBlock lock) {
        Pending p = lock.pending();
        return p == null || p.since - w.pending().since > 0;
    }

    /**
     * A request was just queued on {@code r}: blocking callbacks for it, and under FAIR a new
     * look at the queues, since it may end a hold-back that would now make a cycle.
     */
    private Events queued(Stripe s, Resource r, LockBlock lock) {
        Events events = policy == ContentionPolicy.FAIR && r.converting != null ? reexamine(s, r, null) : null;
        return lock.pending() == null ? events : blockingFor(s, r, lock, events);
    }

    /** Whether the waiting request {@code w} started waiting before the conversion {@code c} was asked. */
    private static boolean arrivedBefore(LockBlock w, LockBlock c) {
        return c.pending().since - w.pending().since > 0;
    }

    private boolean overdue(LockBlock request) {
        return overdue(request, System.nanoTime());
    }

    private boolean overdue(LockBlock request, long now) {
        if (policy != ContentionPolicy.FAIR) {
            return false;
        }
        Pending p = request.pending();
        return p != null && now - p.since >= starvationNanos;
    }

    /** Blocking callbacks to granted (not converting) locks in the way of {@code blocked}, once per mode until regranted. */
    private Events blockingFor(Stripe s, Resource r, LockBlock blocked, Events events) {
        LockBlock head = r.granted;
        if (head == null) {
            return events;
        }
        int mode = blocked.requested;
        int allowed = LockMode.ofOrdinal(mode).compatibleMask();
        LockBlock g = head;
        do {
            if (g != blocked && g.blockingHandler() != null && (allowed & (1 << g.granted)) == 0 && g.highBast < mode) {
                g.highBast = (byte) mode;
                s.blockingCallbacks++;
                events = Events.blocking(events, g, LockMode.ofOrdinal(mode));
            }
            g = g.qNext;
        } while (g != head);
        return events;
    }

    /**
     * The locks {@code lock}'s pending request waits for: granted modes in its way (those of
     * converting locks included), conversions ahead of it that are not held back (for a new
     * request: every conversion, or under FAIR once it is overdue those asked before it), new
     * requests ahead of it, and under FAIR the waiter that holds a conversion back. The caller
     * holds the stripe.
     */
    List<LockBlock> blockersOf(LockBlock lock) {
        List<LockBlock> blockers = new ArrayList<>(4);
        Pending pending = lock.pending();
        if (pending == null) {
            return blockers;
        }
        Resource r = lock.resource;
        LockMode mode = LockMode.ofOrdinal(lock.requested);
        int allowed = mode.compatibleMask();
        for (LockBlock g = r.granted; g != null; g = r.after(g)) {
            if ((allowed & (1 << g.granted)) == 0) {
                blockers.add(g);
            }
        }
        boolean ahead = true;
        boolean conversion = pending.conversion;
        boolean noOrder = lock.has(LockBlock.F_NOORDER);
        boolean overdue = !conversion && overdue(lock);
        for (LockBlock c = r.converting; c != null; c = r.after(c)) {
            if (c == lock) {
                ahead = false;
            } else if ((allowed & (1 << c.granted)) == 0
                    || (!noOrder && (conversion ? ahead && heldBackBy(r, c, LockMode.ofOrdinal(c.requested), c.pending().since) == null
                                                : !overdue || !arrivedBefore(lock, c)))) {
                blockers.add(c);
            }
        }
        if (noOrder) {
            LockBlock starved = starvedBy(r, lock, mode);
            if (starved != null && !blockers.contains(starved)) {
                blockers.add(starved);
            }
        }
        if (conversion) {
            LockBlock holder = heldBackBy(r, lock, mode, pending.since);
            if (holder != null && !blockers.contains(holder)) {
                blockers.add(holder);
            }
        } else if (!noOrder) {
            for (LockBlock w = r.waiting; w != null && w != lock; w = r.after(w)) {
                blockers.add(w);
            }
        }
        return blockers;
    }

    // ---- waiting, timers, delivery -------------------------------------------------------------

    private Pending startWait(Stripe s, LockBlock lock, boolean conversion, Object waiter, long timeoutNanos) {
        s.waits++;
        Pending p = new Pending(waiter, conversion, System.nanoTime());
        lock.pending(p);
        if (lock.has(LockBlock.F_NOORDER)) {
            s.noOrderWaits++;
        }
        if (timeoutNanos > 0) {
            p.timeoutTask = timer.schedule(() -> endIfPending(lock, p, LockStatus.TIMEOUT), timeoutNanos,
                    TimeUnit.NANOSECONDS);
        }
        scheduleDeadlockSearch(lock, p);
        if (!conversion && policy == ContentionPolicy.FAIR && starvationNanos > 0 && !shutdown) {
            p.overdueTask = timer.schedule(() -> becameOverdue(lock, p), starvationNanos, TimeUnit.NANOSECONDS);
        }
        return p;
    }

    /**
     * FAIR: a waiter that has just become overdue may now pass later conversions, and hold back
     * later ones, so the queues are examined again; nothing else would, if nothing else happens
     * on the resource.
     */
    private void becameOverdue(LockBlock lock, Pending p) {
        Stripe s = stripeOf(lock);
        Events events = null;
        s.lock();
        try {
            if (lock.pending() == p) {
                events = reexamine(s, lock.resource, null);
            }
        } finally {
            s.unlock();
            dispatch(events);
        }
    }

    void scheduleDeadlockSearch(LockBlock lock, Pending p) {
        if (deadlockWaitNanos > 0 && !shutdown) {
            p.deadlockTask = timer.schedule(() -> detector.search(lock, p), deadlockWaitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts a request on {@code r} towards its tree's activity; {@code isRoot} saves the walk to the root. */
    private void countRequest(Resource r, boolean isRoot) {
        Resource root = isRoot ? r : r.root();
        root.countRequest(nowSecond, isRoot);
    }

    static boolean has(int flags, LockFlag flag) {
        return (flags & (1 << flag.ordinal())) != 0;
    }

    private static LockStatus refuse(Stripe s, int flags) {
        if (has(flags, LockFlag.NOQUEUE)) {
            s.notQueued++;
            return LockStatus.NOTQUEUED;
        }
        s.timeouts++;
        return LockStatus.TIMEOUT;
    }

    /** Delivers what an operation collected; called with no engine lock held. */
    void dispatch(Events events) {
        if (events == null) {
            return;
        }
        for (int i = 0; i < events.endedCount; i++) {
            LockBlock lock = events.ended[i];
            Pending p = events.endedPending[i];
            cancelTimers(p);
            if (p.waiter instanceof Thread t) {
                LockSupport.unpark(t);
            } else if (p.waiter instanceof LocalLockManager.EndListener listener) {
                tell(listener, lock, p);
            }
            CompletableFuture<Lock> future = p.future;
            if (future != null) {
                LockStatus outcome = p.outcome;
                DeadlockReport report = p.report;
                deliver(() -> complete(future, lock, outcome, p.conversion, report));
            }
        }
        for (int i = 0; i < events.blockingCount; i++) {
            LockBlock lock = events.blocking[i];
            LockMode mode = events.blockedModes[i];
            var handler = lock.blockingHandler();
            deliver(() -> handler.blocking(lock, mode));
        }
    }

    /** A listener's request ended: told on this thread (no engine lock held), as its contract says. */
    private static void tell(LocalLockManager.EndListener listener, LockBlock lock, Pending p) {
        try {
            if (p.outcome.isGranted()) {
                listener.ended(p.grant, null);
            } else {
                listener.ended(null, Owner.failure(lock, p.outcome, p.conversion, p.report));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "end listener failed", e);
        }
    }

    static void complete(CompletableFuture<Lock> future, LockBlock lock, LockStatus outcome, boolean conversion,
                         DeadlockReport report) {
        if (outcome.isGranted()) {
            future.complete(lock);
        } else {
            future.completeExceptionally(Owner.failure(lock, outcome, conversion, report));
        }
    }

    /** See {@link LocalLockManager#grantOf}. */
    LocalLockManager.Grant grantOf(LockBlock lock) {
        Stripe s = stripeOf(lock);
        s.lock();
        try {
            if (lock.pending() != null || lock.dead || lock.granted < 0 || !lock.statusGranted()) {
                return null;
            }
            return grantRead(lock);
        } finally {
            s.unlock();
        }
    }

    /** The grant {@code lock} holds, read under its stripe lock. */
    private static LocalLockManager.Grant grantRead(LockBlock lock) {
        return new LocalLockManager.Grant(LockMode.ofOrdinal(lock.granted), lock.statusValue(), lock.fence,
                valueRead(lock));
    }

    /** A copy of {@code lock}'s value block, or the shared empty array when it has none; under its stripe lock. */
    private static byte[] valueRead(LockBlock lock) {
        byte[] value = lock.lksb();
        return value == null || value.length == 0 ? NO_VALUE : value.clone();
    }

    /** An empty value block, shared: nothing can be written to it. */
    private static final byte[] NO_VALUE = new byte[0];

    /** A request granted at once tells an {@link LocalLockManager.EndListener} its grant; under the stripe lock. */
    private static void tellGrantedAtOnce(LockBlock lock, Object waiter) {
        if (isListener(waiter)) {
            ((LocalLockManager.EndListener) waiter).grantedAtOnce(LockMode.ofOrdinal(lock.granted), lock.statusValue(),
                    lock.fence, valueRead(lock));
        }
    }

    /** Whether a request's waiter is an {@link LocalLockManager.EndListener}, the only other kind than a thread or none. */
    private static boolean isListener(Object waiter) {
        // a class check: the embedded path's waiter is its caller's thread or none, and an
        // interface check against a class that lacks it scans the class's secondary supertypes
        return waiter != null && !(waiter instanceof Thread);
    }

    /** The stage of {@code lock}'s last request: the pending one's, or a completed one. */
    CompletableFuture<Lock> completion(LockBlock lock) {
        Stripe s = stripeOf(lock);
        s.lock();
        try {
            Pending p = lock.pending();
            if (p != null) {
                if (p.future == null) {
                    p.future = new CompletableFuture<>();
                }
                return p.future;
            }
            CompletableFuture<Lock> done = new CompletableFuture<>();
            complete(done, lock, lock.statusValue(), lock.granted >= 0 && !lock.dead, null);
            return done;
        } finally {
            s.unlock();
        }
    }

    private void deliver(Runnable callback) {
        try {
            callbacks.execute(() -> {
                try {
                    callback.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, "lock callback failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "callback dropped: the callback executor is shut down");
        }
    }

    private static void cancelTimers(Pending p) {
        cancel(p.timeoutTask);
        cancel(p.deadlockTask);
        cancel(p.overdueTask);
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    // ---- checks -----------------------------------------------------------------------------

    private void checkRunning() {
        if (shutdown) {
            throw new LockException(LockStatus.SHUTDOWN, "the lock manager is shut down");
        }
    }

    private static void checkLive(LockBlock lock) {
        if (lock.dead) {
            throw new LockException(LockStatus.IVLOCKID, "lock " + lock.id() + " on '" + lock.resourceName()
                    + "' is already dequeued");
        }
    }

    /** A conversion from PW/EX down with a value block writes the staged value: it must have the flag's length. */
    private static void checkValueToWrite(LockBlock lock, int length, int newMode) {
        if (length > 0 && lock.granted >= PW && newMode <= lock.granted
                && !hasStagedValue(lock, length)) {
            throw new LockException(LockStatus.IVBUFLEN, valueBlockProblem(lock, length));
        }
    }

    private static boolean hasStagedValue(LockBlock lock, int length) {
        byte[] staged = lock.lksb();
        return staged != null && staged.length == length;
    }

    private static String valueBlockProblem(LockBlock lock, int length) {
        byte[] staged = lock.lksb();
        return "valueBlock: writing from " + LockMode.ofOrdinal(lock.granted) + " needs a staged value of "
                + length + " bytes, the lock has " + (staged == null ? "none" : staged.length + " bytes")
                + " (call setValueBlock)";
    }

    // ---- introspection and lifecycle ------------------------------------------------------------

    LockInfo info(LockBlock lock) {
        Stripe s = stripeOf(lock);
        s.lock();
        try {
            return infoLocked(lock);
        } finally {
            s.unlock();
        }
    }

    private LockInfo infoLocked(LockBlock lock) {
        Resource r = lock.resource;
        List<Long> blockedBy = new ArrayList<>();
        for (LockBlock b : blockersOf(lock)) {
            blockedBy.add(b.id());
        }
        List<Long> blocking = new ArrayList<>();
        if (!lock.dead) {
            for (byte q : new byte[] {Resource.CONVERTING, Resource.WAITING}) {
                for (LockBlock other = r.head(q); other != null; other = r.after(other)) {
                    if (blockersOf(other).contains(lock)) {
                        blocking.add(other.id());
                    }
                }
            }
        }
        Pending p = lock.pending();
        byte[] lksb = lock.lksb();
        return new LockInfo(lock.id(), r.name, r.path(), r.namespace(),
                lock.parent == null ? 0 : lock.parent.id(), lock.owner.name(),
                lock.granted < 0 ? null : LockMode.ofOrdinal(lock.granted),
                lock.requested < 0 ? null : LockMode.ofOrdinal(lock.requested),
                LockBlock.queueOf(lock.queue), lock.statusValue(), lock.fence,
                lksb == null ? new byte[0] : lksb.clone(),
                p == null ? 0 : System.nanoTime() - p.since, List.copyOf(blockedBy), List.copyOf(blocking));
    }

    private ResourceInfo resourceInfoLocked(Resource r) {
        return new ResourceInfo(r.path(), r.namespace(), r.valueCopy(), r.valueValid(),
                queueInfo(r, Resource.GRANTED), queueInfo(r, Resource.CONVERTING), queueInfo(r, Resource.WAITING));
    }

    private List<LockInfo> queueInfo(Resource r, byte queue) {
        List<LockInfo> list = new ArrayList<>();
        for (LockBlock l = r.head(queue); l != null; l = r.after(l)) {
            list.add(infoLocked(l));
        }
        return List.copyOf(list);
    }

    List<ResourceInfo> resources() {
        List<ResourceInfo> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.lock();
            try {
                s.forEach(r -> all.add(resourceInfoLocked(r)));
            } finally {
                s.unlock();
            }
        }
        return all;
    }

    List<LockInfo> locks() {
        List<LockInfo> all = new ArrayList<>();
        for (ResourceInfo r : resources()) {
            all.addAll(r.granted());
            all.addAll(r.converting());
            all.addAll(r.waiting());
        }
        return all;
    }

    Optional<ResourceInfo> resource(Namespace namespace, List<String> path) {
        if (path == null || path.isEmpty()) {
            throw new LockException(LockStatus.IVRESNAM, "path must name at least the root resource");
        }
        Resource parent = null;
        for (int i = 0; i < path.size(); i++) {
            String name = path.get(i);
            Names.checkPresent(name);
            int hash = Resource.hash(namespace, parent, name.hashCode());
            Stripe s = stripes[hash & STRIPE_MASK];
            s.lock();
            try {
                Resource r = s.find(namespace, parent, name, hash);
                if (r == null || r.isUnused()) {
                    return Optional.empty();
                }
                if (i == path.size() - 1) {
                    return Optional.of(resourceInfoLocked(r));
                }
                parent = r;
            } finally {
                s.unlock();
            }
        }
        return Optional.empty();
    }

    LockStatistics statistics() {
        long[] sum = new long[11];
        for (Stripe s : stripes) {
            s.lock();
            try {
                sum[0] += s.newRequests;
                sum[1] += s.conversions;
                sum[2] += s.dequeues;
                sum[3] += s.waits;
                sum[4] += s.notQueued;
                sum[5] += s.timeouts;
                sum[6] += s.cancels;
                sum[7] += s.deadlockVictims;
                sum[8] += s.blockingCallbacks;
                sum[9] += s.resources;
                sum[10] += s.locks();
            } finally {
                s.unlock();
            }
        }
        return new LockStatistics(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6],
                deadlockSearches.sum(), sum[7], sum[8], sum[9], sum[10]);
    }

    List<TreeActivity> hottestTrees(int n) {
        if (n < 0) {
            throw new LockException(LockStatus.BADPARAM, "n must not be negative, was " + n);
        }
        int now = nowSecond;
        PriorityQueue<TreeActivity> top = new PriorityQueue<>(Comparator.comparingDouble(TreeActivity::perSecond));
        for (Stripe s : stripes) {
            s.lock();
            try {
                s.forEachEntry(r -> {
                    // A tree made and removed by every request is unused between requests; its cached
                    // root still counts them, and such a tree is often the busiest of all.
                    double perSecond = r.parent() == null ? r.activity(now) : 0;
                    if (r.parent() == null && (!r.isUnused() || perSecond > 0)) {
                        top.add(new TreeActivity(r.name, r.namespace(), perSecond));
                        if (top.size() > n) {
                            top.poll();
                        }
                    }
                });
            } finally {
                s.unlock();
            }
        }
        List<TreeActivity> result = new ArrayList<>(top);
        result.sort(Comparator.comparingDouble(TreeActivity::perSecond).reversed());
        return result;
    }

    /** Raises every stripe's fencing sequence to at least {@code floor}; see {@link LocalLockManager#raiseFencingFloor}. */
    void raiseFencingFloor(long floor) {
        for (Stripe s : stripes) {
            s.lock();
            try {
                s.fenceSeq = Math.max(s.fenceSeq, floor);
            } finally {
                s.unlock();
            }
        }
    }

    /** The highest fencing token any stripe has given (or been raised to); see {@link LocalLockManager#fencingHighWater}. */
    long fencingHighWater() {
        long high = 0;
        for (Stripe s : stripes) {
            s.lock();
            try {
                high = Math.max(high, s.fenceSeq);
            } finally {
                s.unlock();
            }
        }
        return high;
    }

    /** Sets the value block of {@code lock}'s resource; see {@link LocalLockManager#restoreValueBlock}. */
    void restoreValueBlock(LockBlock lock, byte[] value, boolean valid) {
        Stripe s = stripeOf(lock);
        s.lock();
        try {
            checkLive(lock);
            Resource r = lock.resource;
            if (value.length > 0) {
                r.writeValue(value);
            }
            if (!valid) {
                r.invalidateValue();
            }
        } finally {
            s.unlock();
        }
    }

    void countDeadlockSearch() {
        deadlockSearches.increment();
    }

    Stripe[] stripes() {
        return stripes;
    }

    boolean isShutdown() {
        return shutdown;
    }

    /** Fails every pending request with SHUTDOWN and stops the timer. */
    void shutdown() {
        shutdown = true;
        for (Stripe s : stripes) {
            Events events = null;
            s.lock();
            try {
                List<LockBlock> pending = new ArrayList<>();
                s.forEach(r -> {
                    for (LockBlock l = r.converting; l != null; l = r.after(l)) {
                        pending.add(l);
                    }
                    for (LockBlock l = r.waiting; l != null; l = r.after(l)) {
                        pending.add(l);
                    }
                });
                for (LockBlock l : pending) {
                    Resource r = l.resource;
                    events = endPending(s, l, LockStatus.SHUTDOWN, events);
                    if (r.isUnused()) {
                        s.release(r);
                    }
                }
            } finally {
                s.unlock();
            }
            dispatch(events);
        }
        timer.shutdownNow();
    }

    /** Used by the detector: the wait of {@code waiter} for {@code blocker} as a report shows it; the caller holds their stripe. */
    static DeadlockReport.Wait waitOf(LockBlock waiter, LockBlock blocker) {
        Resource r = waiter.resource;
        return new DeadlockReport.Wait(waiter.owner.name(), waiter.owner.id(), null, r.namespace(), r.path(),
                modeOrNull(waiter.granted), LockMode.ofOrdinal(waiter.requested), blocker.owner.name(), null,
                modeOrNull(blocker.granted), blocker.pending() == null ? null : LockMode.ofOrdinal(blocker.requested));
    }

    private static LockMode modeOrNull(byte mode) {
        return mode < 0 ? null : LockMode.ofOrdinal(mode);
    }

    /** Used by the detector: the lock's current blockers, read under its stripe. */
    List<LockBlock> blockersSnapshot(LockBlock lock, Pending expected) {
        Stripe s = stripeOf(lock);
        s.lock();
        try {
            return lock.pending() == expected ? blockersOf(lock) : List.of();
        } finally {
            s.unlock();
        }
    }
}
