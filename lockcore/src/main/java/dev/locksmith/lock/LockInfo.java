package dev.locksmith.lock;

import java.util.HexFormat;
import java.util.List;

/**
 * A {@code $GETLKI}-style snapshot of one lock, taken under the engine's lock for its resource
 * so the fields agree with each other.
 *
 * @param id            lock id
 * @param resourceName  the resource name
 * @param resourcePath  names from the tree's root down to this resource
 * @param namespace     the namespace of the resource tree
 * @param parentId      the parent lock's id, or 0
 * @param owner         the owner's name
 * @param grantedMode   the granted mode, or null while waiting
 * @param requestedMode the mode requested (equal to the granted mode when nothing is pending)
 * @param queue         the queue the lock is on
 * @param status        the status of the last request on the lock
 * @param fencingToken  the fencing token of the last grant
 * @param valueBlock    the lock's copy of the value block (empty if it never used one)
 * @param waitingNanos  how long the pending request has waited, 0 if none is pending
 * @param blockedBy     ids of the locks this lock's pending request waits for
 * @param blocking      ids of the locks whose pending requests wait for this lock
 */
public record LockInfo(long id, String resourceName, List<String> resourcePath, Namespace namespace,
                       long parentId, String owner, LockMode grantedMode, LockMode requestedMode,
                       LockQueue queue, LockStatus status, long fencingToken, byte[] valueBlock,
                       long waitingNanos, List<Long> blockedBy, List<Long> blocking) {

    /** Every component, the value block in hexadecimal. */
    @Override
    public String toString() {
        return "LockInfo[id=" + id + ", resourceName=" + resourceName + ", resourcePath=" + resourcePath
                + ", namespace=" + namespace + ", parentId=" + parentId + ", owner=" + owner
                + ", grantedMode=" + grantedMode + ", requestedMode=" + requestedMode + ", queue=" + queue
                + ", status=" + status + ", fencingToken=" + fencingToken
                + ", valueBlock=" + (valueBlock == null ? "null" : HexFormat.of().formatHex(valueBlock))
                + ", waitingNanos=" + waitingNanos + ", blockedBy=" + blockedBy + ", blocking=" + blocking + "]";
    }
}
