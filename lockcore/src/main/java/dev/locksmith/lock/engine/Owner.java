package dev.locksmith.lock.engine;

import dev.locksmith.lock.ClearListener;
import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A lock owner. Requests are checked here, before anything changes, then made on the
 * {@link Engine}; a request takes no lock of the owner's, only its resource's stripe.
 *
 * <p>The owner's locks are a lock-free list, newest first: the engine pushes a new lock with
 * one CAS while it holds the lock's stripe, a lock that dies is only marked dead, a push links
 * past a dead head, and other dead entries are unlinked by {@link #compact()} once they
 * outnumber the live ones, so the list costs amortized constant time. Pushers touch only the
 * head; the one compactor at a time (under the owner's monitor) touches only links behind it,
 * so a reader walking from the head always sees a well-formed list.
 *
 * <p>Rundown and a racing request meet Dekker-style: the engine pushes the new lock and then
 * reads {@code closed}; {@link #close()} writes {@code closed} and then walks the list. At
 * least one of them sees the other, so every lock is either refused with OWNERCLOSED or run
 * down. The monitor guards only the slow paths: rundown, DEQALL, administrative clear and
 * compaction. Lock order: owner monitor, then stripe lock; the engine never takes an owner's
 * monitor.
 */
final class Owner implements LockOwner {
    private static final System.Logger LOG = System.getLogger(Owner.class.getName());
    private static final int SYSTEM_SCOPE_HASH = Resource.scopeHash(Namespace.SYSTEM);
    private static final int LOCAL_SCOPE_HASH = Resource.scopeHash(Namespace.LOCAL);
    final Engine engine;
    private final String name;
    private final int group;
    private final int deadlockPriority;
    private final Namespace groupSpace;
    /** {@link Resource#scopeHash} of {@link #groupSpace}, ready before a request looks for its stripe. */
    private final int groupScopeHash;
    /** Creation order: among equal priorities the youngest owner is the deadlock victim. */
    final long sequence;

    private final Consumer<Owner> onClose;
    private final List<ClearListener> clearListeners = new CopyOnWriteArrayList<>();

    private static final java.lang.invoke.VarHandle HEAD;

    static {
        try {
            HEAD = java.lang.invoke.MethodHandles.lookup().findVarHandle(Owner.class, "head", LockBlock.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Newest lock of the list linked through {@link LockBlock#oNext}; dead entries included until compacted. */
    private volatile LockBlock head;
    volatile boolean closed;
    /**
     * Deaths since the owner was made: a heuristic for compaction, so racy increments do. Dead
     * heads that pushes dropped are counted too, so a compaction may find little to unlink.
     */
    private int deaths;
    private int deathsAtCompaction;
    private int liveAtCompaction;

    Owner(Engine engine, String name, int group, int deadlockPriority, long sequence, Consumer<Owner> onClose) {
        this.engine = engine;
        this.onClose = onClose;
        this.name = name;
        this.group = group;
        this.deadlockPriority = deadlockPriority;
        this.groupSpace = Namespace.group(group);
        this.groupScopeHash = Resource.scopeHash(groupSpace);
        this.sequence = sequence;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long id() {
        return sequence;
    }

    @Override
    public void addClearListener(ClearListener listener) {
        if (listener == null) {
            throw new LockException(LockStatus.BADPARAM, "listener must not be null");
        }
        clearListeners.add(listener);
    }

    @Override
    public int group() {
        return group;
    }

    @Override
    public int deadlockPriority() {
        return deadlockPriority;
    }

    // ---- requests -------------------------------------------------------------------------

    @Override
    public Lock enqueue(LockRequest request) throws InterruptedException {
        LockBlock lock = newLock(request);
        Pending p = submitNew(lock, request, Thread.currentThread());
        return p == null ? result(lock, false) : await(lock, p, false);
    }

    /** The plain request (no flags, parent, timeout or handler) without building a {@link LockRequest}. */
    @Override
    public Lock enqueue(String name, LockMode mode) throws InterruptedException {
        if (mode == null) {
            throw new LockException(LockStatus.IVMODE, "mode must not be null");
        }
        LockBlock lock = new LockBlock(this, null);
        Pending p = submit(lock, name, mode, 0, -1, Thread.currentThread());
        return p == null ? result(lock, false) : await(lock, p, false);
    }

    @Override
    public Lock enqueueAsync(LockRequest request) {
        LockBlock lock = newLock(request);
        submitNew(lock, request, null);
        return lock;
    }

    @Override
    public Lock convert(Lock lock, LockRequest conversion) throws InterruptedException {
        LockBlock block = ownLock(lock);
        RequestChecks.checkConversion(conversion);
        Pending p = submitConversion(block, conversion, Thread.currentThread());
        return p == null ? result(block, true) : await(block, p, true);
    }

    @Override
    public CompletionStage<Lock> convertAsync(Lock lock, LockRequest conversion) {
        LockBlock block = ownLock(lock);
        RequestChecks.checkConversion(conversion);
        Pending p = submitConversion(block, conversion, null);
        if (p == null) {
            CompletableFuture<Lock> done = new CompletableFuture<>();
            Engine.complete(done, block, block.statusValue(), true, null);
            return done;
        }
        return p.future;
    }

    /** Dequeues writing no value block, without the varargs array of {@link #dequeue(Lock, LockFlag...)}. */
    @Override
    public void dequeue(Lock lock) {
        LockBlock block = ownLock(lock);
        checkOpen();
        engine.dequeue(block, 0, false);
    }

    @Override
    public void dequeue(Lock lock, LockFlag... flags) {
        LockBlock block = ownLock(lock);
        int valueLength = RequestChecks.dequeueValueLength(flags);
        checkOpen();
        engine.dequeue(block, valueLength, false);
    }

    @Override
    public void dequeueSublocks(Lock lock) {
        LockBlock block = ownLock(lock);
        synchronized (this) {
            checkOpen();
            if (block.dead) {
                throw new LockException(LockStatus.IVLOCKID, "lock " + block.id() + " is already dequeued");
            }
            for (LockBlock l : deepestFirst(descendantsOf(block))) {
                engine.dequeueIfLive(l, false);
            }
        }
    }

    @Override
    public void dequeueAll() {
        synchronized (this) {
            checkOpen();
            rundown(false);
        }
    }

    @Override
    public boolean cancel(Lock lock) {
        LockBlock block = ownLock(lock);
        // A request that ended without a grant (timeout, deadlock victim…) just before the
        // cancel is not an error: the caller cannot know. A lock the owner dequeued is.
        if (block.dead && block.status().isGranted()) {
            throw new LockException(LockStatus.IVLOCKID, "lock " + block.id() + " is already dequeued");
        }
        return engine.endIfPending(block, null, LockStatus.CANCELLED);
    }

    @Override
    public List<Lock> locks() {
        return new ArrayList<>(linked());
    }

    @Override
    public void close() {
        end(false);
    }

    @Override
    public void abort() {
        end(true);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private synchronized void end(boolean abnormal) {
        if (closed) {
            return;
        }
        closed = true;
        rundown(abnormal);
        onClose.accept(this);
    }

    // ---- administrative clear (LKE CLEAR) ----------------------------------------------------------

    /** The live lock of this owner with {@code id}, or null. */
    LockBlock find(long id) {
        for (LockBlock l : linked()) {
            if (!l.dead && l.id() == id) {
                return l;
            }
        }
        return null;
    }

    /** How often a clear takes its list again for sublocks requested meanwhile before it gives up. */
    private static final int MAX_CLEAR_ATTEMPTS = 10_000;

    /**
     * Clears {@code target} and its sublocks, or every lock of this owner if null, by the
     * abnormal-rundown path; then tells the clear listeners, outside the monitor. A sublock that
     * another thread of this owner requests while the clear runs is cleared too: its parent
     * counts it before the owner lists it, so the parent's dequeue fails SUBLOCKS until the list
     * taken again shows it (a cluster master, which clears a lock whose entry it has already
     * removed, would otherwise leave it granted).
     *
     * @return the number of locks cleared
     */
    int clear(LockBlock target) {
        List<Lock> cleared = new ArrayList<>();
        synchronized (this) {
            for (int attempt = 1; ; attempt++) {
                List<LockBlock> victims = target == null ? linked() : descendantsOf(target);
                if (target != null) {
                    victims.add(target);
                }
                try {
                    for (LockBlock l : deepestFirst(victims)) {
                        // a lock whose waiting request ended just now (timeout, deadlock) has nothing to clear
                        if (!engine.isShutdown() && engine.dequeueIfLive(l, true)) {
                            cleared.add(l);
                        }
                    }
                    break;
                } catch (LockException e) {
                    if (e.status() != LockStatus.SUBLOCKS || attempt >= MAX_CLEAR_ATTEMPTS) {
                        throw e;
                    }
                    Thread.yield(); // the racing request lists its lock (or gives the count back) at once
                }
            }
        }
        if (!cleared.isEmpty()) {
            for (ClearListener listener : clearListeners) {
                try {
                    listener.cleared(this, List.copyOf(cleared));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "clear listener of owner '" + name + "' failed", e);
                }
            }
        }
        return cleared.size();
    }

    /**
     * Dequeues every live lock, sublocks first. Requests racing a close refuse themselves, but
     * a sublock made just before may still hold its parent; so repeat until nothing is left.
     */
    private void rundown(boolean abnormal) {
        List<LockBlock> live;
        while (!engine.isShutdown() && !(live = linked()).isEmpty()) {
            for (LockBlock l : deepestFirst(live)) {
                try {
                    engine.dequeueIfLive(l, abnormal);
                } catch (LockException e) {
                    if (e.status() != LockStatus.SUBLOCKS) {
                        throw e;
                    }
                }
            }
            compact();
        }
    }

    // ---- submission --------------------------------------------------------------------------

    private LockBlock newLock(LockRequest request) {
        checkNew(request);
        return newLock(request.parent(), request.flagBits(), request.blockingHandler());
    }

    /** A new lock of this owner under {@code parent} (checked, or null), with the request's flags and handler. */
    private LockBlock newLock(Lock parent, int flagBits, dev.locksmith.lock.BlockingHandler handler) {
        LockBlock lock = new LockBlock(this, (LockBlock) parent);
        lock.flags = LockBlock.flagBits(flagBits);
        if (handler != null) {
            lock.blockingHandler(handler);
        }
        return lock;
    }

    /** See {@link LocalLockManager#enqueueAsync(LockOwner, LockRequest, LocalLockManager.EndListener)}. */
    Lock enqueueAsync(LockRequest request, LocalLockManager.EndListener listener) {
        if (request == null) {
            RequestChecks.checkNew(request); // fails as every request call does for a null request
        }
        return enqueueAsync(request.parent(), request.name(), request.mode(), request.flagBits(),
                request.timeoutNanos(), request.blockingHandler(), listener);
    }

    /**
     * See {@link LocalLockManager#enqueueAsync(LockOwner, Lock, String, LockMode, int, long,
     * dev.locksmith.lock.BlockingHandler, LocalLockManager.EndListener)}.
     */
    Lock enqueueAsync(Lock parent, String resourceName, LockMode mode, int flagBits, long timeoutNanos,
                      dev.locksmith.lock.BlockingHandler handler, LocalLockManager.EndListener listener) {
        RequestChecks.checkNew(resourceName, mode, flagBits, timeoutNanos);
        checkParent(parent, flagBits);
        LockBlock lock = newLock(parent, flagBits, handler);
        if (submit(lock, resourceName, mode, flagBits, timeoutNanos, listener) != null && listener != null) {
            listener.waiting();
        }
        return lock;
    }

    private Pending submitNew(LockBlock lock, LockRequest request, Object waiter) {
        return submit(lock, request.name(), request.mode(), request.flagBits(), request.timeoutNanos(), waiter);
    }

    private Pending submit(LockBlock lock, String resourceName, LockMode mode, int flags, long timeoutNanos, Object waiter) {
        Names.checkPresent(resourceName);
        int nameHash = resourceName.hashCode();
        checkOpen();
        LockBlock parent = lock.parent;
        Namespace space;
        int scopeHash;
        Resource parentResource = null;
        if (parent != null) {
            engine.addSubLock(parent);
            parentResource = parent.resource;
            space = parentResource.namespace();
            scopeHash = parentResource.hash;
        } else if (Engine.has(flags, LockFlag.SYSTEM)) {
            space = Namespace.SYSTEM;
            scopeHash = SYSTEM_SCOPE_HASH;
        } else if (Engine.has(flags, LockFlag.LOCAL)) {
            space = Namespace.LOCAL;
            scopeHash = LOCAL_SCOPE_HASH;
        } else {
            space = groupSpace;
            scopeHash = groupScopeHash;
        }
        Pending p;
        try {
            p = engine.enqueue(lock, mode, flags, timeoutNanos, space, parentResource, resourceName,
                    Resource.hash(scopeHash, nameHash), waiter);
        } catch (RuntimeException e) {
            if (parent != null && lock.resource == null) {
                parent.releaseSubLock();
            }
            throw e;
        }
        if (deaths - deathsAtCompaction > Math.max(32, liveAtCompaction)) {
            compact();
        }
        return p;
    }

    private Pending submitConversion(LockBlock lock, LockRequest request, Thread waiter) {
        checkOpen();
        return engine.convert(lock, request, waiter);
    }

    /** Adds a new lock at the head of the list; called by the engine under the lock's stripe. */
    void push(LockBlock lock) {
        LockBlock h;
        do {
            h = head;
            // A dead head, typically the lock this owner dequeued last, is dropped in passing: an
            // owner that takes and releases locks in turn then leaves compact() nothing to walk.
            lock.oNext = h != null && h.dead ? h.oNext : h;
        } while (!HEAD.compareAndSet(this, h, lock));
    }

    /** Notes that one of this owner's locks died (it stays listed until compaction). */
    void noteDeath() {
        deaths++;
    }

    /**
     * Unlinks dead entries; one compactor at a time, concurrent pushers and readers welcome.
     * Each run of dead entries is unlinked with one write, not a write (with its GC barrier)
     * per entry.
     */
    synchronized void compact() {
        int live = 0;
        LockBlock h = head;
        LockBlock firstLive = liveFrom(h);
        if (firstLive != h && HEAD.compareAndSet(this, h, firstLive)) {
            h = firstLive;
        } else {
            // A push won the race: the dead entries it covered are unlinked below, behind it.
            h = head;
        }
        if (h != null) {
            live = h.dead ? 0 : 1;
            LockBlock prev = h;
            LockBlock n = h.oNext;
            while (n != null) {
                if (n.dead) {
                    n = liveFrom(n);
                    prev.oNext = n;
                } else {
                    prev = n;
                    live++;
                    n = n.oNext;
                }
            }
        }
        deathsAtCompaction = deaths;
        liveAtCompaction = live;
    }

    /** The first live entry at or after {@code l}, or null. */
    private static LockBlock liveFrom(LockBlock l) {
        while (l != null && l.dead) {
            l = l.oNext;
        }
        return l;
    }

    /** The live locks, oldest first. */
    private List<LockBlock> linked() {
        List<LockBlock> list = new ArrayList<>();
        for (LockBlock l = head; l != null; l = l.oNext) {
            if (!l.dead) {
                list.add(l);
            }
        }
        java.util.Collections.reverse(list);
        return list;
    }

    /** This owner's locks with a pending request, for the deadlock detector. */
    List<LockBlock> pendingLocks() {
        List<LockBlock> list = new ArrayList<>();
        for (LockBlock l : linked()) {
            if (l.pending() != null) {
                list.add(l);
            }
        }
        return list;
    }

    private List<LockBlock> descendantsOf(LockBlock ancestor) {
        List<LockBlock> list = new ArrayList<>();
        for (LockBlock l : linked()) {
            for (LockBlock p = l.parent; p != null; p = p.parent) {
                if (p == ancestor) {
                    list.add(l);
                    break;
                }
            }
        }
        return list;
    }

    private static List<LockBlock> deepestFirst(List<LockBlock> locks) {
        locks.sort(Comparator.comparingInt(LockBlock::depth).reversed());
        return locks;
    }

    // ---- waiting and results ---------------------------------------------------------------------

    private Lock await(LockBlock lock, Pending p, boolean conversion) throws InterruptedException {
        boolean interrupted = false;
        LockStatus outcome;
        boolean spun = false;
        while ((outcome = p.outcome) == null) {
            // Most waits on a busy resource end within microseconds: spin (as SpinWait says)
            // before paying for a park and the unpark that wakes it.
            if (!spun) {
                spun = true;
                if (SpinWait.spinUntil(() -> p.outcome != null)) {
                    continue;
                }
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                boolean cancelled = engine.endIfPending(lock, p, LockStatus.CANCELLED);
                if (cancelled) {
                    throw new InterruptedException("interrupted while waiting for " + describe(lock, conversion)
                            + "; the request was cancelled");
                }
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result(lock, outcome, conversion, p.report);
    }

    /** The result of a request that ended at once, as its lock's status says. */
    private static Lock result(LockBlock lock, boolean conversion) {
        if (lock.statusGranted()) {
            return lock;
        }
        throw failure(lock, lock.statusValue(), conversion);
    }

    private static Lock result(LockBlock lock, LockStatus status, boolean conversion, DeadlockReport report) {
        if (status.isGranted()) {
            return lock;
        }
        throw failure(lock, status, conversion, report);
    }

    static LockException failure(LockBlock lock, LockStatus status, boolean conversion) {
        return failure(lock, status, conversion, null);
    }

    /** The exception of a request that ended with {@code status}; a deadlock victim's carries {@code report}. */
    static LockException failure(LockBlock lock, LockStatus status, boolean conversion, DeadlockReport report) {
        return new LockException(status, describe(lock, conversion) + " was not granted", report);
    }

    private static String describe(LockBlock lock, boolean conversion) {
        return (conversion ? "conversion of lock on '" : "request for '") + lock.resourceName() + "'";
    }

    // ---- argument checks (before any state changes) ---------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new LockException(LockStatus.OWNERCLOSED, "owner '" + name + "' is closed");
        }
    }

    private LockBlock ownLock(Lock lock) {
        if (lock instanceof LockBlock block && block.owner == this) {
            return block;
        }
        if (lock == null) {
            throw new LockException(LockStatus.IVLOCKID, "lock must not be null");
        }
        if (!(lock instanceof LockBlock block) || block.owner.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "lock is not a lock of this lock manager");
        }
        if (block.owner != this) {
            throw new LockException(LockStatus.IVLOCKID, "lock " + block.id() + " on '" + block.resourceName()
                    + "' belongs to owner '" + block.owner.name + "', not '" + name + "'");
        }
        return block;
    }

    private void checkNew(LockRequest request) {
        RequestChecks.checkNew(request);
        checkParent(request.parent(), request.flagBits());
    }

    /** Checks that {@code parent} (null: none) may be the parent of a new request of this owner with {@code flagBits}. */
    private void checkParent(Lock parent, int flagBits) {
        if (parent != null) {
            if (Engine.has(flagBits, LockFlag.SYSTEM) || Engine.has(flagBits, LockFlag.LOCAL)) {
                throw new LockException(LockStatus.BADPARAM, "flags: a sublock lives in its parent's namespace; SYSTEM/LOCAL not allowed with a parent");
            }
            if (!(parent instanceof LockBlock p) || p.owner.engine != engine) {
                throw new LockException(LockStatus.PARNOTGRANT, "parent is not a lock of this lock manager");
            }
            if (p.owner != this) {
                throw new LockException(LockStatus.PARNOTGRANT, "parent lock " + p.id() + " on '" + p.resourceName()
                        + "' belongs to owner '" + p.owner.name + "', not '" + name + "'");
            }
        }
    }

    @Override
    public String toString() {
        return "LockOwner[" + name + " group=" + group + " priority=" + deadlockPriority + "]";
    }
}
