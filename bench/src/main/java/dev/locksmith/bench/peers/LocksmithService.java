package dev.locksmith.bench.peers;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;

/**
 * Locksmith embedded: one {@link LockManager} in the benchmark's JVM, one {@link LockOwner} per
 * thread (as a VMS process is), EX for exclusive and PR for shared. Every lock is a new enqueue
 * and its dequeue: the resource is created and deleted each time, as VMS does.
 *
 * <p>With {@code sublocks}, the workload is the cluster rows' ({@link LocksmithClusterService}):
 * each thread's owner holds the root {@value LocksmithClusterService#ROOT} in CR and every name is
 * a sublock of it, so that the cluster's local path can be compared with the embedded engine doing
 * exactly the same work (issue 20).
 */
public final class LocksmithService implements LockService {
    private final LockManager manager = LockManager.builder().name("peers").deadlockWait(Duration.ZERO).build();
    private final boolean sublocks;

    LocksmithService(boolean sublocks) {
        this.sublocks = sublocks;
    }

    @Override
    public boolean supportsShared() {
        return true;
    }

    @Override
    public Session session(int thread) throws InterruptedException {
        LockOwner owner = manager.newOwner("thread-" + thread);
        Lock root = sublocks ? owner.enqueue(LocksmithClusterService.ROOT, LockMode.CR) : null;
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) throws InterruptedException {
                LockMode mode = shared ? LockMode.PR : LockMode.EX;
                return root == null ? owner.enqueue(name, mode) : owner.enqueue(LockRequest.of(name, mode).withParent(root));
            }

            @Override
            public void unlock(Object held) {
                owner.dequeue((Lock) held);
            }
        };
    }

    /** The lock manager the sessions use, for the scratch tools beside the benchmark ({@link HandoffProbe}). */
    LockManager manager() {
        return manager;
    }

    /** The engine's count of requests that waited. */
    @Override
    public long waits() {
        return manager.statistics().waits();
    }

    @Override
    public void close() {
        manager.close();
    }
}
