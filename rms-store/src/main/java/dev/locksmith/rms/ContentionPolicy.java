package dev.locksmith.rms;

/**
 * Fairness of bucket locking under contention, as {@code SET RMS_DEFAULT/CONTENTION_POLICY}: whether
 * a stream's bucket-lock requests yield to writers already waiting. Set per stream
 * ({@link StreamOptions}) or as the default of an open file ({@link Sharing}, the "system" setting).
 *
 * <p>How it maps onto the lock manager: a stream that does not need fairness keeps its bucket lock
 * cached in NL between services and converts it up for each one. The lock manager grants a
 * compatible conversion in place, ahead of new requests that wait, which costs two calls per
 * service but lets a steady stream of readers starve a writer. A stream that needs fairness takes
 * a new lock for each service instead; new requests queue behind waiting ones in arrival order,
 * so a writer is served once the readers ahead of it finish. That costs one call more per service.
 */
public enum ContentionPolicy {
    /** Use the file's default (for a stream); the open file's default is never this. */
    SYSTEM_DEFAULT,
    /** Never pay for fairness: cached bucket locks converted in place (the default). */
    NEVER,
    /**
     * Fair on files opened by more than one opener in this JVM, which share one storage and its cache
     * (this store's counterpart of global buffers); as {@link #NEVER} on a file with one opener.
     */
    SOMETIMES,
    /** Fair on every file. */
    ALWAYS
}
