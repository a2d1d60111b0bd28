package dev.locksmith.lock;

import java.util.List;

/**
 * Told when an administrator cleared locks of an owner ({@link LockManager#clearLock},
 * {@link LockManager#clearOwner}). Runs on the administrator's thread after the locks are gone
 * and no engine or owner lock is held; it must not block. A waiting request that was cleared
 * has already failed with {@link LockStatus#CANCELLED}. Exceptions are logged and ignored.
 */
@FunctionalInterface
public interface ClearListener {
    /**
     * @param owner   the owner whose locks were cleared
     * @param cleared the cleared locks (now dequeued), sublocks included
     */
    void cleared(LockOwner owner, List<Lock> cleared);
}
