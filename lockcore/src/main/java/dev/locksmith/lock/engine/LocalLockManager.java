package dev.locksmith.lock.engine;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.ContentionPolicy;
import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.TreeActivity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embedded, single-node lock manager: every resource is mastered here. Built by
 * {@link LockManager#builder()}; see {@link LockManager} for the contract.
 */
public final class LocalLockManager implements LockManager {
    private final String name;
    private final Engine engine;
    private final ExecutorService ownExecutor;
    private final AtomicLong ownerIds = new AtomicLong();
    /** Open owners by id, for administration; an owner removes itself when closed. */
    private final ConcurrentSkipListMap<Long, Owner> openOwners = new ConcurrentSkipListMap<>();
    private final AdminCapability adminCapability = AdminCapability.issuedBy(this);
    /** Closed after the engine: the default MXBean, or null. */
    private volatile AutoCloseable closedWith;

    /** Use {@link LockManager#builder()}. */
    public LocalLockManager(String name, Duration deadlockWait, ContentionPolicy policy, Duration starvationBound,
                            Executor callbackExecutor) {
        this.name = name;
        if (callbackExecutor == null) {
            ownExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "locksmith-callbacks-" + name);
                t.setDaemon(true);
                return t;
            });
        } else {
            ownExecutor = null;
        }
        this.engine = new Engine(name, policy, starvationBound.toNanos(), deadlockWait.toNanos(),
                callbackExecutor != null ? callbackExecutor : ownExecutor);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockOwner newOwner(String ownerName, int group, int deadlockPriority) {
        if (ownerName == null) {
            throw new LockException(LockStatus.BADPARAM, "name must not be null");
        }
        if (engine.isShutdown()) {
            throw new LockException(LockStatus.SHUTDOWN, "the lock manager is shut down");
        }
        Owner owner = new Owner(engine, ownerName, group, deadlockPriority, ownerIds.incrementAndGet(),
                closed -> openOwners.remove(closed.id()));
        openOwners.put(owner.id(), owner);
        return owner;
    }

    @Override
    public List<DeadlockReport> recentDeadlocks() {
        return engine.deadlocks.recent();
    }

    @Override
    public void addDeadlockListener(Consumer<DeadlockReport> listener) {
        engine.deadlocks.addListener(listener);
    }

    @Override
    public void removeDeadlockListener(Consumer<DeadlockReport> listener) {
        engine.deadlocks.removeListener(listener);
    }

    @Override
    public List<LockOwner> owners() {
        return new ArrayList<>(openOwners.values());
    }

    @Override
    public AdminCapability adminCapability() {
        return adminCapability;
    }

    @Override
    public int clearLock(AdminCapability capability, long lockId) {
        AdminCapability.check(capability, this);
        for (Owner owner : openOwners.values()) {
            LockBlock lock = owner.find(lockId);
            if (lock != null) {
                return owner.clear(lock);
            }
        }
        throw new LockException(LockStatus.IVLOCKID, "lockId: no live lock has id " + lockId);
    }

    @Override
    public int clearOwner(AdminCapability capability, long ownerId) {
        AdminCapability.check(capability, this);
        Owner owner = openOwners.get(ownerId);
        if (owner == null) {
            throw new LockException(LockStatus.BADPARAM, "ownerId: no open owner has id " + ownerId);
        }
        return owner.clear(null);
    }

    @Override
    public List<LockInfo> locks() {
        return engine.locks();
    }

    @Override
    public List<ResourceInfo> resources() {
        return engine.resources();
    }

    @Override
    public Optional<ResourceInfo> resource(Namespace namespace, List<String> path) {
        if (namespace == null) {
            throw new LockException(LockStatus.BADPARAM, "namespace must not be null");
        }
        return engine.resource(namespace, path);
    }

    @Override
    public LockStatistics statistics() {
        return engine.statistics();
    }

    @Override
    public List<TreeActivity> hottestTrees(int n) {
        return engine.hottestTrees(n);
    }

    /**
     * Cluster rebuild hook: makes every fencing token granted from now on greater than
     * {@code floor}, so tokens stay monotonic when a resource tree moves here from another node
     * (which granted tokens up to {@code floor}). Never lowers anything. Thread-safe; takes each
     * stripe lock in turn.
     */
    public void raiseFencingFloor(long floor) {
        engine.raiseFencingFloor(floor);
    }

    /**
     * Cluster hook: a number at least as high as every fencing token this manager has granted,
     * for the node that masters a resource tree next, which raises its floor above it. Thread-safe;
     * takes each stripe lock in turn.
     */
    public long fencingHighWater() {
        return engine.fencingHighWater();
    }

    /**
     * Cluster rebuild hook: sets the value block of the resource of {@code lock} (a live lock of
     * this manager) to {@code value} (16 or 64 bytes, or empty to leave the bytes as they are), and
     * marks it not valid when {@code valid} is false, as when a PW/EX holder was lost. Used when a
     * tree is reinstalled on a new master from the survivors' copies. Grants nothing.
     *
     * @throws LockException IVLOCKID if {@code lock} is not a live lock of this manager; IVBUFLEN
     *                       if {@code value} is neither empty nor 16 or 64 bytes long
     */
    public void restoreValueBlock(dev.locksmith.lock.Lock lock, byte[] value, boolean valid) {
        if (!(lock instanceof LockBlock block) || block.owner.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "lock is not a lock of this lock manager");
        }
        if (value == null || (value.length != 0 && value.length != Resource.SHORT_VALUE_BLOCK
                && value.length != Resource.MAX_VALUE_BLOCK)) {
            throw new LockException(LockStatus.IVBUFLEN, "value must be empty, 16 or 64 bytes long, was "
                    + (value == null ? "null" : value.length + " bytes"));
        }
        engine.restoreValueBlock(block, value, valid);
    }

    /**
     * What a master reports when {@code lock}'s request was granted at once: the granted mode, the
     * status, the fencing token and the value block (empty when the resource has none).
     *
     * @param mode          the granted mode
     * @param status        the request's status (NORMAL, SYNCH, ...)
     * @param fencingToken  the lock's fencing token
     * @param valueBlock    a copy of the value block as read at the grant, or an empty array
     */
    public record Grant(dev.locksmith.lock.LockMode mode, LockStatus status, long fencingToken, byte[] valueBlock) {
    }

    /**
     * Cluster hook: told how a request that had to wait ended, instead of through a completion
     * stage on the callback thread.
     */
    public interface EndListener {
        /**
         * The request was granted at once: called on the requesting thread, under an engine lock,
         * before the request call returns, with the grant as {@link #grantOf} would read it (its
         * fields, so that no {@link Grant} is made per request: issue 20); must only record it.
         * Spares the listener's owner a second engine lock for {@code grantOf}.
         *
         * @param mode         the granted mode
         * @param status       the request's status (SYNCH, VALNOTVALID, ...)
         * @param fencingToken the lock's fencing token
         * @param valueBlock   a copy of the value block as read at the grant, or an empty array
         *                     (perhaps shared: it has nothing to write to)
         */
        default void grantedAtOnce(dev.locksmith.lock.LockMode mode, LockStatus status, long fencingToken,
                                   byte[] valueBlock) {
        }

        /** The request has to wait: called once, on the requesting thread, before the request call returns. */
        void waiting();

        /**
         * The request ended: called once, on the thread that ended it (the one that released what
         * it waited for, a timer, the deadlock detector), with no engine lock held; possibly before
         * {@link #waiting()}. Exactly one of the two is null: {@code grant} is the grant as
         * {@link #grantOf} would have read it at the moment it was made (read under the engine lock
         * that made it, so the thread that released the blocker takes no engine lock again to
         * report it, and a later request or dequeue of the lock cannot change what it says);
         * {@code failure} is how the request failed.
         */
        void ended(Grant grant, LockException failure);
    }

    /**
     * Cluster hook: {@code owner.enqueueAsync(request)}, except that if the request has to wait,
     * {@code listener} is told when it ends ({@link EndListener}), on the thread that ends it,
     * and no completion stage is made for it unless {@link dev.locksmith.lock.Lock#completion()}
     * asks. A request granted at once tells {@link EndListener#grantedAtOnce}; one refused at once
     * tells nothing (read it with {@code completion()}). Lets a master whose requester is on the same node hand a grant to
     * the waiter without waking the callback thread.
     *
     * @throws LockException as {@code enqueueAsync} does; IVLOCKID if {@code owner} is not an owner
     *                       of this manager
     */
    public dev.locksmith.lock.Lock enqueueAsync(LockOwner owner, dev.locksmith.lock.LockRequest request,
                                                EndListener listener) {
        if (!(owner instanceof Owner o) || o.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "owner is not an owner of this lock manager");
        }
        return o.enqueueAsync(request, listener);
    }

    /**
     * Cluster hook: {@link #enqueueAsync(LockOwner, dev.locksmith.lock.LockRequest, EndListener)}
     * for the request given by its fields rather than a {@link dev.locksmith.lock.LockRequest}
     * (a master that receives requests as fields would otherwise build one or two per request),
     * with the same checks and outcomes. {@code flagBits} and {@code timeoutNanos} are as
     * {@link dev.locksmith.lock.LockRequest#flagBits()} and
     * {@link dev.locksmith.lock.LockRequest#timeoutNanos()} (-1: no timeout); {@code parent} and
     * {@code handler} may be null. {@code listener} may be null: then the request is made as
     * {@code owner.enqueueAsync(request)} makes it, and its outcome is read from the lock.
     *
     * @throws LockException as {@code enqueueAsync} does; IVLOCKID if {@code owner} is not an owner
     *                       of this manager
     */
    public dev.locksmith.lock.Lock enqueueAsync(LockOwner owner, dev.locksmith.lock.Lock parent, String name,
                                                dev.locksmith.lock.LockMode mode, int flagBits, long timeoutNanos,
                                                dev.locksmith.lock.BlockingHandler handler, EndListener listener) {
        if (!(owner instanceof Owner o) || o.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "owner is not an owner of this lock manager");
        }
        return o.enqueueAsync(parent, name, mode, flagBits, timeoutNanos, handler, listener);
    }

    /**
     * Cluster hook: the grant of {@code lock}'s last request, read under one stripe lock, or null
     * if the request is still pending, ended without a grant or the lock is gone. Lets a master
     * that reports outcomes to another layer skip a completion stage for the requests granted at
     * once (most of them). Thread-safe; never blocks.
     *
     * @throws LockException IVLOCKID if {@code lock} is not a lock of this manager
     */
    public Grant grantOf(dev.locksmith.lock.Lock lock) {
        if (!(lock instanceof LockBlock block) || block.owner.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "lock is not a lock of this lock manager");
        }
        return engine.grantOf(block);
    }

    /**
     * Cluster deadlock hook: ends {@code lock}'s waiting request or pending conversion with
     * {@link LockStatus#DEADLOCK}, as the local detector does for its victims, when a search
     * spanning several nodes chose it. A conversion leaves the lock granted in its old mode.
     *
     * @return false if nothing was pending any more (the cycle dissolved meanwhile)
     * @throws LockException IVLOCKID if {@code lock} is not a lock of this manager
     */
    public boolean failAsDeadlockVictim(dev.locksmith.lock.Lock lock) {
        return failAsDeadlockVictim(lock, null);
    }

    /** As {@link #failAsDeadlockVictim(dev.locksmith.lock.Lock)}; the failure carries {@code report} (may be null). */
    public boolean failAsDeadlockVictim(dev.locksmith.lock.Lock lock, DeadlockReport report) {
        if (!(lock instanceof LockBlock block) || block.owner.engine != engine) {
            throw new LockException(LockStatus.IVLOCKID, "lock is not a lock of this lock manager");
        }
        return engine.failAsDeadlockVictim(block, report);
    }

    /**
     * Closes {@code resource} (its default MXBean, see {@link LockManager.Builder#registerMBean})
     * when this manager closes; null does nothing. Called once, by the builder.
     */
    public void closeWith(AutoCloseable resource) {
        this.closedWith = resource;
    }

    @Override
    public void close() {
        if (engine.isShutdown()) {
            return;
        }
        engine.shutdown();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
        AutoCloseable resource = closedWith;
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                System.getLogger(LocalLockManager.class.getName()).log(System.Logger.Level.WARNING,
                        "could not close " + resource + " with " + this, e);
            }
        }
    }

    @Override
    public String toString() {
        return "LockManager[" + name + "]";
    }
}
