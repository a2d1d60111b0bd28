package dev.locksmith.rms.cache;

/**
 * The management interface of one file's global buffers on one node, registered as
 * {@code dev.locksmith.rms:type=GlobalBuffers,file=<title>,node=<lock manager>,owner=<id>} while the
 * buffers are open. Every attribute but the two sizes is a counter since the buffers were made; reading one is
 * thread-safe and never blocks.
 */
public interface BufferCountersMXBean {
    /** Buckets cached at most (the global buffer count). */
    int getCapacity();

    /** Buckets cached now. */
    int getCached();

    /** New lock requests made ({@code $ENQ}). */
    long getEnqueues();

    /** Conversions requested (up to read or write, down when a blocking callback asked). */
    long getConversions();

    /** Locks given back (evictions, close). */
    long getDequeues();

    /** Enqueues, conversions and dequeues together. */
    long getLockManagerCalls();

    /** Reads served from a copy whose lock was still held: no lock-manager call. */
    long getHits();

    /** Reads of a bucket not cached: one enqueue and a storage read. */
    long getMisses();

    /** Reads of a copy whose lock had been lowered: one NL to PR conversion and a version compare. */
    long getRevalidations();

    /** Revalidations that found a newer version (or none valid) and read storage again. */
    long getRereads();

    /** Blocking callbacks received: another node wanted a bucket or the tree in a conflicting mode. */
    long getBlockingCallbacks();

    /** Buckets evicted to stay within the buffer count. */
    long getEvictions();

    /** Changes of one bucket kept in the buffers (dirty) instead of going to storage at once. */
    long getDeferredWrites();

    /** Dirty buckets written to storage (each write-back counts every bucket it wrote). */
    long getWriteBacks();
}
