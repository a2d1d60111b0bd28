package dev.locksmith.bench.peers;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The floor: a {@link ReentrantReadWriteLock} per name, kept in a {@link ConcurrentHashMap} (and
 * never removed), write lock for exclusive, read lock for shared. Nothing a lock manager does
 * beyond this is free; this row shows what it costs.
 */
public final class JdkService implements LockService {
    private final ConcurrentHashMap<String, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    @Override
    public boolean supportsShared() {
        return true;
    }

    @Override
    public Session session(int thread) {
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) {
                ReentrantReadWriteLock rw = locks.computeIfAbsent(name, k -> new ReentrantReadWriteLock());
                Lock l = shared ? rw.readLock() : rw.writeLock();
                l.lock();
                return l;
            }

            @Override
            public void unlock(Object held) {
                ((Lock) held).unlock();
            }
        };
    }

    @Override
    public void close() {
        locks.clear();
    }
}
