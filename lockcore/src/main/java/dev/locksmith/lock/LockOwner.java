package dev.locksmith.lock;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a VMS process is to the lock manager: it holds locks, is the unit of deadlock detection,
 * and closing it (rundown) releases everything it holds, sublocks before their parents.
 *
 * <p>Thread-safe: several threads may make requests for one owner. Synchronous requests block
 * the calling thread until the request ends; asynchronous ones return at once and complete
 * their stage on the lock manager's callback executor (or are already complete when the request
 * ended at once). A request that ends without a grant
 * (NOTQUEUED, TIMEOUT, DEADLOCK, CANCELLED) throws, or completes the stage with, a
 * {@link LockException} carrying that status. Invalid requests throw {@link LockException}
 * at once, from the async forms too, and change nothing.
 */
public interface LockOwner extends AutoCloseable {
    /** This owner's name, for display. */
    String name();

    /** This owner's id: unique within its lock manager, never reused; what LKE shows and clears by. */
    long id();

    /**
     * Adds a listener told when an administrator clears locks of this owner. Listeners stay for
     * the owner's life.
     */
    void addClearListener(ClearListener listener);

    /** The owner group whose namespace root locks use by default. */
    int group();

    /** Deadlock priority: in a deadlock the owner with the lowest priority is the victim. */
    int deadlockPriority();

    /**
     * Requests a new lock and waits until it is granted or fails.
     *
     * @throws InterruptedException if interrupted while waiting; the request is cancelled first
     * @throws LockException        if the request is invalid or ends without a grant
     */
    Lock enqueue(LockRequest request) throws InterruptedException;

    /** Shorthand for {@code enqueue(LockRequest.of(name, mode))}. */
    default Lock enqueue(String name, LockMode mode) throws InterruptedException {
        return enqueue(LockRequest.of(name, mode));
    }

    /**
     * Requests a new lock without waiting. Returns the lock at once, as {@code $ENQ} returns a
     * lock id: {@link Lock#completion()} completes when it is granted or fails, and
     * {@link #cancel(Lock)} withdraws it while it waits.
     */
    Lock enqueueAsync(LockRequest request);

    /**
     * Converts a granted lock of this owner and waits until the conversion is granted or fails.
     * A failed conversion leaves the lock granted in its old mode.
     *
     * @throws InterruptedException if interrupted while waiting; the conversion is cancelled first
     * @throws LockException        if invalid (e.g. {@link LockStatus#CVTUNGRANT}) or not granted
     */
    Lock convert(Lock lock, LockRequest conversion) throws InterruptedException;

    /** Shorthand for {@code convert(lock, LockRequest.conversionTo(mode))}. */
    default Lock convert(Lock lock, LockMode mode) throws InterruptedException {
        return convert(lock, LockRequest.conversionTo(mode));
    }

    /** Converts a granted lock; the stage completes on grant or failure. */
    CompletionStage<Lock> convertAsync(Lock lock, LockRequest conversion);

    /** Dequeues a lock, writing no value block. See {@link #dequeue(Lock, LockFlag...)}. */
    default void dequeue(Lock lock) {
        dequeue(lock, new LockFlag[0]);
    }

    /**
     * Dequeues a lock of this owner ({@code $DEQ}). With {@link LockFlag#VALBLK} or
     * {@link LockFlag#XVALBLK} a PW/EX lock writes its staged value block. A waiting request or
     * pending conversion is cancelled first. Refused with {@link LockStatus#SUBLOCKS} while the
     * lock has sublocks, with {@link LockStatus#IVLOCKID} if already dequeued or not this owner's.
     */
    void dequeue(Lock lock, LockFlag... flags);

    /** DEQALL with a lock id: dequeues every sublock of {@code lock}, deepest first, not the lock. */
    void dequeueSublocks(Lock lock);

    /** DEQALL without a lock id: dequeues every lock of this owner, sublocks first. */
    void dequeueAll();

    /**
     * Cancels a waiting request or pending conversion: a waiting request ends with
     * {@link LockStatus#CANCELLED}; a conversion is withdrawn and the lock stays granted in its
     * old mode.
     *
     * @return false if nothing was pending (the request was already granted, or ended without a
     *         grant: timed out, refused, chosen as a deadlock victim)
     * @throws LockException {@link LockStatus#IVLOCKID} if the lock was dequeued or is not this owner's
     */
    boolean cancel(Lock lock);

    /** The locks this owner holds or waits for, in the order they were requested. */
    List<Lock> locks();

    /** Rundown: cancels pending requests and dequeues every lock, sublocks first. Idempotent. */
    @Override
    void close();

    /**
     * Abnormal rundown, as when a process dies: like {@link #close()}, but the value block of
     * every resource on which this owner held PW or EX is marked not valid.
     */
    void abort();

    /** Whether {@link #close()} or {@link #abort()} was called. */
    boolean isClosed();
}
