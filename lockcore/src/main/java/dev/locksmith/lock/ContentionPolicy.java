package dev.locksmith.lock;

/**
 * How a resource chooses between waiting conversions and waiting new requests (after RMS's
 * {@code SET RMS_DEFAULT/CONTENTION_POLICY}).
 */
public enum ContentionPolicy {
    /**
     * VMS: conversions are always served before new requests, and a conversion compatible with
     * the granted locks is granted in place. Cheapest; a new request can starve while holders
     * keep converting.
     */
    CONVERSIONS_FIRST,
    /**
     * Arrival order among requests that have waited longer than the manager's starvation bound
     * ("overdue"): an overdue new request is served before conversions asked after it, and a
     * conversion that would newly block an earlier overdue request (its granted mode is
     * compatible with that request, its requested mode is not) queues behind it instead of
     * being granted in place; conversions behind a held-back one may pass it. Holding back never
     * makes a lock wait for a request that waits for that lock's granted mode: a conversion whose
     * granted mode blocks another conversion is not held back, nor for waiters queued behind one
     * its granted mode blocks. So the policy adds no deadlock. With a zero bound this is a fair
     * lock's first-come order, at the price of fewer in-place conversions.
     */
    FAIR
}
