package dev.locksmith.lock.engine;

import dev.locksmith.lock.ClearListener;
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
 * {@link Engine} while holding this owner's monitor, which also guards the owner's list of
 * locks and its locks' sublock counts; so a rundown never races a request of the same owner.
 * The monitor is held only while the engine works, never while a request waits. Lock order:
 * owner monitor, then stripe lock; the engine never takes an owner's monitor holding a stripe.
 */
final class Owner implements LockOwner {
    private static final System.Logger LOG = System.getLogger(Owner.class.getName());
    final Engine engine;
    private final String name;
    private final int group;
    private final int deadlockPriority;
    private final Namespace groupSpace;
    /** Creation order: among equal priorities the youngest owner is the deadlock victim. */
    final long sequence;

    private final Consumer<Owner> onClose;
    private final List<ClearListener> clearListeners = new CopyOnWriteArrayList<>();

    /** Head of the circular list of this owner's live locks (linked through oPrev/oNext). */
    private LockBlock head;
    private volatile boolean closed;

    Owner(Engine engine, String name, int group, int deadlockPriority, long sequence, Consumer<Owner> onClose) {
        this.engine = engine;
        this.onClose = onClose;
        this.name = name;
        this.group = group;
        this.deadlockPriority = deadlockPriority;
        this.groupSpace = Namespace.group(group);
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
        return p == null ? result(lock, lock.statusValue(), false) : await(lock, p, false);
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
        checkConversion(conversion);
        Pending p = submitConversion(block, conversion, Thread.currentThread());
        return p == null ? result(block, block.statusValue(), true) : await(block, p, true);
    }

    @Override
    public CompletionStage<Lock> convertAsync(Lock lock, LockRequest conversion) {
        LockBlock block = ownLock(lock);
        checkConversion(conversion);
        Pending p = submitConversion(block, conversion, null);
        if (p == null) {
            CompletableFuture<Lock> done = new CompletableFuture<>();
            Engine.complete(done, block, block.statusValue(), true);
            return done;
        }
        return p.future;
    }

    @Override
    public void dequeue(Lock lock, LockFlag... flags) {
        LockBlock block = ownLock(lock);
        int valueLength = 0;
        for (LockFlag f : flags) {
            if (f == null) {
                throw new LockException(LockStatus.BADPARAM, "flags must not contain null");
            }
            switch (f) {
                case VALBLK -> valueLength = Math.max(valueLength, Resource.SHORT_VALUE_BLOCK);
                case XVALBLK -> valueLength = Resource.MAX_VALUE_BLOCK;
                default -> throw new LockException(LockStatus.BADPARAM,
                        "flags: a dequeue takes only VALBLK or XVALBLK, not " + f);
            }
        }
        synchronized (this) {
            checkOpen();
            engine.dequeue(block, valueLength, false);
        }
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
                engine.dequeue(l, 0, false);
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
        synchronized (this) {
            if (block.dead) {
                throw new LockException(LockStatus.IVLOCKID, "lock " + block.id() + " is already dequeued");
            }
            return engine.endIfPending(block, null, LockStatus.CANCELLED);
        }
    }

    @Override
    public synchronized List<Lock> locks() {
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
    synchronized LockBlock find(long id) {
        for (LockBlock l : linked()) {
            if (!l.dead && l.id() == id) {
                return l;
            }
        }
        return null;
    }

    /**
     * Clears {@code target} and its sublocks, or every lock of this owner if null, by the
     * abnormal-rundown path; then tells the clear listeners, outside the monitor.
     *
     * @return the number of locks cleared
     */
    int clear(LockBlock target) {
        List<Lock> cleared = new ArrayList<>();
        synchronized (this) {
            List<LockBlock> victims = target == null ? linked() : descendantsOf(target);
            if (target != null) {
                victims.add(target);
            }
            for (LockBlock l : deepestFirst(victims)) {
                if (!l.dead && !engine.isShutdown()) {
                    try {
                        engine.dequeue(l, 0, true);
                        cleared.add(l);
                    } catch (LockException e) {
                        if (e.status() != LockStatus.IVLOCKID) {
                            throw e;
                        }
                        // its waiting request ended (timeout, deadlock) just now: nothing to clear
                    }
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

    private void rundown(boolean abnormal) {
        for (LockBlock l : deepestFirst(linked())) {
            if (!l.dead && !engine.isShutdown()) {
                engine.dequeue(l, 0, abnormal);
            }
        }
    }

    // ---- submission --------------------------------------------------------------------------

    private LockBlock newLock(LockRequest request) {
        checkNew(request);
        LockBlock lock = new LockBlock(this, request.parent() == null ? null : (LockBlock) request.parent());
        lock.flags = LockBlock.flagBits(request);
        lock.blockingHandler = request.blockingHandler();
        return lock;
    }

    private Pending submitNew(LockBlock lock, LockRequest request, Thread waiter) {
        String resourceName = request.name();
        byte[] utf8 = Names.encodeIfNotAscii(resourceName);
        int nameHash = Names.hash(resourceName, utf8);
        synchronized (this) {
            checkOpen();
            LockBlock parent = lock.parent;
            Namespace space;
            Resource parentResource = null;
            if (parent != null) {
                engine.addSubLock(parent);
                parentResource = parent.resource;
                space = parentResource.namespace;
            } else {
                space = request.has(LockFlag.SYSTEM) ? Namespace.SYSTEM
                        : request.has(LockFlag.LOCAL) ? Namespace.LOCAL : groupSpace;
            }
            link(lock);
            Pending p = null;
            try {
                p = engine.enqueue(lock, request, space, parentResource, resourceName, utf8, nameHash, waiter);
            } finally {
                if (p == null && (lock.dead || lock.resource == null)) {
                    forget(lock);
                }
            }
            return p;
        }
    }

    private Pending submitConversion(LockBlock lock, LockRequest request, Thread waiter) {
        synchronized (this) {
            checkOpen();
            return engine.convert(lock, request, waiter);
        }
    }

    /** Removes a dead lock from this owner's list and its parent's sublock count; idempotent. */
    synchronized void forget(LockBlock lock) {
        if (lock.oNext == null) {
            return;
        }
        if (lock.oNext == lock) {
            head = null;
        } else {
            lock.oPrev.oNext = lock.oNext;
            lock.oNext.oPrev = lock.oPrev;
            if (head == lock) {
                head = lock.oNext;
            }
        }
        lock.oNext = null;
        lock.oPrev = null;
        if (lock.parent != null) {
            lock.parent.subLocks--;
        }
    }

    private void link(LockBlock lock) {
        if (head == null) {
            lock.oNext = lock;
            lock.oPrev = lock;
            head = lock;
        } else {
            LockBlock tail = head.oPrev;
            lock.oPrev = tail;
            lock.oNext = head;
            tail.oNext = lock;
            head.oPrev = lock;
        }
    }

    private List<LockBlock> linked() {
        List<LockBlock> list = new ArrayList<>();
        LockBlock l = head;
        if (l != null) {
            do {
                list.add(l);
                l = l.oNext;
            } while (l != head);
        }
        return list;
    }

    /** This owner's locks with a pending request, for the deadlock detector. */
    synchronized List<LockBlock> pendingLocks() {
        List<LockBlock> list = new ArrayList<>();
        for (LockBlock l : linked()) {
            if (l.pending != null) {
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
        while ((outcome = p.outcome) == null) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                boolean cancelled;
                synchronized (this) {
                    cancelled = engine.endIfPending(lock, p, LockStatus.CANCELLED);
                }
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
        return result(lock, outcome, conversion);
    }

    private static Lock result(LockBlock lock, LockStatus status, boolean conversion) {
        if (status.isGranted()) {
            return lock;
        }
        throw failure(lock, status, conversion);
    }

    static LockException failure(LockBlock lock, LockStatus status, boolean conversion) {
        return new LockException(status, describe(lock, conversion) + " was not granted");
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
        checkCommon(request);
        if (request.name() == null) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null (a conversion request was given to enqueue)");
        }
        LockMode mode = request.mode();
        if (request.has(LockFlag.EXPEDITE)) {
            if (mode != LockMode.NL) {
                throw new LockException(LockStatus.BADPARAM, "flags: EXPEDITE applies only to NL requests, not " + mode);
            }
            if (request.has(LockFlag.NOQUEUE)) {
                throw new LockException(LockStatus.BADPARAM, "flags: EXPEDITE with NOQUEUE makes no sense (an expedited NL never queues)");
            }
        }
        if (request.has(LockFlag.QUECVT)) {
            throw new LockException(LockStatus.BADPARAM, "flags: QUECVT applies only to conversions");
        }
        if (request.has(LockFlag.SYSTEM) && request.has(LockFlag.LOCAL)) {
            throw new LockException(LockStatus.BADPARAM, "flags: SYSTEM and LOCAL are different namespaces; give one");
        }
        Lock parent = request.parent();
        if (parent != null) {
            if (request.has(LockFlag.SYSTEM) || request.has(LockFlag.LOCAL)) {
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

    private static void checkConversion(LockRequest request) {
        checkCommon(request);
        if (request.name() != null) {
            throw new LockException(LockStatus.BADPARAM, "a conversion takes no name; use LockRequest.conversionTo(mode)");
        }
        if (request.parent() != null) {
            throw new LockException(LockStatus.BADPARAM, "a conversion takes no parent: the lock keeps its own");
        }
        for (LockFlag f : new LockFlag[] {LockFlag.EXPEDITE, LockFlag.SYSTEM, LockFlag.LOCAL}) {
            if (request.has(f)) {
                throw new LockException(LockStatus.BADPARAM, "flags: " + f + " applies only to new requests, not conversions");
            }
        }
        if (request.has(LockFlag.NOQUEUE) && request.has(LockFlag.QUECVT)) {
            throw new LockException(LockStatus.BADPARAM,
                    "flags: NOQUEUE with QUECVT makes no sense (QUECVT asks to queue, NOQUEUE refuses to)");
        }
    }

    private static void checkCommon(LockRequest request) {
        if (request == null) {
            throw new LockException(LockStatus.BADPARAM, "request must not be null");
        }
        if (request.mode() == null) {
            throw new LockException(LockStatus.IVMODE, "mode must not be null");
        }
        if (request.timeoutNanos() == -2) {
            throw new LockException(LockStatus.BADPARAM, "timeout must not be null");
        }
        if (request.timeoutNanos() == -3) {
            throw new LockException(LockStatus.BADPARAM, "timeout must not be negative");
        }
    }

    @Override
    public String toString() {
        return "LockOwner[" + name + " group=" + group + " priority=" + deadlockPriority + "]";
    }
}
