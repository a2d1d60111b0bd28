package dev.locksmith.rms.cache;

import dev.locksmith.lock.BlockingHandler;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.access.BucketCache;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.storage.BucketStorage;
import java.lang.System.Logger;
import java.lang.management.ManagementFactory;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The global buffers of one file on one node (one lock manager): a bucket cache shared by every
 * stream and transaction of the file that locks through that manager, whose bucket locks stay
 * cached between services, as VMS RMS caches its read-mode global bucket locks (seed 001).
 *
 * <p><b>Locks</b>, all held by one system owner of this node, as sublocks of the file lock:
 * <ul>
 *   <li>{@code WRITERS}: EX while this node's changing services run, one at a time (a fair local
 *       turn); kept after them, lowered to NL by a blocking callback once the running one ended.
 *       So one node's changing services run at a time, in the cluster.
 *   <li>{@code BKT 1}, the tree lock: PR for every service, EX for a changing service whose change
 *       is more than one existing bucket's new image (a split, a new or freed bucket, the file
 *       state, an alternate key), taken just before that change is applied. It is not given back
 *       after a service; a blocking callback (another node wants a conflicting mode) has it lowered
 *       — to PR if the other node only reads, else to NL — as soon as the services running here
 *       have ended. Services arriving after the callback wait for that lowering (the local gate is
 *       a fair read-write lock), and conversions up are queued behind waiting ones (QUECVT), so
 *       cached readers never starve a writer on another node; a change of several buckets here
 *       takes the gate exclusively, so later readers wait for it too.
 *   <li>{@code BKT n} per cached bucket: PR while the cached copy is known current, EX once this
 *       node is writing or wrote the bucket. A blocking callback lowers it (EX to PR for a reader,
 *       otherwise to NL) at once unless a change of this node is being applied to it: a reader
 *       sees a bucket's old or new image, each committed, and a change of several buckets only
 *       under the tree lock in EX, which no reading service holds anywhere. A lock lowered from EX
 *       after the bucket was written publishes, in its value block, a new version: the fencing
 *       token of that EX grant, which no earlier grant of the bucket carried.
 * </ul>
 *
 * <p><b>Reads.</b> A cached bucket whose lock is still PR or EX is returned with no lock-manager
 * call. One lowered to NL is revalidated by an NL→PR conversion; the copy is kept if the value
 * block's version equals the copy's and read again from storage otherwise (also when the value
 * block is not valid: its last EX holder died). A missing bucket is read under a new PR lock. At
 * most {@code capacity} buckets are cached; beyond that the least recently used unpinned bucket
 * is evicted and its lock dequeued. The prolog and the state bucket are not cached.
 *
 * <p><b>Writes.</b> Before a changing service's buckets are written each of them is locked EX
 * (other nodes' cached PR locks are lowered by their callbacks); the new images replace the cached
 * copies and the buckets are marked written. With a write-behind delay (deferred durability, as RMS's
 * deferred write), a new image of one existing bucket stays in the buffers, <em>dirty</em>, under
 * the bucket's EX lock, so that many updates of a bucket between two storage commits cost one
 * storage write. Every dirty bucket of the node is written to storage together, as one atomic change
 * set (so after a crash storage holds a prefix of this node's services): before any other change
 * set (which goes to storage at once, with them), before a dirty bucket's lock is lowered for a
 * blocking callback (so the node it was lowered for reads the new image) or given back (eviction,
 * close), on {@link #writeBack} (the file's flush) and at the latest the write-behind delay after
 * the first of them was made dirty.
 *
 * <p>Thread-safe. {@link #enter} blocks until the service may run (writers' lock, gate, tree lock).
 * Lock-manager failures are {@link RmsException}s (see {@link FileLocks#translate}). Waits of the
 * system owner are ignored by deadlock detection: every one of them ends when the holder's
 * callback lowers its lock, which needs no lock this node waits for. Nor does deadlock detection
 * see the local gate: services of several files nested on one thread must enter the files in one
 * order everywhere, as a store transaction's commit does (by file name).
 *
 * <p><b>Locks taken away.</b> If an administrator clears locks of the system owner (LKE CLEAR), or
 * a cluster node loses them with its quorum, the next service gives back what is left and starts
 * with an empty cache. Dirty buckets are written to storage only while every one of them is still
 * locked EX here: once one of those locks is gone another node may have changed that bucket, and
 * writing the old copy over it would lose its change, so none of them is written (storage keeps
 * the prefix of this node's services it had) — the next service drops them and counts a
 * {@linkplain #losses() loss}; the openers that were open then fail with
 * {@link RmsStatus#LOCKLOST} from then on. A service during which locks were cleared fails with
 * LOCKLOST rather than write under them. A write-back already writing when the locks went still
 * lands; a clear is noticed once the lock manager tells (at once on an embedded manager).
 */
public final class GlobalBuffers implements AutoCloseable {
    private static final Logger LOG = System.getLogger(GlobalBuffers.class.getName());
    private static final int VERSION_BYTES = 16;
    /** Version of a copy whose value block was not valid: never equal to a published one. */
    private static final long UNKNOWN = -1;
    /** The copy of a bucket that does not exist (null in {@link Entry#image} means not read yet). */
    private static final byte[] ABSENT = new byte[0];

    private final String title;
    private final String fileLockName;
    private volatile int capacity;
    private final BucketStorage storage;
    /** How long a bucket may stay dirty; 0: every change goes to storage at once. */
    private final long writeBehindMillis;
    /**
     * Guards {@link #dirty} and the copies of dirty buckets: held to change a copy and to take a
     * snapshot of the dirty ones, never while a lock is awaited nor (but by a change of several
     * buckets, which runs alone here) while storage is written. Taken after {@link #writeBackLock}.
     */
    private final ReentrantLock dirtyLock = new ReentrantLock();
    /**
     * Held while dirty buckets are written to storage, so that write-backs reach storage in the
     * order of their snapshots. Taken after an entry's gate, never before.
     */
    private final ReentrantLock writeBackLock = new ReentrantLock();
    /** Dirty buckets, in the order they became dirty. */
    private final Map<Long, Entry> dirty = new LinkedHashMap<>();
    private final AtomicBoolean writeBackScheduled = new AtomicBoolean();
    private final LockOwner system;
    private volatile Lock fileLock;
    private final BufferCounters counters;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final ReentrantLock treeConversion = new ReentrantLock();
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    /**
     * A direct-mapped front of {@link #entries} (slot: bucket number modulo the slot count), so
     * that a hit costs no boxing and no hash-map walk. Each slot is two elements, side by side in
     * one cache line: an entry, then the image it last held. Only a hint: a slot may hold another
     * bucket's entry or an evicted one (whose mode is NL, so it never passes for a hit), and an
     * image the entry no longer holds; {@link #entries} and the entry decide. Written without
     * synchronization: an entry's bucket number is final, and an image is used only once it is
     * found to be the entry's (volatile) image. What the image beside the entry buys: a hit on a
     * bucket long out of the processor's caches starts loading the image while it waits for the
     * entry, rather than after.
     */
    private volatile Object[] front;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean treeLoweringQueued = new AtomicBoolean();
    /** This node's changing services take turns here, in arrival order. */
    private final ReentrantLock writerTurn = new ReentrantLock(true);
    private final AtomicBoolean writersLoweringQueued = new AtomicBoolean();
    /** Lowers the tree lock; a thread of its own, as its wait for the gate must not hold up {@link #writersLowerer}. */
    private final ExecutorService lowerer;
    private final ExecutorService writersLowerer;
    private volatile Lock writers;
    private volatile LockMode writersMode = LockMode.NL;
    private volatile Lock tree;
    private volatile LockMode treeMode = LockMode.NL;
    private volatile LockMode treeBlockedMode = LockMode.EX;
    private volatile boolean closed;
    /** Set when an administrator cleared locks of the system owner: the next service starts afresh. */
    private volatile boolean lostLocks;
    /** How many times dirty buckets were dropped because their locks had been cleared. */
    private volatile int losses;
    private final ObjectName mbeanName;

    /** One cached bucket. Its fields change under {@code gate}; readers of the hit path see volatile ones. */
    private final class Entry {
        final long bucket;
        final ReentrantLock gate = new ReentrantLock();
        Lock lock;
        volatile LockMode mode = LockMode.NL;
        /**
         * The copy: null until read, {@link #ABSENT} if the bucket does not exist. Held here, not in
         * an object with its version, so a hit on a bucket long out of the processor's caches waits
         * for one object less.
         */
        volatile byte[] image;
        /** The version {@link #image} was read or published at; under {@code gate}. */
        long version;
        volatile boolean referenced = true;
        /** Written while the current EX lock was held: the next lowering publishes a new version. */
        boolean written;
        /** The copy is newer than storage's image (under {@code dirtyLock}); the lock is EX meanwhile. */
        volatile boolean dirty;
        boolean evicted;
        volatile LockMode loweringWanted;

        Entry(long bucket) {
            this.bucket = bucket;
        }
    }

    /** The image a copy stands for: null for {@link #ABSENT}. */
    private static byte[] present(byte[] image) {
        return image == ABSENT ? null : image;
    }

    /** Writes dirty buckets back once their delay is up: one daemon thread for every file's buffers. */
    private static final ScheduledExecutorService WRITE_BEHIND = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rms global buffer write-behind");
        t.setDaemon(true);
        return t;
    });

    /**
     * Takes this node's part of the file's lock tree: the system owner and its NL file lock.
     *
     * @param manager           the node's lock manager
     * @param fileLockName      the file lock's name ({@link FileLocks#fileLockName()})
     * @param title             names the owner and the lowering thread
     * @param capacity          buckets cached at most; 0 keeps none (each read takes its lock and gives it back)
     * @param storage           where the file's buckets are (written to by {@link Service#apply} and write-backs)
     * @param writeBehindMillis longest time a bucket changed here stays dirty in the buffers; 0 writes
     *                          every change to storage before the service returns
     * @throws RmsException IAL for a negative capacity or delay; CLOSED if the manager is closed
     */
    public GlobalBuffers(LockManager manager, String fileLockName, String title, int capacity, BucketStorage storage,
                         long writeBehindMillis) {
        if (capacity < 0) {
            throw new RmsException(RmsStatus.IAL, "global buffer count is " + capacity + "; it must be 0 or more");
        }
        if (writeBehindMillis < 0) {
            throw new RmsException(RmsStatus.IAL, "write-behind delay is " + writeBehindMillis + " ms; it must be 0 or more");
        }
        this.title = title;
        this.capacity = capacity;
        this.front = new Object[2 * frontLength(capacity)];
        this.storage = storage;
        this.writeBehindMillis = writeBehindMillis;
        this.counters = new BufferCounters(this::capacity, this::size);
        this.system = manager.newOwner("rms global buffers of " + title);
        this.fileLockName = fileLockName;
        try {
            fileLock = enqueueFileLock();
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        // A copy is only as good as its lock: once an administrator cleared them, none is trusted.
        system.addClearListener((owner, locks) -> lostLocks = true);
        this.mbeanName = register(manager, title, system.id(), counters);
        this.lowerer = daemonThread("rms global buffers of " + title);
        this.writersLowerer = daemonThread("rms global buffer writers of " + title);
    }

    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private Lock enqueueFileLock() {
        try {
            Lock lock = system.enqueue(LockRequest.of(fileLockName, LockMode.NL).withFlags(LockFlag.SYSTEM));
            counters.enqueues.increment();
            return lock;
        } catch (LockException e) {
            throw FileLocks.translate(e, "the file lock of " + title);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.CANCELLED, "interrupted while taking the file lock of " + title);
        }
    }

    /**
     * After an administrator cleared locks of the system owner (LKE CLEAR): once the services
     * running here have ended, gives back whatever is left and forgets every copy, so the next
     * reads take their locks and copies afresh. Services that were running when the locks were
     * cleared finish with what they had, as any holder of a cleared lock does.
     */
    private void startAfresh() {
        writerTurn.lock();
        gate.writeLock().lock();
        try {
            if (!lostLocks || closed) {
                return;
            }
            lostLocks = false;
            writeBackOrDrop();
            for (Entry entry : entries.values()) {
                entry.gate.lock();
                try {
                    if (entry.lock != null) {
                        dequeue(entry); // publishes a written bucket's version if its lock survived
                    }
                    entry.evicted = true;
                } finally {
                    entry.gate.unlock();
                }
            }
            entries.clear();
            front = new Object[front.length];
            size.set(0);
            system.dequeueAll();
            counters.dequeues.increment();
            tree = null;
            treeMode = LockMode.NL;
            writers = null;
            writersMode = LockMode.NL;
            fileLock = enqueueFileLock();
        } finally {
            gate.writeLock().unlock();
            writerTurn.unlock();
        }
    }

    /**
     * Under the gate held exclusively, after locks were cleared: writes the dirty buckets back if
     * every one of them is still locked here (only other locks were cleared), else drops them all.
     */
    private void writeBackOrDrop() {
        try {
            writeBack();
            return;
        } catch (RmsException e) {
            if (e.status() != RmsStatus.LOCKLOST) {
                throw e;
            }
        }
        int dropped;
        dirtyLock.lock();
        try {
            dropped = dirty.size();
            dirty.values().forEach(entry -> entry.dirty = false);
            dirty.clear();
        } finally {
            dirtyLock.unlock();
        }
        losses++;
        LOG.log(Level.ERROR, "the changes of " + dropped + " bucket(s) of " + title + " were dropped, not written:"
                + " their locks were cleared (LKE CLEAR or a lost quorum) before they were written back");
    }

    /**
     * How many times buckets changed here were dropped instead of written, because locks that
     * guarded them were cleared before they were written back; an opener that sees it grow must
     * fail with {@link RmsStatus#LOCKLOST}.
     */
    public int losses() {
        return losses;
    }

    private static ObjectName register(LockManager manager, String title, long ownerId, BufferCounters counters) {
        try {
            ObjectName name = new ObjectName("dev.locksmith.rms:type=GlobalBuffers,file=" + ObjectName.quote(title)
                    + ",node=" + ObjectName.quote(manager.name()) + ",owner=" + ownerId);
            ManagementFactory.getPlatformMBeanServer().registerMBean(counters, name);
            return name;
        } catch (JMException e) {
            // Monitoring is a convenience: the buffers work without their bean.
            LOG.log(Level.WARNING, "global buffers of " + title + " have no MBean: " + e);
            return null;
        }
    }

    /** The name of the MBean of these buffers' counters, or null if it could not be registered. */
    public ObjectName mbeanName() {
        return mbeanName;
    }

    /** The counters of this node's buffers of the file. */
    public BufferCounters counters() {
        return counters;
    }

    /** The index of bucket {@code bucketId}'s slot (its entry; its image follows) in the front table {@code table}. */
    private static int slot(Object[] table, long bucketId) {
        return ((int) bucketId & ((table.length >>> 1) - 1)) << 1;
    }

    /** The entry in {@code table}'s slot {@code slot} if it is bucket {@code bucketId}'s, else null. */
    private static Entry entryAt(Object[] table, int slot, long bucketId) {
        Entry entry = (Entry) table[slot];
        return entry != null && entry.bucket == bucketId ? entry : null;
    }

    /** Puts {@code entry} and its copy {@code image} (an absent bucket's is not kept) in {@code table}'s slot {@code slot}. */
    private static void front(Object[] table, int slot, Entry entry, byte[] image) {
        table[slot] = entry;
        table[slot + 1] = image == ABSENT ? null : image;
    }

    /** Slots of the front table for {@code capacity} buckets: a power of two, at most 2^16. */
    private static int frontLength(int capacity) {
        return Integer.highestOneBit(Math.max(16, Math.min(1 << 16, capacity)) * 2 - 1);
    }

    /** Buckets cached at most. */
    public int capacity() {
        return capacity;
    }

    /**
     * Caches at most {@code count} buckets from now on: a smaller count evicts the least recently
     * used buckets beyond it at once (those pinned by running services as soon as they end); 0
     * keeps none, every read then taking its bucket lock and giving it back.
     *
     * @throws RmsException IAL for a negative count
     */
    public void resize(int count) {
        if (count < 0) {
            throw new RmsException(RmsStatus.IAL, "global buffer count is " + count + "; it must be 0 or more");
        }
        capacity = count;
        front = new Object[2 * frontLength(count)];
        evictOverCapacity(null);
    }

    /**
     * Threads waiting at the local gate: services behind a change of several buckets or a lowering
     * of the tree lock, and such a change or lowering behind the services running.
     */
    public int waitingServices() {
        return gate.getQueueLength();
    }

    /** Buckets cached now. */
    public int size() {
        return size.get();
    }

    /**
     * Enters one service: a changing service first takes this node's writer turn and the writers'
     * lock; every service then takes the local gate shared and makes sure this node holds the tree
     * lock in PR (or EX). A changing service whose change turns out to be more than one existing
     * bucket's new image takes the gate exclusively and the tree lock in EX before it applies it
     * ({@link Service#apply}). Close the returned service when it ends, on the thread that
     * entered it.
     *
     * @throws RmsException CLOSED if these buffers or the manager are closed, CANCELLED if
     *                      interrupted while a lock was awaited
     */
    public Service enter(boolean changes) {
        if (lostLocks) {
            startAfresh();
        }
        if (treeLoweringQueued.get()) {
            // Another node waits for the tree: this service comes after it, not before the lowering
            // thread has even queued for the gate.
            lowerTree();
        }
        if (changes) {
            if (writersLoweringQueued.get()) {
                lowerWriters();
            }
            writerTurn.lock();
        }
        try {
            if (changes) {
                holdWriters();
            }
            gate.readLock().lock();
            try {
                if (closed) {
                    throw new RmsException(RmsStatus.CLOSED, "the global buffers of " + title + " are closed");
                }
                holdTree(LockMode.PR);
                return new Service(changes);
            } catch (RuntimeException e) {
                gate.readLock().unlock();
                throw e;
            }
        } catch (RuntimeException e) {
            if (changes) {
                writerTurn.unlock();
            }
            throw e;
        }
    }

    /** Under the writer turn: this node's writers' lock in EX, so one node's changing services run at a time. */
    private void holdWriters() {
        if (writersMode == LockMode.EX) {
            return;
        }
        if (writers == null) {
            writers = enqueue(FileLocks.WRITERS, LockMode.EX, (lock, blocked) -> writersBlocked());
        } else {
            convert(writers, LockMode.EX, false, FileLocks.WRITERS);
        }
        writersMode = LockMode.EX;
    }

    private void writersBlocked() {
        boolean first = writersLoweringQueued.compareAndSet(false, true);
        counters.blockingCallbacks.increment();
        if (first) {
            try {
                writersLowerer.execute(this::lowerWriters);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                writersLoweringQueued.set(false); // closing: the owner's rundown gives everything back
            }
        }
    }

    /** Once this node's running changing service has ended, lowers the writers' lock to NL (once, whoever comes first). */
    private void lowerWriters() {
        writerTurn.lock();
        try {
            if (!writersLoweringQueued.getAndSet(false) || closed || writers == null || writersMode == LockMode.NL) {
                return;
            }
            writersMode = LockMode.NL;
            convert(writers, LockMode.NL, false, FileLocks.WRITERS);
        } catch (RmsException e) {
            LOG.log(Level.WARNING, "lowering the writers' lock of " + title + " failed", e);
        } finally {
            writerTurn.unlock();
        }
    }

    private void holdTree(LockMode wanted) {
        LockMode held = treeMode;
        if (held == LockMode.EX || held == wanted) {
            return;
        }
        treeConversion.lock();
        try {
            held = treeMode;
            if (held == LockMode.EX || held == wanted) {
                return;
            }
            String name = FileLocks.bucketName(FileState.BUCKET_ID);
            if (tree == null) {
                tree = enqueue(name, wanted, (lock, blocked) -> treeBlocked(blocked));
            } else {
                if (held == LockMode.PR) {
                    // Two nodes converting PR to EX would each wait for the other's PR: go through NL.
                    convert(tree, LockMode.NL, false, name);
                    treeMode = LockMode.NL;
                }
                convert(tree, wanted, false, name);
            }
            treeMode = wanted;
        } finally {
            treeConversion.unlock();
        }
    }

    private void treeBlocked(LockMode blocked) {
        treeBlockedMode = blocked;
        boolean first = treeLoweringQueued.compareAndSet(false, true);
        counters.blockingCallbacks.increment();
        if (first) {
            try {
                lowerer.execute(this::lowerTree);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                treeLoweringQueued.set(false); // closing: the owner's rundown gives everything back
            }
        }
    }

    /**
     * On the lowering thread, or on a service's thread that arrives while a lowering is queued:
     * waits for the services running here, then lowers the tree lock (once, whoever comes first).
     */
    private void lowerTree() {
        gate.writeLock().lock();
        try {
            if (!treeLoweringQueued.getAndSet(false)) {
                return;
            }
            LockMode held = treeMode;
            if (closed || tree == null || held == LockMode.NL) {
                return;
            }
            LockMode target = held == LockMode.EX && readerMode(treeBlockedMode) ? LockMode.PR : LockMode.NL;
            convert(tree, target, false, "tree lock");
            treeMode = target;
        } catch (RmsException e) {
            LOG.log(Level.WARNING, "lowering the tree lock of " + title + " failed", e);
        } finally {
            gate.writeLock().unlock();
        }
    }

    private static boolean readerMode(LockMode mode) {
        return mode == LockMode.NL || mode == LockMode.CR || mode == LockMode.PR;
    }

    /** One service's use of the buffers: the {@link BucketCache} it reads through. */
    public final class Service implements BucketCache, AutoCloseable {
        private final boolean changes;
        /** Buckets this service's change is being applied to; made by {@link #apply} (a reading service has none). */
        private final Deque<Entry> pinned;
        /** Whether the gate is held exclusively (a change of several buckets), else shared. */
        private boolean exclusive;
        private boolean ended;
        /** Hits of this service, added to the counters once when it ends rather than one atomic add each. */
        private int hits;

        private Service(boolean changes) {
            this.changes = changes;
            this.pinned = changes ? new ArrayDeque<>(1) : null;
        }

        @Override
        public byte[] read(long bucketId, LongFunction<byte[]> storage) {
            if (bucketId <= FileState.BUCKET_ID) {
                return storage.apply(bucketId);
            }
            Object[] table = front;
            int slot = slot(table, bucketId);
            Object seen = table[slot + 1];
            Entry entry = entryAt(table, slot, bucketId);
            byte[] image = entry != null ? hit(entry) : null;
            if (image == seen && image != null) {
                // The image from the slot, not the entry: its loads need not wait for the entry's.
                return (byte[]) seen;
            }
            if (image != null) {
                front(table, slot, entry, image);
                return present(image);
            }
            while (true) {
                entry = entries.get(bucketId);
                if (entry != null) {
                    image = hit(entry);
                    if (image != null) {
                        front(table, slot, entry, image);
                        return present(image);
                    }
                } else {
                    entry = insert(bucketId);
                }
                image = load(entry, storage);
                if (size.get() > capacity) {
                    evictOverCapacity(null); // a cache shrunk to nothing: the bucket just read goes again
                }
                if (image != null || !entry.evicted) {
                    if (!entry.evicted) {
                        front(table, slot, entry, image);
                    }
                    return image;
                }
            }
        }

        /** The entry of {@code bucketId} in the front table, or null; evicted unless its gate shows otherwise. */
        private Entry fronted(long bucketId) {
            Object[] table = front;
            return entryAt(table, slot(table, bucketId), bucketId);
        }

        /**
         * The copy of {@code entry} (maybe {@link #ABSENT}) if it is current with no lock-manager call
         * (its lock PR or EX), else null.
         */
        private byte[] hit(Entry entry) {
            byte[] copy = entry.image;
            if (copy == null || entry.mode == LockMode.NL) {
                return null;
            }
            if (!entry.referenced) {
                entry.referenced = true; // written only when cleared: hot buckets stay in every core's cache
            }
            hits++;
            return copy;
        }

        /**
         * A new image of one existing bucket is applied under the gate shared and the tree lock in
         * PR: readers here and elsewhere see the bucket before or after it, each a committed
         * version, and nothing else changes; with a write-behind delay it stays dirty here. Anything
         * more (several buckets, the state bucket, a removal) must not be seen in part: readers here
         * are waited for and the tree is taken EX first, with no bucket pinned meanwhile; it goes to
         * storage at once, together with the dirty buckets.
         */
        @Override
        public void apply(Map<Long, byte[]> changes) {
            boolean oneImage = oneImage(changes);
            lockForWriting(changes, oneImage);
            if (lostLocks) {
                // The locks this service took may be among those cleared: writing under them could
                // overwrite another node's change.
                throw new RmsException(RmsStatus.LOCKLOST, "locks of the global buffers of " + title
                        + " were cleared (LKE CLEAR or a lost quorum) during this service; it changed nothing");
            }
            if (oneImage && writeBehindMillis > 0) {
                Entry entry = pinned.peek();
                dirtyLock.lock();
                try {
                    replaceCopy(entry, changes.get(entry.bucket));
                    if (!entry.dirty) {
                        entry.dirty = true;
                        dirty.put(entry.bucket, entry);
                        scheduleWriteBack();
                    }
                } finally {
                    dirtyLock.unlock();
                }
                counters.deferredWrites.increment();
                return;
            }
            writeBackLock.lock();
            dirtyLock.lock();
            try {
                requireDirtyGuarded();
                Map<Long, byte[]> images = dirtyImages();
                Map<Long, byte[]> all = new LinkedHashMap<>(images);
                all.putAll(changes);
                storage.apply(all);
                cleaned(images);
                for (Entry entry : pinned) {
                    replaceCopy(entry, changes.get(entry.bucket));
                }
            } finally {
                dirtyLock.unlock();
                writeBackLock.unlock();
            }
        }

        /** Locks every bucket of {@code changes} EX, pinned, after the tree in EX unless it is one bucket's new image. */
        private void lockForWriting(Map<Long, byte[]> changes, boolean oneImage) {
            if (!exclusive && !oneImage) {
                gate.readLock().unlock();
                gate.writeLock().lock();
                exclusive = true;
                holdTree(LockMode.EX);
            }
            // In bucket order, so that two services here never wait for each other's buckets.
            for (long bucket : oneImage ? changes.keySet() : new TreeSet<>(changes.keySet())) {
                if (bucket <= FileState.BUCKET_ID) {
                    continue;
                }
                Entry entry = fronted(bucket); // a bucket just read is usually there
                if (entry != null) {
                    entry.gate.lock();
                    if (entry.evicted) {
                        entry.gate.unlock();
                        entry = null;
                    }
                }
                while (entry == null) {
                    entry = entries.computeIfAbsent(bucket, b -> {
                        size.incrementAndGet();
                        return new Entry(b);
                    });
                    entry.gate.lock();
                    if (entry.evicted) {
                        entry.gate.unlock();
                        entry = null;
                    }
                }
                pinned.push(entry);
                if (entry.lock == null) {
                    entry.lock = enqueue(FileLocks.bucketName(bucket), LockMode.EX, blockingHandler(entry));
                    entry.written = false;
                } else if (entry.mode != LockMode.EX) {
                    convert(entry.lock, LockMode.EX, true, FileLocks.bucketName(bucket));
                    entry.written = false;
                }
                entry.mode = LockMode.EX;
            }
            evictOverCapacity(null);
        }

        /** Ends the service: unpins its buckets and leaves the local gate. Idempotent. */
        @Override
        public void close() {
            if (ended) {
                return;
            }
            ended = true;
            if (hits > 0) {
                counters.hits.add(hits);
            }
            while (pinned != null && !pinned.isEmpty()) {
                release(pinned.pop());
            }
            if (size.get() > capacity) {
                evictOverCapacity(null);
            }
            if (exclusive) {
                gate.writeLock().unlock();
            } else {
                gate.readLock().unlock();
            }
            if (changes) {
                writerTurn.unlock();
            }
        }
    }

    /** Under the entry's gate and {@code dirtyLock}: the entry's copy is now {@code image}, written under its EX lock. */
    private void replaceCopy(Entry entry, byte[] image) {
        if (entry.image == null) {
            entry.version = UNKNOWN;
        }
        entry.image = image == null ? ABSENT : image;
        entry.written = true;
        Object[] table = front;
        int slot = slot(table, entry.bucket);
        if (table[slot] == entry) {
            table[slot + 1] = image; // the next hit on the bucket finds the new image beside the entry
        }
    }

    /**
     * Under {@code dirtyLock}: LOCKLOST unless every dirty bucket's lock is still granted EX here —
     * only then can no other node have changed one of them since, so only then may they be written.
     */
    private void requireDirtyGuarded() {
        for (Entry entry : dirty.values()) {
            Lock lock = entry.lock;
            if (lock == null || lock.grantedMode() != LockMode.EX) {
                throw new RmsException(RmsStatus.LOCKLOST, "the lock of bucket " + entry.bucket + " of " + title
                        + " was cleared (LKE CLEAR or a lost quorum) before its change was written back: none of the "
                        + dirty.size() + " changed bucket(s) is written");
            }
        }
    }

    /** Under {@code dirtyLock}: the images of the dirty buckets, in the order they became dirty. */
    private Map<Long, byte[]> dirtyImages() {
        Map<Long, byte[]> images = new LinkedHashMap<>();
        for (Entry entry : dirty.values()) {
            images.put(entry.bucket, present(entry.image));
        }
        return images;
    }

    /**
     * Under {@code dirtyLock}, once {@code written} (a snapshot of {@link #dirtyImages}) is in
     * storage: its buckets are clean unless changed again since.
     */
    private void cleaned(Map<Long, byte[]> written) {
        counters.writeBacks.add(written.size());
        for (Map.Entry<Long, byte[]> image : written.entrySet()) {
            Entry entry = dirty.get(image.getKey());
            if (entry != null && entry.image == image.getValue()) {
                entry.dirty = false;
                dirty.remove(image.getKey());
            }
        }
    }

    private void scheduleWriteBack() {
        if (writeBackScheduled.compareAndSet(false, true)) {
            try {
                WRITE_BEHIND.schedule(() -> {
                    writeBackScheduled.set(false);
                    try {
                        writeBack();
                    } catch (RmsException e) {
                        LOG.log(Level.WARNING, "writing back the dirty buckets of " + title + " failed", e);
                    }
                }, writeBehindMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                writeBackScheduled.set(false); // the JVM is shutting down; close writes them back if it runs
            }
        }
    }

    /**
     * Writes every bucket changed here and not yet in storage to storage, as one atomic change set;
     * does nothing if none is dirty. Blocks while another write-back or a change of several buckets
     * here writes storage, never for a lock. Services changing one bucket go on meanwhile: what
     * they change after its snapshot stays dirty. Not durable by itself: the storage's commit (or
     * flush) makes it so.
     *
     * @throws RmsException IO if storage fails (the buckets stay dirty)
     */
    public void writeBack() {
        writeBackLock.lock();
        try {
            Map<Long, byte[]> images;
            dirtyLock.lock();
            try {
                if (dirty.isEmpty()) {
                    return;
                }
                requireDirtyGuarded();
                images = dirtyImages();
            } finally {
                dirtyLock.unlock();
            }
            storage.apply(images);
            dirtyLock.lock();
            try {
                cleaned(images);
            } finally {
                dirtyLock.unlock();
            }
        } finally {
            writeBackLock.unlock();
        }
    }

    /** Buckets changed here whose new images are not in storage yet. */
    public int dirtyBuckets() {
        dirtyLock.lock();
        try {
            return dirty.size();
        } finally {
            dirtyLock.unlock();
        }
    }

    private static boolean oneImage(Map<Long, byte[]> changes) {
        if (changes.size() != 1) {
            return false;
        }
        Map.Entry<Long, byte[]> only = changes.entrySet().iterator().next();
        return only.getKey() > FileState.BUCKET_ID && only.getValue() != null;
    }

    private Entry insert(long bucketId) {
        Entry fresh = new Entry(bucketId);
        Entry raced = entries.putIfAbsent(bucketId, fresh);
        if (raced != null) {
            return raced;
        }
        size.incrementAndGet();
        evictOverCapacity(fresh);
        return fresh;
    }

    /** Brings {@code entry} to PR with a current copy; returns the image (null: absent or evicted meanwhile). */
    private byte[] load(Entry entry, LongFunction<byte[]> storage) {
        entry.gate.lock();
        try {
            if (entry.evicted) {
                return null;
            }
            String name = FileLocks.bucketName(entry.bucket);
            if (entry.lock == null) {
                counters.misses.increment();
                entry.lock = enqueue(name, LockMode.PR, blockingHandler(entry));
                readCopy(entry, storage, version(entry.lock));
            } else if (entry.mode == LockMode.NL) {
                counters.revalidations.increment();
                convert(entry.lock, LockMode.PR, true, name);
                long version = version(entry.lock);
                if (entry.image == null || version == UNKNOWN || version != entry.version) {
                    counters.rereads.increment();
                    readCopy(entry, storage, version);
                }
            } else if (entry.image == null) {
                counters.misses.increment();
                readCopy(entry, storage, version(entry.lock));
            } else {
                counters.hits.increment();
            }
            entry.mode = entry.mode == LockMode.EX ? LockMode.EX : LockMode.PR;
            entry.referenced = true;
            return present(entry.image);
        } finally {
            release(entry);
        }
    }

    /** Under the entry's gate: its copy is storage's image, at {@code version}. */
    private static void readCopy(Entry entry, LongFunction<byte[]> storage, long version) {
        byte[] image = storage.apply(entry.bucket);
        entry.version = version;
        entry.image = image == null ? ABSENT : image;
    }

    private BlockingHandler blockingHandler(Entry entry) {
        return (lock, blocked) -> {
            counters.blockingCallbacks.increment();
            // Flag first, then try: a holder that unlocks after a failed try sees the flag.
            entry.loweringWanted = blocked;
            if (entry.gate.tryLock()) {
                release(entry);
            }
        };
    }

    /** Unlocks an entry held by this thread, lowering its lock first if a callback asked for it. */
    private void release(Entry entry) {
        try {
            LockMode blocked = entry.loweringWanted;
            if (blocked != null && entry.gate.getHoldCount() == 1) {
                entry.loweringWanted = null;
                lower(entry, blocked);
            }
        } finally {
            entry.gate.unlock();
        }
        if (entry.loweringWanted != null && entry.gate.tryLock()) {
            release(entry);
        }
    }

    /** Under the entry's gate: lowers its lock out of {@code blocked}'s way, publishing a version if written. */
    private void lower(Entry entry, LockMode blocked) {
        LockMode held = entry.mode;
        if (entry.evicted || entry.lock == null || held == LockMode.NL || closed) {
            return;
        }
        if (entry.dirty) {
            try {
                writeBack();
            } catch (RmsException e) {
                // Lowered now, the other node would read storage's older image: keep the lock.
                LOG.log(Level.WARNING, "bucket " + entry.bucket + " of " + title + " stays locked: its write-back failed", e);
                return;
            }
        }
        LockMode target = held == LockMode.EX && readerMode(blocked) ? LockMode.PR : LockMode.NL;
        boolean publish = publish(entry);
        // The mode is set first: once converted, a writer elsewhere may be granted at once, and no
        // read here may then take the copy for current on the strength of the old mode.
        entry.mode = target;
        try {
            convert(entry.lock, target, publish, FileLocks.bucketName(entry.bucket));
        } catch (RmsException e) {
            entry.mode = held;
            LOG.log(Level.WARNING, "lowering the lock of bucket " + entry.bucket + " of " + title + " failed", e);
        }
    }

    /** Stages a new version in the value block if the entry was written under its EX lock; true if so. */
    private boolean publish(Entry entry) {
        if (entry.mode != LockMode.EX || !entry.written) {
            return false;
        }
        long version = entry.lock.fencingToken();
        entry.lock.setValueBlock(ByteBuffer.allocate(VERSION_BYTES).putLong(version).array());
        entry.version = version;
        entry.written = false;
        return true;
    }

    /**
     * Evicts least recently used buckets (second chance) until at most {@code capacity} are cached,
     * never {@code keep} (a bucket being read in) nor one this thread has pinned.
     */
    private void evictOverCapacity(Entry keep) {
        int sweeps = 0;
        while (size.get() > capacity && sweeps < 3) {
            sweeps++;
            Iterator<Entry> it = entries.values().iterator();
            while (it.hasNext() && size.get() > capacity) {
                Entry entry = it.next();
                if (entry == keep) {
                    continue;
                }
                if (entry.referenced) {
                    entry.referenced = false;
                    continue;
                }
                if (entry.gate.isHeldByCurrentThread() || !entry.gate.tryLock()) {
                    continue;
                }
                try {
                    evict(entry);
                } catch (RmsException e) {
                    // A dirty bucket whose write-back failed stays: the service that made room must not fail for it.
                    LOG.log(Level.WARNING, "bucket " + entry.bucket + " of " + title + " stays cached: " + e.getMessage());
                } finally {
                    entry.gate.unlock();
                }
            }
        }
    }

    private void evict(Entry entry) {
        if (entry.evicted) {
            return;
        }
        if (entry.dirty) {
            writeBack();
        }
        entry.evicted = true;
        entries.remove(entry.bucket, entry);
        Object[] table = front;
        int slot = slot(table, entry.bucket);
        if (table[slot] == entry) {
            table[slot] = null; // its copy is garbage now
            table[slot + 1] = null;
        }
        size.decrementAndGet();
        counters.evictions.increment();
        if (entry.lock != null) {
            dequeue(entry);
        }
    }

    /** Under the entry's gate: gives its lock back, writing the dirty buckets back first if it is one. */
    private void dequeue(Entry entry) {
        if (entry.dirty) {
            writeBack();
        }
        boolean publish = publish(entry);
        entry.mode = LockMode.NL;
        try {
            if (publish) {
                system.dequeue(entry.lock, LockFlag.VALBLK);
            } else {
                system.dequeue(entry.lock);
            }
            counters.dequeues.increment();
        } catch (LockException e) {
            LOG.log(Level.DEBUG, "bucket lock " + entry.bucket + " of " + title + " was already gone", e);
        }
        entry.lock = null;
    }

    /** The version in a granted lock's value block: 0 if never written, {@link #UNKNOWN} if not valid. */
    private static long version(Lock lock) {
        LockStatus status = lock.status();
        if (status == LockStatus.VALNOTVALID || status == LockStatus.XVALNOTVALID) {
            return UNKNOWN;
        }
        byte[] value = lock.valueBlock();
        return value.length < Long.BYTES ? 0 : ByteBuffer.wrap(value).getLong();
    }

    private Lock enqueue(String name, LockMode mode, BlockingHandler handler) {
        try {
            Lock lock = system.enqueue(LockRequest.of(name, mode).withParent(fileLock).withBlockingHandler(handler)
                    .withFlags(LockFlag.VALBLK, LockFlag.NODLCKWT, LockFlag.NODLCKBLK));
            counters.enqueues.increment();
            return lock;
        } catch (LockException e) {
            throw FileLocks.translate(e, "bucket lock " + name + " of " + title);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.CANCELLED, "interrupted while waiting for bucket lock " + name + " of " + title);
        }
    }

    /**
     * Converts a lock of the system owner. {@code valueBlock}: an up-conversion reads the value
     * block with it; a down-conversion from EX writes the staged one (only when publishing, so a
     * value block marked not valid stays so until a writer publishes).
     */
    private void convert(Lock lock, LockMode mode, boolean valueBlock, String name) {
        try {
            List<LockFlag> flags = new ArrayList<>(List.of(LockFlag.NODLCKWT, LockFlag.NODLCKBLK));
            if (valueBlock) {
                flags.add(LockFlag.VALBLK);
            }
            LockMode granted = lock.grantedMode();
            if (granted != null && mode.ordinal() > granted.ordinal()) {
                // Up behind the conversions already waiting: a cached reader must not pass a writer.
                flags.add(LockFlag.QUECVT);
            }
            LockRequest conversion = LockRequest.conversionTo(mode).withFlags(flags.toArray(LockFlag[]::new));
            system.convert(lock, conversion);
            counters.conversions.increment();
        } catch (LockException e) {
            throw FileLocks.translate(e, name + " of " + title);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.CANCELLED, "interrupted while waiting for " + name + " of " + title);
        }
    }

    /**
     * Gives every lock back — written buckets publish their versions first — and closes the system
     * owner. Waits for running services. Idempotent.
     */
    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            try {
                writeBack();
            } catch (RmsException e) {
                LOG.log(Level.ERROR, "the changes of " + dirtyBuckets() + " bucket(s) of " + title
                        + " are lost: their write-back at close failed", e);
                dirtyLock.lock();
                try {
                    dirty.values().forEach(entry -> entry.dirty = false);
                    dirty.clear();
                } finally {
                    dirtyLock.unlock();
                }
            }
            for (Entry entry : entries.values()) {
                entry.gate.lock();
                try {
                    if (entry.lock != null && !entry.evicted) {
                        dequeue(entry);
                    }
                    entry.evicted = true;
                } finally {
                    entry.gate.unlock();
                }
            }
            closed = true;
            entries.clear();
            front = new Object[front.length];
            size.set(0);
            system.close();
            if (mbeanName != null) {
                try {
                    ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
                } catch (JMException e) {
                    LOG.log(Level.DEBUG, "MBean " + mbeanName + " was already gone", e);
                }
            }
        } finally {
            gate.writeLock().unlock();
            lowerer.shutdown();
            writersLowerer.shutdown();
        }
    }
}
