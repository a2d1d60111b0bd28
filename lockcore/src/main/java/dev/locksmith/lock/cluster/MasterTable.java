package dev.locksmith.lock.cluster;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.Lock;
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
    private static final int NOT_ON_INSTALL = 1 << LockFlag.NOQUEUE.ordinal() | 1 << LockFlag.EXPEDITE.ordinal()
            | 1 << LockFlag.QUECVT.ordinal();

    /** Where outcomes go: to the owning node, by message or by a direct call when it is this node. */
    interface Replies {
        void granted(Address origin, long lockId, LockMode mode, LockStatus status, long fence, byte[] value);

        void failed(Address origin, long lockId, LockStatus status, boolean conversion, String message);

        void blocking(Address origin, long lockId, LockMode blockedMode);
    }

    /** The owner a request came from, as its node describes it. */
    record OwnerRef(long id, int group, int priority, String name) {
    }

    /** One re-sent copy of a lock, for rebuilding a tree whose master left. */
    record Resend(Address origin, OwnerRef owner, long lockId, long parentLockId, int depth, LockQueue queue,
                  LockMode granted, LockMode requested, int flags, long timeoutNanos, boolean blockingHandler,
                  long fence, byte[] readValue, String name, TreeKey tree) {
    }

    private record OwnerKey(Address origin, long ownerId) {
    }

    private static final class Proxy {
        final LockOwner owner;
        final Map<Long, Lock> locks = new ConcurrentHashMap<>();

        Proxy(LockOwner owner) {
            this.owner = owner;
        }
    }

    private final LocalLockManager engine;
    private final AdminCapability capability;
    private final Replies replies;
    private final Map<OwnerKey, Proxy> proxies = new ConcurrentHashMap<>();
    private final Set<TreeKey> trees = ConcurrentHashMap.newKeySet();
    private volatile boolean discarded;

    MasterTable(String name, Duration deadlockWait, Replies replies) {
        this.engine = (LocalLockManager) LockManager.builder().name(name).deadlockWait(deadlockWait).build();
        this.capability = engine.adminCapability();
        this.replies = replies;
    }

    LockManager engine() {
        return engine;
    }

    /** The trees mastered here (roots ever requested here since the table was made). */
    Set<TreeKey> trees() {
        return trees;
    }

    void enqueue(Address origin, OwnerRef owner, long lockId, long parentLockId, LockMode mode, int flags,
                 long timeoutNanos, boolean blockingHandler, String name, TreeKey tree) {
        Proxy p = proxy(origin, owner);
        LockRequest request = request(LockRequest.of(name, mode), flags, timeoutNanos, origin, lockId, blockingHandler);
        submitNew(origin, p, lockId, parentLockId, request, tree, true);
    }

    void convert(Address origin, long ownerId, long lockId, LockMode mode, int flags, long timeoutNanos,
                 boolean blockingHandler, byte[] value) {
        Proxy p = proxies.get(new OwnerKey(origin, ownerId));
        Lock lock = p == null ? null : p.locks.get(lockId);
        if (lock == null) {
            replies.failed(origin, lockId, LockStatus.IVLOCKID, true, "lock " + lockId + " is not known to its master");
            return;
        }
        if (value.length > 0) {
            lock.setValueBlock(value);
        }
        LockRequest request = request(LockRequest.conversionTo(mode), flags, timeoutNanos, origin, lockId, blockingHandler);
        try {
            p.owner.convertAsync(lock, request)
                    .whenComplete((l, error) -> report(origin, p, lockId, lock, error, true));
        } catch (LockException e) {
            replies.failed(origin, lockId, e.status(), true, e.getMessage());
        }
    }

    void dequeue(Address origin, long ownerId, long lockId, int valueLength, boolean abnormal, byte[] value) {
        Proxy p = proxies.get(new OwnerKey(origin, ownerId));
        Lock lock = p == null ? null : p.locks.remove(lockId);
        if (lock == null) {
            return;
        }
        try {
            if (value.length > 0) {
                lock.setValueBlock(value);
            }
            if (abnormal) {
                engine.clearLock(capability, lock.id());
            } else if (valueLength == 0) {
                p.owner.dequeue(lock);
            } else {
                p.owner.dequeue(lock, valueLength > 16 ? LockFlag.XVALBLK : LockFlag.VALBLK);
            }
        } catch (LockException e) {
            LOG.log(Level.WARNING, "dequeue of lock " + lockId + " from " + origin + " failed on its master", e);
        }
    }

    void cancel(Address origin, long ownerId, long lockId) {
        Proxy p = proxies.get(new OwnerKey(origin, ownerId));
        Lock lock = p == null ? null : p.locks.get(lockId);
        if (lock != null && lock.queue().isPresent()) {
            p.owner.cancel(lock);
        }
    }

    /** The owner ran down on its node: its proxy goes, with whatever it still holds here. */
    void closeOwner(Address origin, long ownerId) {
        Proxy p = proxies.remove(new OwnerKey(origin, ownerId));
        if (p != null) {
            p.owner.close();
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
            }
        }
    }

    /**
     * Reinstalls trees whose master left, from every survivor's copies: granted locks (and the
     * granted modes of converting ones) first, without grant checks beyond their mutual
     * compatibility, then the value blocks, then conversions and last new requests, so nothing
     * is granted twice and no waiter overtakes a holder. Fencing tokens granted from now on
     * exceed {@code fenceFloor} and every token the copies carry.
     */
    void install(List<Resend> entries, long fenceFloor) {
        List<Resend> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(Resend::depth).thenComparing(e -> e.origin().toString())
                .thenComparingLong(Resend::lockId));
        long floor = fenceFloor;
        for (Resend e : sorted) {
            floor = Math.max(floor, e.fence());
        }
        engine.raiseFencingFloor(floor);
        Map<List<String>, List<Map.Entry<Resend, Lock>>> byResource = new LinkedHashMap<>();
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.WAITING) {
                continue;
            }
            Proxy p = proxy(e.origin(), e.owner());
            boolean downDone = e.queue() == LockQueue.CONVERTING && isPlainDownConversion(e);
            LockRequest request = request(LockRequest.of(e.name(), downDone ? e.requested() : e.granted()),
                    e.flags() & ~NOT_ON_INSTALL, -1, e.origin(), e.lockId(), e.blockingHandler());
            Lock lock = submitNew(e.origin(), p, e.lockId(), e.parentLockId(), request, e.tree(), downDone);
            if (lock == null || !lock.status().isGranted()) {
                LOG.log(Level.WARNING, "rebuild: a granted copy of lock " + e.lockId() + " from " + e.origin()
                        + " could not be installed granted");
                continue;
            }
            LockInfo info = lock.info();
            byResource.computeIfAbsent(info.resourcePath(), k -> new ArrayList<>()).add(Map.entry(e, lock));
        }
        byResource.values().forEach(this::restoreValue);
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.CONVERTING && !isPlainDownConversion(e)) {
                convert(e.origin(), e.owner().id(), e.lockId(), e.requested(), e.flags() & ~NOT_ON_INSTALL,
                        e.timeoutNanos(), false, new byte[0]);
            }
        }
        for (Resend e : sorted) {
            if (e.queue() == LockQueue.WAITING) {
                enqueue(e.origin(), e.owner(), e.lockId(), e.parentLockId(), e.requested(), e.flags(),
                        e.timeoutNanos(), e.blockingHandler(), e.name(), e.tree());
            }
        }
    }

    /**
     * The value block of a reinstalled resource: valid when a survivor holds it in PR, PW or EX
     * (its copy was read at a grant no writer has followed); otherwise the newest copy anyone
     * read, marked not valid, since the lost master may have granted a PW/EX writer since.
     */
    private void restoreValue(List<Map.Entry<Resend, Lock>> locks) {
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
        } else if (newest != null) {
            engine.restoreValueBlock(newest.getValue(), newest.getKey().readValue(), false);
        }
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

    /** Shuts the engine without reporting anything: the node lost quorum and its copies were dropped. */
    void discard() {
        discarded = true;
        engine.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Proxy proxy(Address origin, OwnerRef owner) {
        return proxies.computeIfAbsent(new OwnerKey(origin, owner.id()),
                k -> new Proxy(engine.newOwner(owner.name() + "@" + origin, owner.group(), owner.priority())));
    }

    private LockRequest request(LockRequest base, int flags, long timeoutNanos, Address origin, long lockId,
                                boolean blockingHandler) {
        LockRequest r = base.withFlags(flagsOf(flags));
        if (timeoutNanos >= 0) {
            r = r.withTimeout(Duration.ofNanos(timeoutNanos));
        }
        if (blockingHandler) {
            r = r.withBlockingHandler((lock, mode) -> {
                if (!discarded) {
                    replies.blocking(origin, lockId, mode);
                }
            });
        }
        return r;
    }

    private Lock submitNew(Address origin, Proxy p, long lockId, long parentLockId, LockRequest request, TreeKey tree,
                           boolean report) {
        if (parentLockId != 0) {
            Lock parent = p.locks.get(parentLockId);
            if (parent == null) {
                replies.failed(origin, lockId, LockStatus.PARNOTGRANT, false,
                        "parent lock " + parentLockId + " is not known to its master");
                return null;
            }
            request = request.withParent(parent);
        } else {
            trees.add(tree);
        }
        Lock lock;
        try {
            lock = p.owner.enqueueAsync(request);
        } catch (LockException e) {
            replies.failed(origin, lockId, e.status(), false, e.getMessage());
            return null;
        }
        p.locks.put(lockId, lock);
        if (report) {
            lock.completion().whenComplete((l, error) -> report(origin, p, lockId, lock, error, false));
        }
        return lock;
    }

    private void report(Address origin, Proxy p, long lockId, Lock lock, Throwable error, boolean conversion) {
        if (discarded) {
            return;
        }
        if (error == null) {
            replies.granted(origin, lockId, lock.grantedMode(), lock.status(), lock.fencingToken(), lock.valueBlock());
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LockStatus status = cause instanceof LockException le ? le.status() : LockStatus.CANCELLED;
        if (!conversion) {
            p.locks.remove(lockId, lock);
        }
        replies.failed(origin, lockId, status, conversion, cause.getMessage());
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
