package dev.locksmith.lock.cluster;

import dev.locksmith.lock.ClearListener;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.engine.RequestChecks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * A lock owner of a {@link ClusterLockManager}: the same contract as any {@link LockOwner}.
 * Requests are checked here, against this node's copies, before anything is sent; then they go
 * to the master of the lock's tree (a direct call when that is this node). Synchronous requests
 * block the caller until the master's outcome arrives. Thread-safe.
 */
final class ClusterOwner implements LockOwner {
    final ClusterLockManager manager;
    private final long id;
    private final String name;
    private final int group;
    private final int deadlockPriority;
    /**
     * Live root locks' copies, a list linked through the copies themselves (no
     * hashing or node allocation per request); guarded by this. A sublock's copy is listed by its
     * parent's ({@link ClusterLock#adopt}), so that its request enters one monitor, the parent's,
     * for the check and the list at once, and its dequeue none; {@link #live} walks both.
     */
    private ClusterLock first;
    private final List<ClearListener> clearListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /**
     * Whether a request of this owner ever went to another node, or a lock of it moved to one
     * with its tree (then its close must be told there).
     */
    private volatile boolean usedRemoteMaster;
    /** How masters name this owner; immutable, so made once rather than per request. */
    private final MasterTable.OwnerRef ref;

    ClusterOwner(ClusterLockManager manager, long id, String name, int group, int deadlockPriority) {
        this.manager = manager;
        this.id = id;
        this.name = name;
        this.group = group;
        this.deadlockPriority = deadlockPriority;
        this.ref = new MasterTable.OwnerRef(id, group, deadlockPriority, name);
    }

    void noteRemoteMaster() {
        usedRemoteMaster = true;
    }

    boolean usedRemoteMaster() {
        return usedRemoteMaster;
    }

    MasterTable.OwnerRef ref() {
        return ref;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long id() {
        return id;
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

    @Override
    public Lock enqueue(LockRequest request) throws InterruptedException {
        ClusterLock lock = (ClusterLock) enqueueAsync(request);
        if (lock.grantedInline) {
            return lock; // granted at once by this thread on this node's master
        }
        return await(lock, lock.firstStage);
    }

    @Override
    public Lock enqueueAsync(LockRequest request) {
        RequestChecks.checkNew(request);
        RequestChecks.checkName(request.name());
        checkOpen();
        ClusterLock parent = null;
        TreeKey tree;
        if (request.parent() != null) {
            if (request.has(LockFlag.SYSTEM) || request.has(LockFlag.LOCAL)) {
                throw new LockException(LockStatus.BADPARAM,
                        "flags: a sublock lives in its parent's namespace; SYSTEM/LOCAL not allowed with a parent");
            }
            parent = ownLock(request.parent(), LockStatus.PARNOTGRANT, "parent");
            tree = parent.tree;
        } else {
            Namespace space = request.has(LockFlag.SYSTEM) ? Namespace.SYSTEM
                    : request.has(LockFlag.LOCAL) ? Namespace.LOCAL : Namespace.group(group);
            tree = new TreeKey(space, request.name());
        }
        ClusterLock lock = new ClusterLock(manager.nextLockId(), this, parent, request.name(), tree, request.mode(),
                request.flagBits(), request.timeoutNanos(), request.blockingHandler());
        if (parent == null) {
            link(lock);
        } else if (!parent.adopt(lock)) {
            checkOpen(); // refused as its owner closed (see ClusterLock#adopt)
            throw new LockException(LockStatus.PARNOTGRANT, "parent lock " + parent.id() + " on '"
                    + parent.resourceName() + "' is " + (parent.isDead() ? "dequeued" : "not granted"));
        }
        if (!manager.localPath().tryNew(lock, request)) {
            manager.requests.submitNew(lock, request.timeoutNanos());
        }
        return lock;
    }

    @Override
    public Lock convert(Lock lock, LockRequest conversion) throws InterruptedException {
        ClusterLock copy = ownLock(lock, LockStatus.IVLOCKID, "lock");
        return await(copy, startConversion(copy, conversion));
    }

    @Override
    public CompletionStage<Lock> convertAsync(Lock lock, LockRequest conversion) {
        ClusterLock copy = ownLock(lock, LockStatus.IVLOCKID, "lock");
        return copy.handOut(startConversion(copy, conversion));
    }

    private CompletableFuture<Lock> startConversion(ClusterLock copy, LockRequest conversion) {
        RequestChecks.checkConversion(conversion);
        checkOpen();
        synchronized (copy) {
            // Inside the monitor: a lease or admin clear that kills the copy after a check made
            // outside it would otherwise surface as CVTUNGRANT instead of the cleared lock's IVLOCKID.
            checkLive(copy);
            if (copy.isPending() || copy.grantedMode() == null) {
                throw new LockException(LockStatus.CVTUNGRANT, "lock " + copy.id() + " on '" + copy.resourceName()
                        + (copy.grantedMode() == null ? "' is still waiting for its first grant"
                                                       : "' already has a conversion pending"));
            }
            int valueLength = RequestChecks.valueLength(conversion);
            LockMode from = copy.grantedMode();
            RequestChecks.checkQuecvt(from, conversion);
            if (valueLength > 0 && from.ordinal() >= LockMode.PW.ordinal()
                    && conversion.mode().ordinal() <= from.ordinal()) {
                copy.checkStagedLength(valueLength);
            }
            copy.startConversion(conversion.mode(), conversion.flagBits(), conversion.timeoutNanos(),
                    conversion.blockingHandler());
        }
        CompletableFuture<Lock> stage = copy.pendingStage();
        manager.requests.submitConversion(copy);
        return stage;
    }

    @Override
    public void dequeue(Lock lock, LockFlag... flags) {
        ClusterLock copy = ownLock(lock, LockStatus.IVLOCKID, "lock");
        int valueLength = RequestChecks.dequeueValueLength(flags);
        checkOpen();
        dequeueCopy(copy, valueLength, false);
    }

    /**
     * The copy leaves its list only once its dequeue was made: until then its master entry, if the
     * local path made one (which no map holds), is found through it ({@link #listed}).
     */
    private void dequeueCopy(ClusterLock copy, int valueLength, boolean abnormal) {
        byte[] value = copy.leave(valueLength);
        try {
            if (!manager.localPath().tryDequeue(copy, valueLength, abnormal, value)) {
                manager.requests.submitDequeue(copy, valueLength, abnormal, value);
            }
        } finally {
            copy.unlistLeft(); // after the master's dequeue, which may grant a waiter (see leave)
        }
    }

    @Override
    public void dequeueSublocks(Lock lock) {
        ClusterLock copy = ownLock(lock, LockStatus.IVLOCKID, "lock");
        checkOpen();
        checkLive(copy);
        for (ClusterLock l : deepestFirst(descendantsOf(copy))) {
            if (!l.isDead()) {
                dequeueCopy(l, 0, false);
            }
        }
    }

    @Override
    public void dequeueAll() {
        checkOpen();
        rundown(false);
    }

    /**
     * Cancels the pending request and waits for its master's verdict: true if it ended
     * CANCELLED; false if it was granted first (the copy is then granted, as on the master) or
     * ended otherwise. A request whose master was lost, or that was never sent, is decided here.
     */
    @Override
    public boolean cancel(Lock lock) {
        ClusterLock copy = ownLock(lock, LockStatus.IVLOCKID, "lock");
        if (copy.isDead()) {
            LockStatus ended = copy.status();
            if (ended.isGranted()) {
                checkLive(copy); // dequeued by its owner: an error
            }
            return false; // ended without a grant just before: the caller could not know
        }
        CompletableFuture<Boolean> outcome = copy.requestCancel();
        if (outcome == null) {
            return false;
        }
        manager.requests.submitCancel(copy);
        return awaitUninterruptibly(outcome);
    }

    private static boolean awaitUninterruptibly(CompletableFuture<Boolean> outcome) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("unexpected failure of a cancel", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public List<Lock> locks() {
        return new ArrayList<>(live());
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
        manager.requests.ownerClosed(this);
    }

    private void rundown(boolean abnormal) {
        for (ClusterLock l : deepestFirst(live())) {
            if (!l.isDead()) {
                dequeueCopy(l, 0, abnormal);
            }
        }
    }

    /** Administrative clear (LKE): abnormal dequeue of {@code target} and its sublocks, or of everything. */
    int clear(ClusterLock target) {
        List<ClusterLock> victims = target == null ? live() : descendantsOf(target);
        if (target != null) {
            victims.add(target);
        }
        return clear(victims);
    }

    /**
     * This node's quorum lease ran out: its grants may be freed by the majority soon, so every
     * lock that holds one (outside the LOCAL namespace), with its sublocks, goes as an
     * administrative clear does, and the clear listeners are told. Waiting root requests stay.
     */
    int clearGrantsForLapsedLease() {
        List<ClusterLock> victims = new ArrayList<>();
        for (ClusterLock l : live()) {
            if (l.tree.namespace().kind() == Namespace.Kind.LOCAL) {
                continue;
            }
            ClusterLock.Snapshot s = l.snapshot();
            if (s != null && (l.parent != null || holdsGrant(s))) {
                victims.add(l); // a sublock lives under a granted root, which goes
            }
        }
        return clear(victims);
    }

    /**
     * Dequeues {@code victims} abnormally, deepest first. A victim its owner dequeued meanwhile
     * (from another thread) is skipped rather than failing the clear half-way: the clear runs on
     * the lease timer, too.
     */
    private int clear(List<ClusterLock> victims) {
        List<Lock> cleared = new ArrayList<>();
        try {
            for (ClusterLock l : deepestFirst(victims)) {
                try {
                    dequeueCopy(l, 0, true);
                    cleared.add(l);
                } catch (LockException e) {
                    if (!l.isDead()) {
                        throw e;
                    }
                }
            }
        } finally {
            tellCleared(cleared);
        }
        return cleared.size();
    }

    /** Tells the clear listeners that {@code lost} went (an administrator, or a lost quorum). */
    void tellCleared(List<Lock> lost) {
        if (lost.isEmpty()) {
            return;
        }
        for (ClearListener listener : clearListeners) {
            manager.deliver(() -> listener.cleared(this, List.copyOf(lost)));
        }
    }

    /**
     * Lists the copy of a new root lock, unless the owner closed since the caller's check: its
     * rundown ({@link #end}, under this monitor) walked the list already and would never dequeue
     * the lock, whose master entry would then keep its tree counted for good.
     *
     * @throws LockException OWNERCLOSED then; nothing was listed
     */
    private synchronized void link(ClusterLock lock) {
        checkOpen();
        first = ClusterLock.push(first, lock);
    }

    /** A root lock's dead copy leaves the list. */
    synchronized void forget(ClusterLock lock) {
        if (lock.linked) {
            first = ClusterLock.unlink(first, lock);
        }
    }

    /**
     * Every copy the owner lists now, live or leaving (a dequeued copy stays listed until its
     * dequeue was made, {@link #dequeueCopy}), in no particular order: for the master table's
     * walks of the entries the copies keep ({@link MasterTable.Replies#forEachOwnEntry}).
     */
    List<ClusterLock> listed() {
        List<ClusterLock> list = roots();
        for (int i = 0; i < list.size(); i++) {
            list.get(i).addSubLocksTo(list);
        }
        return list;
    }

    private synchronized List<ClusterLock> roots() {
        List<ClusterLock> list = new ArrayList<>();
        for (ClusterLock l = first; l != null; l = l.siblingNext) {
            list.add(l);
        }
        return list;
    }

    /**
     * The owner's copies, in request order (by lock id): a snapshot, root list first, then each
     * listed copy's sublocks under that copy's monitor. A copy listed since its list was read is
     * missed, as it was by a snapshot of one list; every walk that must not miss one (a lease
     * lapse's clear, see {@link LeaseGuard}, "Clear epoch") reads its parent's list after the
     * fact that makes it matter. A dead copy still listed (a dead parent whose waiting sublocks
     * stay to be sent again) is walked through but left out; one that dies after it was read may
     * be in it, as before, and callers skip those.
     */
    List<ClusterLock> live() {
        List<ClusterLock> list = roots();
        return withSubLocks(list);
    }

    /** The live copies of {@code list} and of their sublocks at every depth, sorted by id. */
    private static List<ClusterLock> withSubLocks(List<ClusterLock> list) {
        List<ClusterLock> live = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ClusterLock l = list.get(i);
            if (l.addSubLocksTo(list)) {
                live.add(l);
            }
        }
        live.sort(BY_ID);
        return live;
    }

    private static final Comparator<ClusterLock> BY_ID = Comparator.comparingLong(l -> l.id);

    ClusterLock find(long lockId) {
        for (ClusterLock l : live()) {
            if (l.id == lockId) {
                return l;
            }
        }
        return null;
    }

    private static List<ClusterLock> descendantsOf(ClusterLock ancestor) {
        List<ClusterLock> list = new ArrayList<>();
        ancestor.addSubLocksTo(list);
        return withSubLocks(list);
    }

    static List<ClusterLock> deepestFirst(List<ClusterLock> locks) {
        locks.sort(Comparator.comparingInt((ClusterLock l) -> l.depth).reversed());
        return locks;
    }

    /** The failure of a request, rethrown in the caller's thread; a deadlock victim's keeps its report. */
    private static LockException again(LockException failure) {
        if (failure.deadlock().isPresent()) {
            return failure;
        }
        return new LockException(failure.status(), failure.getMessage().substring(failure.status().name().length() + 2));
    }

    private Lock await(ClusterLock lock, CompletableFuture<Lock> stage) throws InterruptedException {
        try {
            // ended already or not (a master on this node may have answered at once), told without the callback thread
            ClusterLock.Outcome outcome = lock.awaitEnd(stage);
            if (outcome.known()) {
                if (outcome.failure() == null) {
                    return lock;
                }
                throw again(outcome.failure());
            }
            return stage.get();
        } catch (InterruptedException e) {
            CompletableFuture<Boolean> outcome = lock.requestCancel();
            if (outcome != null) {
                manager.requests.submitCancel(lock);
            }
            boolean cancelled = outcome != null && awaitUninterruptibly(outcome);
            Thread.interrupted(); // awaitUninterruptibly may have set it again
            LockStatus outcomeStatus = lock.endedStatus();
            if (cancelled || outcomeStatus == null) {
                throw new InterruptedException("interrupted while waiting for '" + lock.resourceName()
                        + "'; the request was cancelled");
            }
            // the request ended before the cancel reached its master: report that, keeping the interrupt
            Thread.currentThread().interrupt();
            if (outcomeStatus.isGranted()) {
                return lock;
            }
            throw new LockException(outcomeStatus, "request on '" + lock.resourceName() + "' was not granted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LockException le) {
                throw again(le);
            }
            throw new IllegalStateException("unexpected failure of a lock request", e.getCause());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LockException(LockStatus.OWNERCLOSED, "owner '" + name + "' is closed");
        }
        manager.checkRunning();
    }

    private static void checkLive(ClusterLock copy) {
        if (copy.isDead()) {
            throw ClusterLock.dequeued(copy);
        }
    }

    private ClusterLock ownLock(Lock lock, LockStatus status, String argument) {
        if (lock == null) {
            throw new LockException(status, argument + " must not be null");
        }
        if (!(lock instanceof ClusterLock copy) || copy.owner.manager != manager) {
            throw new LockException(status, argument + " is not a lock of this lock manager");
        }
        if (copy.owner != this) {
            throw new LockException(status, argument + " lock " + copy.id() + " on '" + copy.resourceName()
                    + "' belongs to owner '" + copy.owner.name + "', not '" + name + "'");
        }
        return copy;
    }

    @Override
    public String toString() {
        return "LockOwner[" + name + " group=" + group + " priority=" + deadlockPriority + "]";
    }

    /** Whether the copy is on a queue that holds a grant (granted or converting). */
    static boolean holdsGrant(ClusterLock.Snapshot s) {
        return s.queue() == LockQueue.GRANTED || s.queue() == LockQueue.CONVERTING;
    }
}
