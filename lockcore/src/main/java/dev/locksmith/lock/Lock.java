package dev.locksmith.lock;

import java.util.Optional;

/**
 * A lock: the lock id and status block ({@code LKSB}) of one {@code $ENQ}. A {@code Lock} is
 * a handle; requests on it are made through its {@link LockOwner}. All methods are thread-safe
 * and non-blocking; what they return is a snapshot.
 */
public interface Lock {
    /** The lock id, unique within its lock manager. */
    long id();

    /** The resource name as given on the request. */
    String resourceName();

    /** The namespace of the lock's resource tree. */
    Namespace namespace();

    /** The parent lock, if this is a sublock. */
    Optional<Lock> parent();

    /** The owner that holds or requested this lock. */
    LockOwner owner();

    /** The granted mode, or null while a new request waits or after it failed. */
    LockMode grantedMode();

    /** The mode of the pending request or conversion, or the granted mode when none is pending. */
    LockMode requestedMode();

    /** The queue the lock is on, or empty once dequeued or failed. */
    Optional<LockQueue> queue();

    /**
     * The status of the last request made on this lock: {@link LockStatus#PENDING} while it
     * waits, its outcome once it has one.
     */
    LockStatus status();

    /**
     * The fencing token of the last grant (of a new request or a conversion), 0 before the first:
     * whatever a holder writes to can refuse a holder whose lock was since granted to someone
     * else, by remembering the highest token it accepted for the resource.
     *
     * <p>Guaranteed, per resource (namespace and path): every grant carries a token no other grant
     * of the resource carries, and a grant made after another one was made carries a greater
     * token. For the embedded engine this holds for the manager's lifetime, also when the resource
     * is deleted (its last lock went) and made again. In a cluster it holds across every change of
     * the resource's master: its tree dropped when empty and mastered afresh by another node, moved
     * by remastering, rebuilt on a new master from the survivors' copies after its master left or
     * crashed, or mastered afresh after a master crashed that no survivor held a copy from (each
     * view's tokens start above every token of earlier views). A node that lost its quorum lease
     * grants nothing, so its stale tokens never follow newer ones. The limits: the cluster's
     * lifetime (a cluster started again from no members starts again from low numbers), and a
     * master giving fewer than 2^40 tokens on one engine stripe within one view.
     *
     * <p>Tokens are not consecutive, and grants of different resources share no order.
     */
    long fencingToken();

    /**
     * A copy of the value block as last read or staged: 16 bytes, or 64 if the lock used
     * {@link LockFlag#XVALBLK}; empty (length 0) if the lock never used a value block.
     */
    byte[] valueBlock();

    /**
     * Stages {@code value} to be written to the resource by the next down-conversion or dequeue
     * from PW or EX made with {@link LockFlag#VALBLK} (16 bytes) or {@link LockFlag#XVALBLK}
     * (64 bytes). The length is checked against the flag when that request is made.
     */
    void setValueBlock(byte[] value);

    /**
     * The stage of the last request made on this lock: completes with this lock when granted,
     * or exceptionally with a {@link LockException} carrying the status when it ends otherwise.
     * Completion runs on the lock manager's callback executor; a request that already ended
     * gives an already completed stage.
     */
    java.util.concurrent.CompletionStage<Lock> completion();

    /** A {@code $GETLKI}-style snapshot of this lock, with the locks it blocks and is blocked by. */
    LockInfo info();
}
