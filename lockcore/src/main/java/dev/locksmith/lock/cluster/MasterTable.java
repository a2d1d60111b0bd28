package dev.locksmith.lock.cluster;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.engine.LocalLockManager;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import dev.locksmith.lock.ResourceInfo;
import org.jgroups.Address;

/**
 * The master side of the lock database on one node: one embedded engine holding the trees
 * mastered here, with a proxy owner for each (node, owner) that made requests on them. Requests
 * arrive already checked by their node; each is made on the engine with its normal API, and its
 * outcome, blocking callbacks and value block go back through {@link Replies}.
 *
 * <p>Thread-safe: the maps are concurrent and the engine is. Never blocks. Once
 * {@link #discard() discarded} (the node lost quorum) it reports nothing more.
 */
final class MasterTable {
    private static final System.Logger LOG = System.getLogger(MasterTable.class.getName());
    private static final byte[] NO_VALUE = new byte[0];
    private static final int NOT_ON_INSTALL = 1 << LockFlag.NOQUEUE.ordinal() | 1 << LockFlag.EXPEDITE.ordinal()
            | 1 << LockFlag.QUECVT.ordinal();

    /** Where outcomes go: to the owning node, by message or by a direct call when it is this node. */
    interface Replies {
        /**
         * {@code copy}: the lock's copy when its node gave it along (this node's own requests), else
         * null. {@code request}: the number of the request answered, 0 for the lock's new request,
         * else its conversion's (the owner ignores an answer for a request it no longer has pending).
         */
        void granted(Address origin, long lockId, Object copy, int request, LockMode mode, LockStatus status, long fence,
                     byte[] value);

        /** {@code report}: the cycle a DEADLOCK victim's request was failed to break, else null. */
        void failed(Address origin, long lockId, Object copy, int request, LockStatus status, String message,
                    DeadlockReport report);

        void blocking(Address origin, long lockId, Object copy, LockMode blockedMode);

        /**
         * This node's own lock {@code copy} leaves with its tree for another master, which will
         * name it by its id from then on.
         */
        default void exported(Object copy) {
        }

        /** The last lock of {@code tree} on this master went (called on whichever thread removed it). */
        default void treeEmptied(TreeKey tree) {
        }

        /**
         * {@code entry} was made for this node's own lock {@code copy}, before anything about it is
         * reported: the copy keeps it ({@link #enqueueLocal}'s entries are found through it).
         */
        default void entryMade(Object copy, Held entry) {
        }

        /**
         * Hands {@code action} the master entries this node's own copies keep (every copy its owners
         * list, live or leaving), of whichever table: the entries {@link #enqueueLocal} made, which
         * are in no proxy's map.
         */
        default void forEachOwnEntry(java.util.function.Consumer<Held> action) {
        }

        /**
         * The entry the copy of lock {@code lockId} of this node's owner {@code ownerId} keeps
         * (found through {@code copy} when given, else through the owner's copies), or null; for
         * a lookup that missed the proxies' maps. Null for another node's lock.
         */
        default Held ownEntry(Address origin, long ownerId, long lockId, Object copy) {
            return null;
        }
    }

    /** The owner a request came from, as its node describes it. */
    record OwnerRef(long id, int group, int priority, String name) {
    }

    /**
     * One re-sent copy of a lock, for rebuilding a tree whose master left (or one lock of a tree
     * a master exports). {@code masterLost}: its owner knows that no live master holds its request
     * (the master it knew for the tree left in this view change), so the directory node holding
     * it may time it out ({@link ResentCopies}).
     */
    record Resend(Address origin, OwnerRef owner, long lockId, long parentLockId, int depth, long order,
                  LockQueue queue, LockMode granted, LockMode requested, int flags, long timeoutNanos,
                  boolean blockingHandler, long fence, byte[] readValue, String name, TreeKey tree,
                  int conversion, boolean masterLost) {
        /** Whether its master would have it wait: a request not granted yet, or a conversion that is no plain down-conversion. */
        boolean waits() {
            return queue == LockQueue.WAITING || (queue == LockQueue.CONVERTING && !isPlainDownConversion(this));
        }

        /** This copy with {@code nanos} left of its request's timeout. */
        Resend withTimeout(long nanos) {
            return new Resend(origin, owner, lockId, parentLockId, depth, order, queue, granted, requested, flags, nanos,
                    blockingHandler, fence, readValue, name, tree, conversion, masterLost);
        }

        /** This converting copy with its conversion ended ungranted: granted in its old mode. */
        Resend withConversionEnded() {
            return new Resend(origin, owner, lockId, parentLockId, depth, order, LockQueue.GRANTED, granted, granted,
                    flags, timeoutNanos, blockingHandler, fence, readValue, name, tree, conversion, masterLost);
        }
    }

    private record OwnerKey(Address origin, long ownerId) {
    }

    private static final class Proxy {
        final MasterTable table;
        final LockOwner owner;
        final OwnerRef ref;
        final LockIdMap<Held> locks = new LockIdMap<>();

        Proxy(MasterTable table, LockOwner owner, OwnerRef ref) {
            this.table = table;
            this.owner = owner;
            this.ref = ref;
        }
    }

    /**
     * A proxy lock and what its node said about it, enough to export it when its tree migrates.
     * {@code migrated} is set when the tree left: from then on nothing about it is reported but
     * the outcome of a request that had already ended in the engine ({@link #exportState}).
     *
     * <p>It is also the end listener of this node's own request that had to wait
     * ({@link LocalLockManager.EndListener}): the entry is made before the engine takes the request,
     * so that the one object serves both (an allocation less per request, issue 20); whichever of
     * the request's end and the entry's publication ({@link #publish}) comes second reports the
     * outcome (the grant may come on another thread before the entry is published).
     */
    static final class Held implements LocalLockManager.EndListener {
        /**
         * The engine's lock: written once, by the requesting thread, as soon as the engine took the
         * request, before the entry is published anywhere (its copy's {@link ClusterLock#keepEntry}
         * is a release store, read with an acquire; the proxy's map and the end's compare-and-set
         * order the rest), so whoever finds the entry finds it set.
         */
        Lock lock;
        final Address origin;
        final Proxy proxy;
        final long lockId;
        final long parentLockId;
        final TreeKey tree;
        final String name;
        final int flags;
        final long timeoutNanos;
        final boolean blockingHandler;
        /** The request counter of this lock's tree and node, shared with its parent's (see {@link #counter}). */
        final LongAdder requests;
        /**
         * Whether the lock's dequeue was counted with its request (the local path's locks: one
         * counter update per lock instead of two), so the dequeue is not counted again.
         */
        final boolean dequeueCounted;
        /** The lock count of this lock's tree (see {@link #track}); set once, before the lock is published. */
        AtomicInteger treeLocks;
        /**
         * How many locks of this lock's subtree, counted from the root lock tracked with it, are
         * tracked here; shared by that root and its sublocks (see {@link #track}); set once, before
         * the lock is published.
         */
        Subtree subtree;
        /** The owning node's copy when it gave it along (its own requests), for its outcomes; else null. */
        final Object copy;
        volatile boolean migrated;
        /**
         * The grant of this node's own request made at once, for the requesting thread to report
         * ({@link #grantAtOnce}): its mode (null while none was made), status, fencing token and
         * value block, kept as fields rather than in a {@link LocalLockManager.Grant} (an object
         * less per request, issue 20); written (by the engine's {@link #grantedAtOnce}) and read
         * by that thread only.
         */
        LockMode atOnceMode;
        LockStatus atOnceStatus;
        long atOnceFence;
        byte[] atOnceValue;
        /** Whether this node's own request had to wait; set on the requesting thread before the request call returns. */
        boolean waits;
        /**
         * Which of the end of this node's own waiting request and the entry's publication came
         * first: null while neither did, {@link #PUBLISHED}, or the end's outcome (its grant, or the
         * failure), which {@link #publish} then reports.
         */
        private volatile Object endOrder;
        /**
         * Set, once, by whichever thread removes the entry ({@link #removeEntry}): the one that
         * then dequeues the engine lock. A sublock checks its parent's hint with it, without a lookup.
         */
        volatile boolean gone;
        /**
         * Whether the entry is in its proxy's map. Every entry is but those of {@link #enqueueLocal}
         * (the local path's), which their copies keep instead ({@link Replies#forEachOwnEntry}),
         * until such a copy leaves one behind ({@link #keepFindable}).
         */
        volatile boolean listed;
        /**
         * The number of the last conversion of this lock taken here (its owner numbers them): a
         * conversion arriving again, in a rebuild's RESEND and then in its own CONVERT, is taken
         * once. Guarded by this object.
         */
        private int conversion;
        /**
         * The last conversion's own flags and timeout (its request is not the original one), and
         * when it was taken, for an export of the lock while it converts; null until the lock's
         * first conversion (most locks never convert, and every lock + unlock allocates its entry
         * with its fields); guarded by this object.
         */
        private TakenConversion lastConversion;

        /**
         * Whether conversion number {@code n} is new here; if so it is the last one taken from now
         * on. Compared as sequence numbers, so a lock converted more than 2^31 times goes on working.
         */
        synchronized boolean takeConversion(int n) {
            if (n - conversion <= 0) {
                return false;
            }
            conversion = n;
            return true;
        }

        /** As {@link #takeConversion(int)}, remembering the conversion's {@code flags} and timeout (negative: none). */
        synchronized boolean takeConversion(int n, int flags, long timeoutNanos) {
            if (!takeConversion(n)) {
                return false;
            }
            lastConversion = new TakenConversion(flags, timeoutNanos, timeoutNanos > 0 ? System.nanoTime() : 0);
            return true;
        }

        synchronized int conversion() {
            return conversion;
        }

        /**
         * Set when an export carried this lock's request, still pending, to a new master: from
         * then on that master answers it, and this one reports nothing of it. Guarded by this
         * object, so that an export reads the request's state and sets it at once (see
         * {@link #exportState}) while an outcome being reported checks it ({@link #reportable}).
         */
        private boolean exportedPending;

        /**
         * For an export: the lock as it is now, and if its request is still pending, marks it
         * answered by the new master. A request that ended in the engine before (its outcome
         * perhaps still queued on the callback thread) is exported ended, and its outcome is
         * still reported here: otherwise nobody would answer it, or both masters would.
         */
        synchronized LockInfo exportState() {
            exporting = true; // before the read of the request's state: see reportable()
            LockInfo now = lock.info();
            exportedPending = now.queue() != null && now.queue() != LockQueue.GRANTED;
            migrated = true;
            return now;
        }

        /**
         * Set (once) by an export before it reads the lock's state ({@link #exportState}), so that
         * {@link #reportable} needs this object's monitor only once an export began.
         */
        private volatile boolean exporting;

        /**
         * Whether an outcome of this lock's request, which has ended in the engine, may still be
         * reported here. Without the monitor while no export began: one that begins later reads
         * the request's state after the engine lock that ended it (the engine lock's release came
         * before this read of {@link #exporting}, which came before the export's write of it), so
         * it exports the request ended and leaves its outcome to this master.
         */
        boolean reportable() {
            if (!exporting) {
                return true;
            }
            synchronized (this) {
                return !exportedPending;
            }
        }

        /** The flags of the request this lock converts by now: the last conversion's. */
        synchronized int conversionFlags() {
            return lastConversion == null ? 0 : lastConversion.flags();
        }

        /**
         * What is left of the last conversion's timeout (at least 1 ns if it ran out: it times out
         * at once where it goes), or its negative "none".
         */
        synchronized long conversionTimeoutLeftNanos() {
            TakenConversion c = lastConversion;
            if (c == null || c.timeoutNanos() <= 0) {
                return c == null ? -1 : c.timeoutNanos();
            }
            return Math.max(1, c.takenNanos() + c.timeoutNanos() - System.nanoTime());
        }

        Held(Address origin, Proxy proxy, long lockId, long parentLockId, TreeKey tree, String name,
             int flags, long timeoutNanos, boolean blockingHandler, LongAdder requests, boolean dequeueCounted,
             Object copy) {
            this.origin = origin;
            this.proxy = proxy;
            this.lockId = lockId;
            this.parentLockId = parentLockId;
            this.tree = tree;
            this.name = name;
            this.flags = flags;
            this.timeoutNanos = timeoutNanos;
            this.blockingHandler = blockingHandler;
            this.requests = requests;
            this.dequeueCounted = dequeueCounted;
            this.copy = copy;
        }

        @Override
        public void grantedAtOnce(LockMode mode, LockStatus status, long fencingToken, byte[] valueBlock) {
            atOnceMode = mode;
            atOnceStatus = status;
            atOnceFence = fencingToken;
            atOnceValue = valueBlock;
        }

        /** The grant made at once ({@link #atOnceMode}) as one object, for a grant the lease holds back (rare). */
        LocalLockManager.Grant atOnceGrant() {
            return new LocalLockManager.Grant(atOnceMode, atOnceStatus, atOnceFence, atOnceValue);
        }

        @Override
        public void waiting() {
            waits = true;
        }

        @Override
        public void ended(LocalLockManager.Grant granted, LockException outcome) {
            // The entry is nearly always published by then (the request waited a while): reported
            // at once, with no compare-and-set that would fail anyway.
            if (endOrder == null && END_ORDER.compareAndSet(this, null, granted != null ? granted : outcome)) {
                return;
            }
            proxy.table.report(this, granted, outcome, NEW_REQUEST);
        }

        /** The entry of a waiting request of this node's own is published: reports its end if that came first. */
        void publish() {
            if (!END_ORDER.compareAndSet(this, null, PUBLISHED)) {
                Object end = endOrder;
                proxy.table.report(this, end instanceof LocalLockManager.Grant g ? g : null,
                        end instanceof LockException e ? e : null, NEW_REQUEST);
            }
        }

        private static final Object PUBLISHED = new Object();
        private static final java.lang.invoke.VarHandle END_ORDER;

        static {
            try {
                END_ORDER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Held.class, "endOrder", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A conversion taken by a master: its own flags and timeout (negative: none), and when it was taken if it has one. */
    private record TakenConversion(int flags, long timeoutNanos, long takenNanos) {
    }

    /**
     * The locks of one subtree tracked here (a root lock and the sublocks tracked with it, all of
     * one owner of one node, so of one activity counter), and the requests of its sublocks not yet
     * added to that counter: a sublock's request is counted in the compare-and-set that counts the
     * lock in its subtree, and the counter gets them {@link #FLUSH_AT} at a time and the rest when
     * the subtree empties (a {@link LongAdder} update per lock + unlock was about 6% of the local
     * path's CPU). So the counter lags by fewer than {@link #FLUSH_AT} requests per live subtree
     * and loses none; remastering, which reads it once a second into a moving average, sees the
     * same rates. One word: the low 32 bits count the locks, the high 32 the requests held here.
     * A subtree whose lock count reached zero is never joined again ({@link #joinIfLive}). The
     * word is the atomic value this extends (an object less than holding one).
     */
    @SuppressWarnings("serial") // never serialized
    static final class Subtree extends java.util.concurrent.atomic.AtomicLong {
        static final int FLUSH_AT = 16;
        private static final long LOCKS = 0xffff_ffffL;
        private static final long ONE_REQUEST = 1L << 32;

        private final transient LongAdder requests;

        Subtree(LongAdder requests) {
            super(1); // its first lock, counted by whoever made it
            this.requests = requests;
        }

        /**
         * Counts one more lock in this subtree, with {@code counted} requests of it, unless the
         * subtree emptied; false then, and nothing was counted.
         */
        boolean joinIfLive(int counted) {
            for (long w = get(); (w & LOCKS) != 0; w = get()) {
                long held = (w >>> 32) + counted;
                boolean flush = held >= FLUSH_AT;
                long next = flush ? (w & LOCKS) + 1 : w + 1 + counted * ONE_REQUEST;
                if (compareAndSet(w, next)) {
                    if (flush) {
                        requests.add(held);
                    }
                    return true;
                }
            }
            return false;
        }

        /** One lock of this subtree left; true if it was the last (its requests are then in the counter). */
        boolean leave() {
            long w = decrementAndGet();
            if ((w & LOCKS) != 0) {
                return false;
            }
            long held = w >>> 32; // no join adds to it any more
            if (held > 0) {
                requests.add(held);
            }
            return true;
        }
    }

    /** The value block of one resource of a migrating tree. */
    record ResourceValue(byte[] value, boolean valid) {
    }

    /**
     * A tree's whole state, exported by its old master for its new one, and a number at least as
     * high as every fencing token the old master gave, which the new master's tokens exceed.
     */
    record Export(List<Resend> entries, Map<List<String>, ResourceValue> values, long fenceHighWater) {
    }

    private final LocalLockManager engine;
    private final AdminCapability capability;
    private final Replies replies;
    private final Map<OwnerKey, Proxy> proxies = new ConcurrentHashMap<>();
    private final Set<TreeKey> trees = ConcurrentHashMap.newKeySet();
    /** Locks (proxy locks of any node) per tree mastered here; a tree without locks has no entry. */
    private final Map<TreeKey, AtomicInteger> lockCounts = new ConcurrentHashMap<>();
    /** Requests per tree and requesting node since the last {@link #takeActivity()}. */
    private final Map<TreeKey, Map<Address, LongAdder>> activity = new ConcurrentHashMap<>();
    private volatile boolean discarded;
    /**
     * Test seam, null in production: run by a request's thread after the engine took the request
     * and before the lock is counted in its tree ({@link #track}) and its copy can find its entry,
     * so that a test can make a clear of the parent empty the parent's subtree count right there,
     * or end the request on the engine before its entry is published. Plain, to cost the request
     * path nothing but a field read.
     */
    Runnable beforeTrack;
    /** The highest fencing floor this engine was raised to: raising it again to no more is skipped. */
    private final java.util.concurrent.atomic.AtomicLong raisedFloor = new java.util.concurrent.atomic.AtomicLong();

    MasterTable(String name, Duration deadlockWait, Replies replies) {
        this.engine = (LocalLockManager) LockManager.builder().name(name).deadlockWait(deadlockWait)
                .registerMBean(false).build();
        this.capability = engine.adminCapability();
        this.replies = replies;
    }

    LockManager engine() {
        return engine;
    }

    /**
     * Makes every fencing token this master grants from now on greater than {@code floor}, so a
     * resource's tokens keep growing when its tree comes here from another master (see
     * {@link dev.locksmith.lock.Lock#fencingToken()}). Cheap when the floor is no higher than before.
     */
    void raiseFenceFloor(long floor) {
        if (floor > raisedFloor.get()) {
            engine.raiseFencingFloor(floor);
            raisedFloor.accumulateAndGet(floor, Math::max);
        }
    }

    /** At least as high as every fencing token this master gave: the floor for whoever masters its trees next. */
    long fenceHighWater() {
        return engine.fencingHighWater();
    }

    /** The trees mastered here. */
    Set<TreeKey> trees() {
        return trees;
    }

    /** The number of locks in {@code tree} on this master. */
    int lockCount(TreeKey tree) {
        AtomicInteger n = lockCounts.get(tree);
        return n == null ? 0 : n.get();
    }

    /** Forgets {@code tree} if it has no lock (LOCAL trees, which no other node needs to hear of). */
    void forgetIfEmpty(TreeKey tree) {
        if (lockCount(tree) == 0) {
            trees.remove(tree);
        }
    }

    /**
     * Counts {@code h} in its tree, in two levels: a sublock joins the subtree count of its tracked
     * parent (shared with the parent's root lock and every sublock under it), with no map
     * operation and no counter shared with other owners' roots (on one hot name, two owners' sublocks
     * used to move one counter's cache line between cores); a root, or a sublock whose parent's
     * subtree has emptied meanwhile, starts a subtree count of its own and counts it once in the
     * tree's lock count. A subtree count that reached zero is never raised again (joined only from
     * above zero), so each one is taken off the tree's count exactly once; a tree count is only
     * removed from the map at zero, inside the map's lock, where a new subtree counts too. So the
     * tree's count is above zero exactly while a lock of the tree is tracked here. {@code counted}:
     * the requests the lock adds to its tree's activity, carried by its subtree when it joins one.
     */
    private void track(Held h, Held parent, int counted) {
        if (parent != null && parent.subtree != null && parent.subtree.joinIfLive(counted)) {
            h.subtree = parent.subtree;
            h.treeLocks = parent.treeLocks;
            return;
        }
        h.requests.add(counted);
        h.subtree = new Subtree(h.requests);
        h.treeLocks = lockCounts.compute(h.tree, (t, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        });
    }

    /** {@code h} left its proxy's table (the caller removed it, exactly once). */
    private void untrack(Held h) {
        Subtree subtree = h.subtree;
        if (subtree == null || !subtree.leave()) {
            return;
        }
        AtomicInteger count = h.treeLocks;
        if (count.decrementAndGet() > 0) {
            return;
        }
        boolean[] emptied = new boolean[1];
        lockCounts.computeIfPresent(h.tree, (t, n) -> {
            if (n == count && n.get() == 0) {
                emptied[0] = true;
                return null;
            }
            return n;
        });
        if (emptied[0] && !discarded) {
            replies.treeEmptied(h.tree);
        }
    }

    /** The requests counted per tree and node since the last call, which starts a new count. */
    Map<TreeKey, Map<Address, Long>> takeActivity() {
        Map<TreeKey, Map<Address, Long>> taken = new java.util.HashMap<>();
        activity.forEach((tree, byNode) -> {
            Map<Address, Long> counts = new java.util.HashMap<>();
            byNode.forEach((node, adder) -> counts.put(node, adder.sumThenReset()));
            taken.put(tree, counts);
        });
        return taken;
    }

    /**
     * The counter of requests on {@code tree} from {@code origin}. A lock keeps its tree's (its
     * sublocks share it), so only a root request looks it up.
     */
    private LongAdder counter(TreeKey tree, Address origin) {
        return activity.computeIfAbsent(tree, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(origin, o -> new LongAdder());
    }

    void enqueue(Address origin, OwnerRef owner, long lockId, long parentLockId, LockMode mode, int flags,
                 long timeoutNanos, boolean blockingHandler, String name, TreeKey tree) {
        Proxy p = proxy(origin, owner);
        submitNew(origin, p, lockId, parentLockId, null, mode, flags, timeoutNanos, blockingHandler, name, tree, true,
                false, null);
    }

    /**
     * A request of this node's own owner, with its copy ({@code copy}, which outcomes reach
     * without a lookup) and, for a sublock, the entry its parent got here ({@code parentHint},
     * null if none): a parent still held here spares the owner and parent lookups. Returns the
     * lock's entry here, for its later requests, or null if it was refused. A grant made at once
     * is not reported: the caller takes it from {@link #grantAtOnce} and reports it itself.
     */
    Held enqueueOwn(Address self, OwnerRef owner, long lockId, long parentLockId, Held parentHint, LockMode mode,
                    int flags, long timeoutNanos, boolean blockingHandler, String name, TreeKey tree, Object copy) {
        return enqueueOwn(self, owner, lockId, parentLockId, parentHint, mode, flags, timeoutNanos, blockingHandler, name,
                tree, false, copy);
    }

    /**
     * As {@link #enqueueOwn}, for {@link LocalPath}: the lock's dequeue is counted in its tree's
     * activity now, with its request, so that the dequeue updates no counter (remastering reads the
     * counts once a second, so counting the dequeue a little early changes nothing it decides).
     */
    Held enqueueLocal(Address self, OwnerRef owner, long lockId, long parentLockId, Held parentHint, LockMode mode,
                      int flags, long timeoutNanos, boolean blockingHandler, String name, TreeKey tree, Object copy) {
        return enqueueOwn(self, owner, lockId, parentLockId, parentHint, mode, flags, timeoutNanos, blockingHandler, name,
                tree, true, copy);
    }

    private Held enqueueOwn(Address self, OwnerRef owner, long lockId, long parentLockId, Held parentHint, LockMode mode,
                            int flags, long timeoutNanos, boolean blockingHandler, String name, TreeKey tree,
                            boolean countDequeue, Object copy) {
        Held parent = parentLockId != 0 && parentHint != null && isHeldHere(parentHint) ? parentHint : null;
        Proxy p = parent != null ? parent.proxy : proxy(self, owner);
        return submitNew(self, p, lockId, parentLockId, parent, mode, flags, timeoutNanos, blockingHandler, name, tree,
                true, countDequeue, copy);
    }

    /**
     * Whether {@link #enqueueOwn} made a grant at once for the entry {@code h} it returned, for
     * the requesting thread to report (with the lease's check) from {@code h}'s
     * {@link Held#atOnceMode} and the fields beside it; false: the request waits (its grant is
     * reported when it comes), failed, or is to be reported no more (its tree left, or the table
     * was discarded).
     */
    boolean grantAtOnce(Held h) {
        return h.atOnceMode != null && !discarded && !h.migrated;
    }

    /** Whether {@code h} is a live entry of this table (not removed, not of a table discarded since). */
    private boolean isHeldHere(Held h) {
        return h.proxy.table == this && !h.gone;
    }

    /**
     * Removes {@code h} from this table; false if another thread removed it first. The entry's
     * {@link Held#gone} decides (a compare-and-set), so an entry of the local path, in no map,
     * costs no map operation; one in its proxy's map leaves it too. {@link #keepFindable} writes
     * {@code listed} before it reads {@code gone}, and this reads {@code listed} after it set
     * {@code gone}, so at least one of them sees the other, and no removed entry stays in a map.
     */
    private static boolean removeEntry(Held h) {
        if (!GONE.compareAndSet(h, false, true)) {
            return false;
        }
        if (h.listed) {
            h.proxy.locks.remove(h.lockId, h);
        }
        return true;
    }

    /**
     * Puts {@code h}, an entry of the local path, in its proxy's map if it is still live: its copy
     * is leaving it behind (dequeued while its tree moves, or after the copy's id went to another
     * node), and once the copy leaves its owner's list the map is the only place the export of the
     * tree finds it. Does nothing for an entry already in the map.
     */
    static void keepFindable(Held h) {
        synchronized (h.proxy.locks) { // the map's own monitor: held across the check and the put
            if (h.listed) {
                return;
            }
            h.listed = true; // before gone is read: see removeEntry
            if (!h.gone) {
                h.proxy.locks.put(h.lockId, h);
            }
        }
    }

    private static final java.lang.invoke.VarHandle GONE;

    static {
        try {
            GONE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Held.class, "gone", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Conversion number {@code conversion} of a lock; one this master took already (it came in a
     * rebuild's RESEND, then on its own) is ignored.
     */
    void convert(Address origin, long ownerId, long lockId, int conversion, LockMode mode, int flags,
                 long timeoutNanos, boolean blockingHandler, byte[] value) {
        convertOwn(origin, ownerId, lockId, null, conversion, mode, flags, timeoutNanos, blockingHandler, value);
    }

    /** As {@link #convert}, for this node's own lock, whose copy ({@code copy}) a refusal reaches without a lookup. */
    void convertOwn(Address origin, long ownerId, long lockId, Object copy, int conversion, LockMode mode, int flags,
                    long timeoutNanos, boolean blockingHandler, byte[] value) {
        Held held = held(origin, ownerId, lockId, copy);
        if (held == null) {
            replies.failed(origin, lockId, copy, conversion, LockStatus.IVLOCKID, "lock " + lockId + " is not known to its master",
                    null);
            return;
        }
        if (!held.takeConversion(conversion, flags, timeoutNanos)) {
            return;
        }
        held.requests.increment();
        if (value.length > 0) {
            held.lock.setValueBlock(value);
        }
        LockRequest request = request(LockRequest.conversionTo(mode), flags, timeoutNanos, blockingHandler ? held : null);
        try {
            held.proxy.owner.convertAsync(held.lock, request)
                    .whenComplete((l, error) -> report(held, error, conversion));
        } catch (LockException e) {
            replies.failed(origin, lockId, held.copy, conversion, e.status(), e.getMessage(), null);
        }
    }

    void dequeue(Address origin, long ownerId, long lockId, int valueLength, boolean abnormal, byte[] value) {
        dequeue(origin, ownerId, lockId, null, valueLength, abnormal, value);
    }

    /** As above; {@code hint} is the entry the lock got here when it was requested (null: look it up). */
    void dequeue(Address origin, long ownerId, long lockId, Held hint, int valueLength, boolean abnormal, byte[] value) {
        Held held;
        Proxy p;
        if (hint != null && hint.proxy.table == this && removeEntry(hint)) {
            held = hint;
            p = hint.proxy;
        } else {
            p = proxies.get(new OwnerKey(origin, ownerId));
            held = p == null ? null : p.locks.get(lockId);
            if (held != null && !removeEntry(held)) {
                held = null;
            }
        }
        if (held == null) {
            return;
        }
        if (!held.dequeueCounted) {
            held.requests.increment();
        }
        // The entry is untracked after the engine's dequeue, which on a hot name grants the next
        // waiter: until then its tree only counts a lock more than it holds, and is kept a moment longer.
        try {
            if (value.length > 0) {
                held.lock.setValueBlock(value);
            }
            if (abnormal) {
                engine.clearLock(capability, held.lock.id());
            } else if (valueLength == 0) {
                p.owner.dequeue(held.lock);
            } else {
                p.owner.dequeue(held.lock, valueLength > 16 ? LockFlag.XVALBLK : LockFlag.VALBLK);
            }
        } catch (LockException e) {
            // IVLOCKID for a dead lock: a clear of its parent here took it along (a clear takes the
            // sublocks, a sublock request racing it included) before its own dequeue came
            boolean clearedWithParent = e.status() == LockStatus.IVLOCKID && held.lock.queue().isEmpty();
            LOG.log(clearedWithParent ? Level.DEBUG : Level.WARNING, "dequeue of lock " + lockId + " from " + origin
                    + " failed on its master", e);
        } finally {
            untrack(held);
        }
    }

    /**
     * The owner cancels the lock's pending request if it is number {@code request} (0: its new
     * request, else the conversion of that number, as in {@link #convert}): a late CANCEL, meant
     * for an earlier request that ended meanwhile, must not cancel the next.
     */
    void cancel(Address origin, long ownerId, long lockId, int request) {
        Held held = held(origin, ownerId, lockId);
        if (held != null && held.conversion() == request && held.lock.queue().isPresent()) {
            held.proxy.owner.cancel(held.lock);
        }
    }

    /** The owner ran down on its node: its proxy goes, with whatever it still holds here. */
    void closeOwner(Address origin, long ownerId) {
        Proxy p = proxies.remove(new OwnerKey(origin, ownerId));
        if (p != null) {
            p.owner.close();
            forgetAll(p);
        }
    }

    /**
     * The nodes left the cluster: their proxies are aborted, so their locks go, the waiters
     * behind them are granted and the value blocks they held in PW/EX become not valid.
     */
    void abortNodes(Set<Address> departed) {
        for (var it = proxies.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (departed.contains(entry.getKey().origin())) {
                it.remove();
                entry.getValue().owner.abort();
                forgetAll(entry.getValue());
            }
        }
    }

    private void forgetAll(Proxy p) {
        for (Held h : p.locks.values()) {
            if (removeEntry(h)) {
                untrack(h);
            }
        }
    }

    /**
     * Reinstalls trees from copies: granted locks (and the granted modes of converting ones)
     * first, without grant checks beyond their mutual compatibility, then the value blocks, then
     * conversions and last new requests, each in {@code order} within its depth, so nothing is
     * granted twice and no waiter overtakes a holder. Fencing tokens granted from now on exceed
     * {@code fenceFloor} and every token the copies carry.
     *
     * @param values the exact value blocks when a live master exported the tree (remastering);
     *               empty after a master was lost, when they are judged from the copies
     */
    void install(List<Resend> entries, long fenceFloor, Map<List<String>, ResourceValue> values) {
        boolean masterLost = values.isEmpty();
        // Origins tie-break by name, ranked once: comparing names per pair cost more than the install.
        Map<Address, Integer> originRank = new java.util.HashMap<>();
        for (Resend e : entries) {
            originRank.putIfAbsent(e.origin(), 0);
        }
        List<Address> origins = new ArrayList<>(originRank.keySet());
        origins.sort(Comparator.comparing(Address::toString));
        for (int i = 0; i < origins.size(); i++) {
            originRank.put(origins.get(i), i);
        }
        List<Resend> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(Resend::depth).thenComparingLong(Resend::order)
                .thenComparingInt(e -> originRank.get(e.origin())).thenComparingLong(Resend::lockId));
        long floor = fenceFloor;
        for (Resend e : sorted) {
            floor = Math.max(floor, e.fence());
        }
        raiseFenceFloor(floor);
        Map<List<String>, List<Map.Entry<Resend, Lock>>> byResource = new LinkedHashMap<>();
        List<Lock> readNoValue = new ArrayList<>();
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.WAITING) {
                continue;
            }
            Proxy p = proxy(e.origin(), e.owner());
            boolean downDone = masterLost && e.queue() == LockQueue.CONVERTING && isPlainDownConversion(e);
            Held installed = submitNew(e.origin(), p, e.lockId(), e.parentLockId(), null,
                    downDone ? e.requested() : e.granted(), e.flags() & ~NOT_ON_INSTALL, -1, e.blockingHandler(), e.name(),
                    e.tree(), false, false, null);
            Lock lock = installed == null ? null : installed.lock;
            if (lock == null || !lock.status().isGranted()) {
                LOG.log(Level.WARNING, "install: a granted copy of lock " + e.lockId() + " from " + e.origin()
                        + " could not be installed granted");
                continue;
            }
            if (e.queue() == LockQueue.GRANTED || downDone) {
                installed.takeConversion(e.conversion()); // its own CONVERT may still come
            }
            if (downDone) {
                report(installed, null, e.conversion()); // the lost master's grant of it is lost with it
            }
            if (!values.isEmpty() || e.readValue().length > 0) {
                // only value blocks need the resource's path (a snapshot that costs more than the install)
                byResource.computeIfAbsent(lock.info().resourcePath(), k -> new ArrayList<>()).add(Map.entry(e, lock));
            } else if (masterLost) {
                readNoValue.add(lock);
            }
        }
        // The lost master may have granted a PW/EX writer since anyone here last read the value:
        // a value no copy vouches for is not valid. Copies that read one are judged next.
        for (Lock lock : readNoValue) {
            engine.restoreValueBlock(lock, NO_VALUE, false);
        }
        Set<List<String>> vouched = new java.util.HashSet<>();
        byResource.forEach((path, locks) -> {
            ResourceValue exact = values.get(path);
            if (exact != null) {
                engine.restoreValueBlock(locks.get(0).getValue(), exact.value(), exact.valid());
            } else if (restoreValue(locks)) {
                vouched.add(path);
            }
        });
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.CONVERTING && !(masterLost && isPlainDownConversion(e))) {
                convert(e.origin(), e.owner().id(), e.lockId(), e.conversion(), e.requested(),
                        e.flags() & ~NOT_ON_INSTALL, e.timeoutNanos(), false, new byte[0]);
            }
        }
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.WAITING) {
                Lock marker = masterLost ? invalidateUnlessVouched(e, vouched) : null;
                enqueue(e.origin(), e.owner(), e.lockId(), e.parentLockId(), e.requested(), e.flags(),
                        e.timeoutNanos(), e.blockingHandler(), e.name(), e.tree());
                if (marker != null) {
                    proxy(e.origin(), e.owner()).owner.dequeue(marker);
                }
            }
        }
    }

    /**
     * Before a waiting copy is requested again on a tree whose master was lost: the value block of
     * its resource is marked not valid unless a copy vouched for it ({@code vouched}), since the
     * lost master may have granted a writer that is gone too (a waiter is often granted at once,
     * the holder it waited for having died with the master). A resource only waiters name does not
     * exist yet, so a NL lock of the waiter's owner makes it: returned (null if none could be made),
     * for the caller to dequeue once the waiter is queued, so the resource and its mark stay.
     */
    private Lock invalidateUnlessVouched(Resend e, Set<List<String>> vouched) {
        Proxy p = proxy(e.origin(), e.owner());
        LockRequest marker = LockRequest.of(e.name(), LockMode.NL).withFlags(LockFlag.EXPEDITE);
        if (e.parentLockId() != 0) {
            Held parent = p.locks.get(e.parentLockId());
            if (parent == null) {
                return null; // the waiter fails PARNOTGRANT when it is requested
            }
            marker = marker.withParent(parent.lock);
        }
        try {
            Lock lock = p.owner.enqueueAsync(marker);
            if (!vouched.contains(lock.info().resourcePath())) {
                engine.restoreValueBlock(lock, NO_VALUE, false);
            }
            return lock;
        } catch (LockException failure) {
            LOG.log(Level.WARNING, "install: the value block of '" + e.name() + "' could not be marked not valid: "
                    + failure.getMessage());
            return null;
        }
    }

    /**
     * Exports {@code tree} for its new master and drops it here without granting anything:
     * every lock is marked migrated (nothing more is reported about it but the outcome of a
     * request that ended before the export read it), pending requests are withdrawn, then granted locks are dequeued deepest first. The caller guarantees that no
     * request for the tree arrives meanwhile.
     */
    Export exportAndDrop(TreeKey tree) {
        Map<Long, Held> byEngineId = new java.util.HashMap<>();
        for (Held h : entries()) {
            if (h.tree.equals(tree)) {
                byEngineId.put(h.lock.id(), h);
            }
        }
        List<ResourceInfo> resources = new ArrayList<>();
        for (ResourceInfo r : engine.resources()) {
            if (r.namespace().equals(tree.namespace()) && r.path().get(0).equals(tree.rootName())) {
                resources.add(r);
            }
        }
        resources.sort(Comparator.comparingInt(r -> r.path().size()));
        List<Resend> entries = new ArrayList<>();
        Map<List<String>, ResourceValue> values = new java.util.HashMap<>();
        long order = 0;
        for (ResourceInfo r : resources) {
            values.put(r.path(), new ResourceValue(r.valueBlock().length == 0 ? new byte[0] : r.valueBlock(),
                    r.valueValid()));
            for (LockQueue queue : LockQueue.values()) {
                List<LockInfo> locks = switch (queue) {
                    case GRANTED -> r.granted();
                    case CONVERTING -> r.converting();
                    case WAITING -> r.waiting();
                };
                for (LockInfo seen : locks) {
                    Held h = byEngineId.get(seen.id());
                    if (h == null) {
                        continue;
                    }
                    LockInfo info = h.exportState(); // the request may have ended since the snapshot
                    if (info.queue() == null) {
                        continue; // a new request that ended: its failure is reported here
                    }
                    if (h.copy != null) {
                        replies.exported(h.copy);
                    }
                    // a pending conversion goes with its own flags and what is left of its own timeout
                    boolean converting = info.queue() == LockQueue.CONVERTING;
                    entries.add(new Resend(h.origin, h.proxy.ref, h.lockId, h.parentLockId, r.path().size() - 1,
                            order++, info.queue(), info.grantedMode(), info.requestedMode(),
                            converting ? h.conversionFlags() : h.flags,
                            converting ? h.conversionTimeoutLeftNanos() : h.timeoutNanos,
                            h.blockingHandler, info.fencingToken(), new byte[0], h.name, tree, h.conversion(), false));
                }
            }
        }
        List<Held> held = new ArrayList<>(byEngineId.values());
        held.forEach(h -> h.migrated = true);
        for (Held h : held) {
            if (h.lock.queue().filter(q -> q != LockQueue.GRANTED).isPresent()) {
                h.proxy.owner.cancel(h.lock);
            }
        }
        held.sort(Comparator.comparingInt((Held h) -> h.lock.info().resourcePath().size()).reversed());
        for (Held h : held) {
            removeEntry(h);
            if (h.lock.queue().isPresent()) {
                h.proxy.owner.dequeue(h.lock);
            }
        }
        trees.remove(tree);
        lockCounts.remove(tree);
        activity.remove(tree);
        return new Export(entries, values, fenceHighWater());
    }

    /**
     * Whether a converting copy asks for a mode that allows everything its granted mode allows
     * (e.g. EX to PR, PW to NL). The lost master granted such a conversion at once, and may have
     * granted others behind it before its answer was lost, so it is installed as done (and its
     * grant reported) rather than re-requested.
     */
    private static boolean isPlainDownConversion(Resend e) {
        int held = e.granted().compatibleMask();
        return (e.requested().compatibleMask() & held) == held;
    }

    /**
     * The value block of a resource reinstalled after its master was lost: valid when a survivor
     * holds it in PR, PW or EX (its copy was read at a grant no writer has followed); otherwise
     * the newest copy anyone read, marked not valid, since the lost master may have granted a
     * PW/EX writer since. Returns whether the value is valid.
     */
    private boolean restoreValue(List<Map.Entry<Resend, Lock>> locks) {
        Map.Entry<Resend, Lock> vouching = null;
        Map.Entry<Resend, Lock> newest = null;
        for (Map.Entry<Resend, Lock> entry : locks) {
            Resend e = entry.getKey();
            if (e.readValue().length == 0) {
                continue;
            }
            if (vouching == null && e.granted().ordinal() >= LockMode.PR.ordinal()) {
                vouching = entry;
            }
            if (newest == null || e.fence() > newest.getKey().fence()) {
                newest = entry;
            }
        }
        if (vouching != null) {
            engine.restoreValueBlock(vouching.getValue(), vouching.getKey().readValue(), true);
            return true;
        }
        if (newest != null) {
            engine.restoreValueBlock(newest.getValue(), newest.getKey().readValue(), false);
        }
        return false;
    }

    /**
     * One edge of the wait-for graph seen by this master: a request of {@code waiterOwner} (on
     * node {@code waiterNode}) has waited at least the deadlock wait for a lock of
     * {@code blockerOwner}.
     */
    record WaitEdge(Address waiterNode, long waiterOwner, int waiterPriority, long waiterLockId,
                    Address blockerNode, long blockerOwner, DeadlockReport.Wait reported) {
    }

    /**
     * The wait-for edges of requests that have waited at least {@code minWaitNanos}, between
     * owners of any node, leaving out NODLCKWT waiters and NODLCKBLK blockers. Cheap when
     * nothing waits; otherwise takes an engine snapshot.
     */
    List<WaitEdge> waitEdges(long minWaitNanos) {
        Map<Long, Held> byEngineId = new java.util.HashMap<>();
        boolean anyWaiting = false;
        for (Held h : entries()) {
            if (byEngineId.put(h.lock.id(), h) == null) {
                anyWaiting |= h.lock.queue().filter(q -> q != LockQueue.GRANTED).isPresent();
            }
        }
        List<WaitEdge> edges = new ArrayList<>();
        if (!anyWaiting) {
            return edges;
        }
        int notWaiter = 1 << LockFlag.NODLCKWT.ordinal();
        int notBlocker = 1 << LockFlag.NODLCKBLK.ordinal();
        List<LockInfo> snapshot = engine.locks();
        Map<Long, LockInfo> infos = new java.util.HashMap<>();
        snapshot.forEach(i -> infos.put(i.id(), i));
        for (LockInfo info : snapshot) {
            Held waiter = byEngineId.get(info.id());
            if (waiter == null || info.waitingNanos() < minWaitNanos || (waiter.flags & notWaiter) != 0) {
                continue;
            }
            for (long blockerId : info.blockedBy()) {
                Held blocker = byEngineId.get(blockerId);
                if (blocker != null && (blocker.flags & notBlocker) == 0 && blocker.proxy != waiter.proxy) {
                    LockInfo b = infos.get(blockerId);
                    DeadlockReport.Wait reported = new DeadlockReport.Wait(waiter.proxy.ref.name(), waiter.proxy.ref.id(),
                            waiter.origin.toString(), info.namespace(), info.resourcePath(), info.grantedMode(),
                            info.requestedMode(), blocker.proxy.ref.name(), blocker.origin.toString(),
                            b == null ? null : b.grantedMode(),
                            b == null || b.queue() == LockQueue.GRANTED ? null : b.requestedMode());
                    edges.add(new WaitEdge(waiter.origin, waiter.proxy.ref.id(), waiter.proxy.ref.priority(),
                            waiter.lockId, blocker.origin, blocker.proxy.ref.id(), reported));
                }
            }
        }
        return edges;
    }

    /** A search spanning nodes chose this waiting request as its victim: it fails with DEADLOCK if it still waits. */
    void failAsDeadlockVictim(Address origin, long ownerId, long lockId, DeadlockReport report) {
        Held held = held(origin, ownerId, lockId);
        if (held != null) {
            engine.failAsDeadlockVictim(held.lock, report);
        }
    }

    /** Shuts the engine without reporting anything: the node lost quorum and its copies were dropped. */
    void discard() {
        discarded = true;
        engine.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * The live entries of this table, some perhaps twice: first those this node's own copies keep
     * (the local path's), then those in the proxies' maps. In this order, an entry of the local
     * path cannot be missed by both walks: its copy leaves its owner's list only after it removed
     * the entry or put it in the map ({@link #keepFindable}).
     */
    private List<Held> entries() {
        List<Held> all = new ArrayList<>();
        replies.forEachOwnEntry(h -> {
            if (isHeldHere(h)) {
                all.add(h);
            }
        });
        for (Proxy p : proxies.values()) {
            all.addAll(p.locks.values());
        }
        return all;
    }

    private Proxy proxy(Address origin, OwnerRef owner) {
        return proxies.computeIfAbsent(new OwnerKey(origin, owner.id()),
                k -> new Proxy(this, engine.newOwner(owner.name() + "@" + origin, owner.group(), owner.priority()), owner));
    }

    /** Whether owner {@code ownerId} of {@code origin} has a proxy here; for tests. */
    boolean hasProxy(Address origin, long ownerId) {
        return proxies.containsKey(new OwnerKey(origin, ownerId));
    }

    private Held held(Address origin, long ownerId, long lockId) {
        return held(origin, ownerId, lockId, null);
    }

    /** As above; an entry of the local path is found through this node's copy ({@code copy}, or looked for). */
    private Held held(Address origin, long ownerId, long lockId, Object copy) {
        Proxy p = proxies.get(new OwnerKey(origin, ownerId));
        Held h = p == null ? null : p.locks.get(lockId);
        if (h == null) {
            h = replies.ownEntry(origin, ownerId, lockId, copy);
            if (h != null && !isHeldHere(h)) {
                h = null;
            }
        }
        return h;
    }

    /** A request with {@code flags} and timeout, and a blocking handler forwarding to {@code forward}'s node. */
    private LockRequest request(LockRequest base, int flags, long timeoutNanos, Held forward) {
        LockRequest r = flags == 0 ? base : base.withFlags(flagsOf(flags));
        if (timeoutNanos >= 0) {
            r = r.withTimeout(Duration.ofNanos(timeoutNanos));
        }
        if (forward != null) {
            r = r.withBlockingHandler((lock, mode) -> {
                if (!discarded && !forward.migrated) {
                    replies.blocking(forward.origin, forward.lockId, forward.copy, mode);
                }
            });
        }
        return r;
    }

    private Held submitNew(Address origin, Proxy p, long lockId, long parentLockId, Held parentHeld, LockMode mode,
                           int flags, long timeoutNanos, boolean blockingHandler, String name, TreeKey tree,
                           boolean report, boolean countDequeue, Object copy) {
        TreeKey lockTree = tree;
        LongAdder requests;
        Held parent = null;
        if (parentLockId != 0) {
            parent = parentHeld != null ? parentHeld : p.locks.get(parentLockId);
            if (parent == null) {
                replies.failed(origin, lockId, copy, NEW_REQUEST, LockStatus.PARNOTGRANT,
                        "parent lock " + parentLockId + " is not known to its master", null);
                return null;
            }
            lockTree = parent.tree;
            requests = parent.requests;
        } else {
            trees.add(tree);
            requests = counter(tree, origin);
        }
        int counted = countDequeue ? 2 : 1; // in its tree's activity, with its tracking (Subtree)
        Held held = new Held(origin, p, lockId, parentLockId, lockTree, name, flags, timeoutNanos, blockingHandler,
                requests, countDequeue, copy);
        dev.locksmith.lock.BlockingHandler forward = null;
        if (blockingHandler) {
            forward = (lock, blocked) -> {
                if (!discarded && held.lock != null && !held.migrated) { // not before the entry was made
                    replies.blocking(origin, lockId, copy, blocked);
                }
            };
        }
        Lock lock;
        // this node's own waiting request: its grant is handed over by the thread that grants it (Held.ended)
        boolean ownEnd = report && copy != null;
        try {
            // the request's fields go to the engine as they are: no LockRequest made for it (issue 20)
            lock = engine.enqueueAsync(p.owner, parent == null ? null : parent.lock, name, mode, flags,
                    timeoutNanos < 0 ? -1 : timeoutNanos, forward, ownEnd ? held : null);
        } catch (LockException e) {
            requests.add(counted);
            replies.failed(origin, lockId, copy, NEW_REQUEST, e.status(), e.getMessage(), null);
            return null;
        }
        held.lock = lock;
        Runnable seam = beforeTrack;
        if (seam != null) {
            seam.run();
        }
        // Counted before its copy can find it: a dequeue or clear that finds the entry through the
        // copy and removes it first untracks it, which must find it tracked (or the count stays).
        track(held, parent, counted);
        if (copy != null) {
            replies.entryMade(copy, held); // before its grant can reach the copy
        }
        if (!countDequeue) {
            held.listed = true;
            p.locks.put(lockId, held);
        } // else the local path's: its copy keeps it (Replies.forEachOwnEntry)
        if (report) {
            // most requests are granted at once: reported here, without a completion stage
            if (ownEnd) {
                if (held.atOnceMode != null) {
                    return held; // granted at once: its caller reports it (grantAtOnce)
                }
                if (held.waits) {
                    held.publish();
                    return held;
                }
                // refused at once: told through the lock's completion, below
            } else {
                LocalLockManager.Grant now = engine.grantOf(lock);
                if (now != null) {
                    if (!discarded && !held.migrated) {
                        replies.granted(origin, lockId, copy, NEW_REQUEST, now.mode(), now.status(),
                                now.fencingToken(), now.valueBlock());
                    }
                    return held;
                }
            }
            lock.completion().whenComplete((l, error) -> report(held, error, NEW_REQUEST));
        }
        return held;
    }

    /** The request number of a lock's new request (its conversions count from 1). */
    static final int NEW_REQUEST = 0;

    /** Reports the end of request number {@code request} ({@link #NEW_REQUEST} or a conversion's) of {@code held}. */
    private void report(Held held, Throwable error, int request) {
        report(held, null, error, request);
    }

    /**
     * As {@link #report(Held, Throwable, int)}; {@code known}, if not null, is the grant as the
     * engine read it when it made it ({@link LocalLockManager.EndListener#ended}).
     */
    private void report(Held held, LocalLockManager.Grant known, Throwable error, int request) {
        boolean conversion = request != NEW_REQUEST;
        // a request that ended before its tree was exported is still answered here (Held.exportState)
        if (discarded || !held.reportable()) {
            return;
        }
        Lock lock = held.lock;
        if (error == null) {
            // This runs on the thread whose dequeue granted a waiter, before that waiter can go on:
            // the grant its listener was told (no engine lock at all), else one stripe lock for the
            // whole grant rather than one for each of the lock's four accessors. Null if a later
            // request of the lock is pending already or the lock is gone: then reported from the
            // accessors, as it always was.
            LocalLockManager.Grant grant = known != null ? known : engine.grantOf(lock);
            if (grant != null) {
                replies.granted(held.origin, held.lockId, held.copy, request, grant.mode(), grant.status(),
                        grant.fencingToken(), grant.valueBlock());
            } else {
                replies.granted(held.origin, held.lockId, held.copy, request, lock.grantedMode(), lock.status(),
                        lock.fencingToken(), lock.valueBlock());
            }
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LockStatus status = cause instanceof LockException le ? le.status() : LockStatus.CANCELLED;
        if (!conversion && removeEntry(held)) {
            untrack(held);
        }
        DeadlockReport report = cause instanceof LockException le ? le.deadlock().orElse(null) : null;
        // a report travels whole; its text would only repeat it in the message
        replies.failed(held.origin, held.lockId, held.copy, request, status, report == null ? cause.getMessage() : null,
                report);
    }

    static LockFlag[] flagsOf(int bits) {
        List<LockFlag> flags = new ArrayList<>();
        for (LockFlag f : LockFlag.values()) {
            if ((bits & (1 << f.ordinal())) != 0) {
                flags.add(f);
            }
        }
        return flags.toArray(new LockFlag[0]);
    }
}
