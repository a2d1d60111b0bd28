package dev.locksmith.lock.admin;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.Namespace;
import java.util.List;

/**
 * One lock as LKE SHOW reports it.
 *
 * @param lockId        the lock id
 * @param ownerId       the owner's id ({@link dev.locksmith.lock.LockOwner#id()})
 * @param owner         the owner's name
 * @param name          the resource written as an M name: root, then sublock names as subscripts
 *                      ({@code ^D(1,"x")}); for name locks exactly the locked name
 * @param namespace     the namespace of the resource tree
 * @param grantedMode   the granted mode, or null while a new request waits
 * @param requestedMode the requested mode (the granted mode when nothing is pending)
 * @param queue         the queue the lock is on
 * @param level         the LOCK level of a name lock, 0 for intent nodes and engine locks
 * @param zallocated    whether a name lock is ZALLOCATEd
 * @param waitedMillis  how long the pending request has waited, 0 if none
 * @param blockedBy     the locks the pending request waits for
 */
public record LockEntry(long lockId, long ownerId, String owner, String name, Namespace namespace,
                        LockMode grantedMode, LockMode requestedMode, LockQueue queue, int level,
                        boolean zallocated, long waitedMillis, List<Blocker> blockedBy) {
    /**
     * A lock in the way of a waiting request.
     *
     * @param lockId  its id
     * @param ownerId its owner's id (0 if the owner closed meanwhile)
     * @param owner   its owner's name ("?" if the owner closed meanwhile)
     */
    public record Blocker(long lockId, long ownerId, String owner) {
    }

    /** Whether a request on this lock is waiting (new request or conversion). */
    public boolean isWaiting() {
        return queue != LockQueue.GRANTED;
    }
}
