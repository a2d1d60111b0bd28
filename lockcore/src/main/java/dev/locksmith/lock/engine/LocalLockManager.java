package dev.locksmith.lock.engine;

import dev.locksmith.lock.ContentionPolicy;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded, single-node lock manager: every resource is mastered here. Built by
 * {@link LockManager#builder()}; see {@link LockManager} for the contract.
 */
public final class LocalLockManager implements LockManager {
    private final String name;
    private final Engine engine;
    private final ExecutorService ownExecutor;
    private final AtomicLong owners = new AtomicLong();

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
        return new Owner(engine, ownerName, group, deadlockPriority, owners.incrementAndGet());
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

    @Override
    public void close() {
        if (engine.isShutdown()) {
            return;
        }
        engine.shutdown();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "LockManager[" + name + "]";
    }
}
