package dev.locksmith.rms.cache;

/**
 * A snapshot of {@link BufferCounters}; see {@link BufferCountersMXBean} for what each counts.
 * Immutable.
 */
public record BufferStatistics(long enqueues, long conversions, long dequeues, long hits, long misses,
                               long revalidations, long rereads, long blockingCallbacks, long evictions,
                               long deferredWrites, long writeBacks) {

    /** Enqueues, conversions and dequeues together. */
    public long lockManagerCalls() {
        return enqueues + conversions + dequeues;
    }

    /** Bucket reads that went through the buffers: hits, misses and revalidations. */
    public long reads() {
        return hits + misses + revalidations;
    }

    /** This snapshot minus an earlier one of the same buffers. */
    public BufferStatistics minus(BufferStatistics earlier) {
        return new BufferStatistics(enqueues - earlier.enqueues, conversions - earlier.conversions,
                dequeues - earlier.dequeues, hits - earlier.hits, misses - earlier.misses,
                revalidations - earlier.revalidations, rereads - earlier.rereads,
                blockingCallbacks - earlier.blockingCallbacks, evictions - earlier.evictions,
                deferredWrites - earlier.deferredWrites, writeBacks - earlier.writeBacks);
    }
}
