package dev.locksmith.rms.cache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The counters of one file's global buffers on one node, since they were made: the lock-manager
 * calls the buffers made (enqueues, conversions, dequeues) and what reads found. Counters only
 * grow. Thread-safe; also the MXBean registered for the buffers ({@link BufferCountersMXBean}).
 */
public final class BufferCounters implements BufferCountersMXBean {
    final LongAdder enqueues = new LongAdder();
    final LongAdder conversions = new LongAdder();
    final LongAdder dequeues = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder revalidations = new LongAdder();
    final LongAdder rereads = new LongAdder();
    final LongAdder blockingCallbacks = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder deferredWrites = new LongAdder();
    final LongAdder writeBacks = new LongAdder();

    private final IntSupplier capacity;
    private final IntSupplier cached;

    BufferCounters(IntSupplier capacity, IntSupplier cached) {
        this.capacity = capacity;
        this.cached = cached;
    }

    @Override
    public int getCapacity() {
        return capacity.getAsInt();
    }

    @Override
    public int getCached() {
        return cached.getAsInt();
    }

    /** A snapshot of every counter. */
    public BufferStatistics snapshot() {
        return new BufferStatistics(enqueues.sum(), conversions.sum(), dequeues.sum(), hits.sum(), misses.sum(),
                revalidations.sum(), rereads.sum(), blockingCallbacks.sum(), evictions.sum(), deferredWrites.sum(),
                writeBacks.sum());
    }

    @Override
    public long getEnqueues() {
        return enqueues.sum();
    }

    @Override
    public long getConversions() {
        return conversions.sum();
    }

    @Override
    public long getDequeues() {
        return dequeues.sum();
    }

    @Override
    public long getLockManagerCalls() {
        return snapshot().lockManagerCalls();
    }

    @Override
    public long getHits() {
        return hits.sum();
    }

    @Override
    public long getMisses() {
        return misses.sum();
    }

    @Override
    public long getRevalidations() {
        return revalidations.sum();
    }

    @Override
    public long getRereads() {
        return rereads.sum();
    }

    @Override
    public long getBlockingCallbacks() {
        return blockingCallbacks.sum();
    }

    @Override
    public long getEvictions() {
        return evictions.sum();
    }

    @Override
    public long getDeferredWrites() {
        return deferredWrites.sum();
    }

    @Override
    public long getWriteBacks() {
        return writeBacks.sum();
    }
}
