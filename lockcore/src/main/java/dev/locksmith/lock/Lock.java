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
     * The fencing token of the last grant: a number that only grows per resource, so whatever a
     * holder writes to can refuse a holder whose lock was since granted to someone else.
     * 0 before the first grant.
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
