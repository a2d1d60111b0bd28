package dev.locksmith.lock;

/** Which of a resource's three queues a lock is on. */
public enum LockQueue {
    /** Granted, no conversion pending. */
    GRANTED,
    /** Granted in its old mode, waiting to convert. */
    CONVERTING,
    /** A new request, not yet granted. */
    WAITING
}
