package dev.locksmith.bench.peers;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.time.Duration;

/**
 * Locksmith embedded: one {@link LockManager} in the benchmark's JVM, one {@link LockOwner} per
 * thread (as a VMS process is), EX for exclusive and PR for shared. Every lock is a new enqueue
 * and its dequeue: the resource is created and deleted each time, as VMS does.
 */
public final class LocksmithService implements LockService {
    private final LockManager manager = LockManager.builder().name("peers").deadlockWait(Duration.ZERO).build();

    @Override
    public boolean supportsShared() {
        return true;
    }

    @Override
    public Session session(int thread) {
        LockOwner owner = manager.newOwner("thread-" + thread);
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) throws InterruptedException {
                return owner.enqueue(name, shared ? LockMode.PR : LockMode.EX);
            }

            @Override
            public void unlock(Object held) {
                owner.dequeue((Lock) held);
            }
        };
    }

    @Override
    public void close() {
        manager.close();
    }
}
