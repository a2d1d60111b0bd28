package dev.locksmith.lock.cluster;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;

/**
 * The gate between a node's request fast path (many threads route requests at once, each
 * briefly) and the protocol thread's changes to routing (a view change, a tree dropped or moved
 * away), which must see no request half-way through. A reader-writer lock, shaped for readers
 * that are many, short and almost never meet a writer.
 *
 * <p>Why not a {@link StampedLock} alone: its read lock is a compare-and-set on one word shared
 * by every reader, twice per route, and every request routes twice (enqueue and dequeue); with
 * two threads the word's cache line moves between cores on each. Here each thread has a slot of
 * its own: entering is one store to it (ordered before the read of {@code closing}, as in
 * Dekker's algorithm), leaving one ordered store, and no line is shared between readers. A
 * writer raises {@code closing}, then waits for every slot to empty; a reader that finds it
 * raised empties its slot and waits behind the writer on a {@link StampedLock}, which the writer
 * holds while it works.
 *
 * <p>Thread-safe. {@link #enter} blocks only while a writer works; {@link #writeLock} waits for the
 * readers inside (polling, with short parks). Readers may nest; writers are one thread at a time
 * (the protocol thread) and must not enter as readers while they hold the gate.
 */
final class RouteGate {
    /** A reader thread's slot: how deep it is inside the gate (written by that thread only). */
    static final class Slot {
        private final WeakReference<Thread> thread;
        volatile int depth;
        /** Whether this entry took the stamped lock's read side (a writer was closing); by depth. */
        private long slowStamp;
        private int slowDepth;

        Slot(Thread thread) {
            this.thread = new WeakReference<>(thread);
        }
    }

    private static final AtomicIntegerFieldUpdater<Slot> DEPTH = AtomicIntegerFieldUpdater.newUpdater(Slot.class, "depth");

    private final StampedLock writers = new StampedLock();
    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> mine = ThreadLocal.withInitial(this::register);
    private volatile boolean closing;
    private static final int MIN_PRUNE_AT = 64;
    /** The list size at which the next registration prunes ended threads' slots; guarded by this. */
    private int pruneAt = MIN_PRUNE_AT;

    /**
     * Once per thread. Slots of threads that have ended are pruned here as the list doubles, not
     * only when a writer shuts the gate, so a stream of short-lived callers (a pool that replaces
     * its threads, virtual threads) keeps the list near the number of live threads.
     */
    private synchronized Slot register() {
        if (slots.size() >= pruneAt) {
            slots.removeIf(RouteGate::ended);
            pruneAt = Math.max(MIN_PRUNE_AT, 2 * slots.size());
        }
        Slot s = new Slot(Thread.currentThread());
        slots.add(s); // before the slot is first raised: a writer that misses it sees no raise
        return s;
    }

    /** A slot no thread can raise again: its thread has ended (and was not inside the gate). */
    private static boolean ended(Slot s) {
        Thread t = s.thread.get();
        return (t == null || !t.isAlive()) && s.depth == 0;
    }

    /** The slots of threads that have used the gate and were not pruned yet; for tests. */
    int slotCount() {
        return slots.size();
    }

    /** Enters the gate as a reader; returns the slot to hand back to {@link #leave}. */
    Slot enter() {
        Slot s = mine.get();
        int depth = s.depth;
        s.depth = depth + 1; // a volatile store: ordered before the read of closing
        if (closing && depth == 0) {
            s.depth = 0;
            long stamp = writers.readLock(); // waits for the writer
            s.slowStamp = stamp;
            s.slowDepth = 1;
            s.depth = 1;
            return s;
        }
        if (s.slowDepth > 0) {
            s.slowDepth++;
        }
        return s;
    }

    /** Leaves the gate entered with {@code s}, on the thread that entered. */
    void leave(Slot s) {
        if (s.slowDepth > 0 && --s.slowDepth == 0) {
            long stamp = s.slowStamp;
            s.depth = 0;
            writers.unlockRead(stamp);
            return;
        }
        DEPTH.lazySet(s, s.depth - 1); // ordered, without the fence of a volatile store
    }

    /**
     * Shuts the gate: returns once no reader is inside, and none enters until {@link #unlockWrite}.
     * Named as {@link StampedLock}'s, which the gate replaces.
     */
    long writeLock() {
        long stamp = writers.writeLock();
        closing = true;
        for (Slot s : slots) {
            for (int waits = 0; s.depth != 0; waits++) {
                if (waits < 64) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
                }
            }
        }
        slots.removeIf(RouteGate::ended);
        return stamp;
    }

    /** Opens the gate shut by {@link #writeLock} ({@code stamp} is what it returned). */
    void unlockWrite(long stamp) {
        closing = false;
        writers.unlockWrite(stamp);
    }
}
