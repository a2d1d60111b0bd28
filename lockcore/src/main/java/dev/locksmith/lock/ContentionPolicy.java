package dev.locksmith.lock;

/**
 * How a resource chooses between waiting conversions and waiting new requests (seed 004,
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
     * Once the first waiting new request has waited longer than the manager's starvation bound,
     * conversions that would newly block it (their granted mode is compatible with it, their
     * requested mode is not) queue behind it instead of being granted, so it is served before
     * them. Conversions already blocking it still go first, so the policy adds no deadlock.
     */
    FAIR
}
