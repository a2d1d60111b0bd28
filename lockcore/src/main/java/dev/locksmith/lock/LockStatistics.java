package dev.locksmith.lock;

/**
 * Counters since the lock manager started, and current sizes. Counters only grow.
 *
 * @param newRequests       new lock requests accepted
 * @param conversions       conversion requests accepted
 * @param dequeues          locks dequeued (including by rundown)
 * @param waits             requests that had to wait
 * @param notQueued         requests refused with NOTQUEUED
 * @param timeouts          requests that ended with TIMEOUT
 * @param cancels           pending requests cancelled
 * @param deadlockSearches  deadlock searches run
 * @param deadlockVictims   requests failed with DEADLOCK
 * @param blockingCallbacks blocking callbacks delivered
 * @param resources         resources that exist now
 * @param locks             locks that exist now (granted, converting or waiting)
 */
public record LockStatistics(long newRequests, long conversions, long dequeues, long waits, long notQueued,
                             long timeouts, long cancels, long deadlockSearches, long deadlockVictims,
                             long blockingCallbacks, long resources, long locks) {
}
