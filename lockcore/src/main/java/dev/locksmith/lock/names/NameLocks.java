package dev.locksmith.lock.names;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One M process's LOCK, ZALLOCATE and ZDEALLOCATE (the semantics of GT.M and YottaDB), on the engine.
 *
 * <p><b>Interlock.</b> Each name is a path in a resource tree: the root is {@code ^NAME} (or
 * {@code NAME} for a local), each subscript a sublock. A process holds one engine lock per node
 * it uses: EX on every name it claims, CW (intent) on every ancestor of one. EX conflicts with
 * CW and EX, CW only with EX, so a claim on {@code ^D(1)} blocks {@code ^D} (which needs EX
 * where it holds CW) and {@code ^D(1,2)} (which needs CW where it holds EX), but not
 * {@code ^D(2)} (CW beside CW on {@code ^D}). A process never conflicts with itself: it holds
 * one lock per node, in the stronger of the modes it needs.
 *
 * <p><b>Contention (GT.M's rules).</b> A name is blocked only by names other processes
 * <em>own</em> on its path and beneath it, never by a process that waits: every request is made
 * with {@link LockFlag#NOORDER}, so it is granted as soon as the granted modes allow, whatever
 * waits before it. A command that cannot have every name at once gives back everything it took
 * before it sleeps (GT.M's LOCK does the same), sleeps on the one name it could not have — NL
 * intents, which block nobody, on the ancestors it lacks, and that name's request queued — and
 * then tries all names again. So a waiting command holds nothing of what it asked for, and the
 * engine's deadlock detection sees only what processes really own: a cycle it breaks is one in
 * which each process waits for a name another owns.
 *
 * <p><b>Fairness bound.</b> GT.M would let a stream of sub-name locks ({@code ^D(1)},
 * {@code ^D(2)}, …) overtake a process waiting for {@code ^D} for ever. Here a waiting request
 * is passed by at most {@link LockFlag#NOORDER_PASS_LIMIT} (16) grants that newly conflict with
 * it; after that such requests wait behind it (a {@code :0} attempt fails) until it is granted.
 * A multi-name command that has to give back and sleep again starts a new count. A request
 * held back this way waits for the starved one, so the bound can close a wait-for cycle GT.M
 * would not have; the engine then breaks it as any deadlock.
 *
 * <p><b>Levels.</b> Every occurrence of a name in one command counts: {@code LOCK +(X,X)} adds two
 * levels and {@code LOCK -(X,X)} removes two. A name holds at most {@value #MAX_LEVEL} levels; a
 * LOCK that would pass that throws {@link LockStatus#LOCKINCR2HIGH} and changes nothing.
 *
 * <p><b>Commands.</b> {@link #lock} releases every LOCK of the process (ZALLOCATEs stay), then
 * takes all the names or none; {@link #lockIncrement} takes all or none without releasing;
 * {@link #unlock} undoes one level per occurrence of a name. Names are taken in canonical order,
 * parents before children, and a command that fails gives back everything it took, so nobody
 * sees a partial set after it ends. Without a timeout a command waits until granted, interrupted
 * ({@link InterruptedException}, nothing taken) or failed; with one it returns false like
 * {@code $TEST=0} when the time passes ({@link Duration#ZERO}: one attempt). A request chosen as
 * a deadlock victim by the engine throws {@link LockException} with {@link LockStatus#DEADLOCK},
 * having taken nothing; an administrative CLEAR of a waiting request throws it with
 * {@link LockStatus#CANCELLED}. Names cleared by an administrator are dropped from the process's
 * state, with their levels.
 *
 * <p><b>Errors.</b> Bad names throw {@link LockException} with {@link LockStatus#IVRESNAM}
 * (see {@link MName#parse}), a negative or null timeout with {@link LockStatus#BADPARAM}, a
 * closed process with {@link LockStatus#OWNERCLOSED}; none of them changes what is held.
 *
 * <p><b>Threads.</b> Thread-safe; commands of one process run one at a time (a waiting LOCK holds
 * the next command back), as in an M process.
 */
public final class NameLocks implements AutoCloseable {
    /** The most LOCK levels one name may have, as in GT.M; one more is refused with {@link LockStatus#LOCKINCR2HIGH}. */
    public static final int MAX_LEVEL = 511;
    private static final Comparator<Node> DEEPEST_FIRST = Comparator.comparing((Node n) -> n.name).reversed();

    private final LockSpace space;
    private final LockOwner owner;
    private final ReentrantLock command = new ReentrantLock();
    /** The process's nodes; written only by the command holder, read by inspection. */
    private final Map<MName, Node> nodes = new ConcurrentHashMap<>();
    /** Set when an administrator cleared some of the owner's locks; the next command holder prunes. */
    private volatile boolean pruneRequested;

    /** One engine lock of this process on one node of a name tree. */
    private static final class Node {
        final MName name;
        final Node parent;
        final Lock lock;
        LockMode mode;
        int children;
        volatile int level;
        volatile boolean zallocated;

        Node(MName name, Node parent, Lock lock, LockMode mode) {
            this.name = name;
            this.parent = parent;
            this.lock = lock;
            this.mode = mode;
        }

        boolean claimed() {
            return level > 0 || zallocated;
        }
    }

    /** What a successful acquisition adds to each name. */
    private enum Claim { LOCK, ZALLOCATE }

    NameLocks(LockSpace space, LockOwner owner) {
        this.space = space;
        this.owner = owner;
        owner.addClearListener((cleared, locks) -> {
            pruneRequested = true;
            pruneIfIdle();
        });
    }

    /** The engine owner that holds this process's locks. */
    public LockOwner owner() {
        return owner;
    }

    /**
     * {@code LOCK names}: releases every LOCK of this process, then takes all {@code names},
     * waiting as long as it takes. With no names it only releases ({@code LOCK} without argument).
     *
     * @throws InterruptedException if interrupted while waiting; nothing is then held by LOCK
     * @throws LockException        DEADLOCK or CANCELLED as in the class comment; IVRESNAM for a bad name
     */
    public void lock(String... names) throws InterruptedException {
        run(names, -1, true, Claim.LOCK);
    }

    /** {@code LOCK names:timeout}: as {@link #lock(String...)}, giving up after {@code timeout}; returns {@code $TEST}. */
    public boolean lock(Duration timeout, String... names) throws InterruptedException {
        return run(names, timeoutNanos(timeout), true, Claim.LOCK);
    }

    /**
     * {@code LOCK +names}: takes all {@code names} (or none), adding one level to each, keeping
     * what the process already holds. Waits as long as it takes.
     */
    public void lockIncrement(String... names) throws InterruptedException {
        run(names, -1, false, Claim.LOCK);
    }

    /** {@code LOCK +names:timeout}; returns {@code $TEST}. */
    public boolean lockIncrement(Duration timeout, String... names) throws InterruptedException {
        return run(names, timeoutNanos(timeout), false, Claim.LOCK);
    }

    /** {@code LOCK -names}: removes one level from each name; a name at level 0 is released. Unheld names are ignored. */
    public void unlock(String... names) throws InterruptedException {
        List<MName> parsed = parse(names);
        inCommand(() -> {
            for (MName name : parsed) {
                Node node = nodes.get(name);
                if (node != null && node.level > 0) {
                    node.level--;
                    settle(node);
                }
            }
            return true;
        });
    }

    /** {@code ZALLOCATE names}: reserves all names (or none), uncounted and untouched by LOCK. Waits as long as it takes. */
    public void zallocate(String... names) throws InterruptedException {
        run(names, -1, false, Claim.ZALLOCATE);
    }

    /** {@code ZALLOCATE names:timeout}; returns {@code $TEST}. */
    public boolean zallocate(Duration timeout, String... names) throws InterruptedException {
        return run(names, timeoutNanos(timeout), false, Claim.ZALLOCATE);
    }

    /** {@code ZDEALLOCATE names}, or every ZALLOCATEd name if none are given. LOCKs stay. */
    public void zdeallocate(String... names) throws InterruptedException {
        List<MName> parsed = parse(names);
        inCommand(() -> {
            List<Node> targets = new ArrayList<>();
            for (Node n : parsed.isEmpty() ? nodes.values() : parsed.stream().map(nodes::get).toList()) {
                if (n != null && n.zallocated) {
                    n.zallocated = false;
                    targets.add(n);
                }
            }
            settleAll(targets);
            return true;
        });
    }

    /** The names this process holds by LOCK, with their levels, in canonical order. */
    public Map<MName, Integer> levels() {
        Map<MName, Integer> levels = new TreeMap<>();
        nodes.values().forEach(n -> {
            if (n.level > 0) {
                levels.put(n.name, n.level);
            }
        });
        return levels;
    }

    /** The names this process has ZALLOCATEd, in canonical order. */
    public Set<MName> zallocated() {
        Set<MName> names = new TreeSet<>();
        nodes.values().forEach(n -> {
            if (n.zallocated) {
                names.add(n.name);
            }
        });
        return names;
    }

    /**
     * Releases everything (LOCKs and ZALLOCATEs) and closes the owner. A command waiting in
     * another thread ends with {@link LockStatus#CANCELLED} first. Idempotent.
     */
    @Override
    public void close() {
        owner.close();
        command.lock();
        try {
            space.release(nodes.size());
            nodes.clear();
            space.forget(this);
        } finally {
            command.unlock();
        }
    }

    void collectClaims(Map<Long, NameClaim> into) {
        for (Node n : nodes.values()) {
            int level = n.level;
            boolean zallocated = n.zallocated;
            if (level > 0 || zallocated) {
                into.put(n.lock.id(), new NameClaim(n.name, level, zallocated));
            }
        }
    }

    // ---- commands ------------------------------------------------------------------------------

    private interface Command {
        boolean run() throws InterruptedException;
    }

    private boolean inCommand(Command body) throws InterruptedException {
        command.lockInterruptibly();
        try {
            if (owner.isClosed()) {
                throw new LockException(LockStatus.OWNERCLOSED, "process '" + owner.name() + "' is closed");
            }
            pruneCleared();
            return body.run();
        } finally {
            command.unlock();
            pruneIfIdle();
        }
    }

    private boolean run(String[] names, long timeoutNanos, boolean releaseLocksFirst, Claim claim)
            throws InterruptedException {
        List<MName> parsed = parse(names);
        TreeMap<MName, LockMode> wanted = nodesNeeded(parsed);
        if (wanted.size() > space.limit()) {
            throw new LockException(LockStatus.EXQUOTA, "names: " + parsed + " need " + wanted.size()
                    + " name-lock nodes at once, more than the lock space's limit of " + space.limit());
        }
        return inCommand(() -> {
            if (claim == Claim.LOCK) {
                checkLevels(parsed, releaseLocksFirst);
            }
            if (releaseLocksFirst) {
                List<Node> locked = new ArrayList<>();
                for (Node n : nodes.values()) {
                    if (n.level > 0) {
                        n.level = 0;
                        locked.add(n);
                    }
                }
                settleAll(locked);
            }
            return parsed.isEmpty() || acquire(parsed, wanted, claim, timeoutNanos);
        });
    }

    /** Refuses, before anything changes, a LOCK that would take a name past {@link #MAX_LEVEL} levels. */
    private void checkLevels(List<MName> names, boolean releaseLocksFirst) {
        Map<MName, Integer> added = new TreeMap<>();
        names.forEach(n -> added.merge(n, 1, Integer::sum));
        added.forEach((name, count) -> {
            Node node = nodes.get(name);
            int level = (releaseLocksFirst || node == null ? 0 : node.level) + count;
            if (level > MAX_LEVEL) {
                throw new LockException(LockStatus.LOCKINCR2HIGH, "names: " + name + " would be locked " + level
                        + " levels deep, more than the limit of " + MAX_LEVEL + "; nothing was taken or released");
            }
        });
    }

    /** Every node the names need with its mode (EX on each name, CW on each ancestor), in canonical order. */
    private static TreeMap<MName, LockMode> nodesNeeded(List<MName> names) {
        TreeMap<MName, LockMode> wanted = new TreeMap<>();
        for (MName name : names) {
            for (int depth = 0; depth <= name.depth(); depth++) {
                LockMode mode = depth == name.depth() ? LockMode.EX : LockMode.CW;
                wanted.merge(name.prefix(depth), mode, (x, y) -> x.ordinal() >= y.ordinal() ? x : y);
            }
        }
        return wanted;
    }

    /**
     * Takes every node the names need, GT.M's way: one attempt at all of them in canonical order,
     * none waiting; if one cannot be had, everything this command took is given back before the
     * process sleeps on that one name, and when it is granted all are tried again. On any failure
     * (timeout, deadlock, interrupt) everything the command took is given back.
     */
    private boolean acquire(List<MName> names, TreeMap<MName, LockMode> wanted, Claim claim, long timeoutNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        int missing = (int) wanted.keySet().stream().filter(n -> !nodes.containsKey(n)).count();
        if (!space.reserve(missing, timeoutNanos)) {
            return false;
        }
        Taken taken = new Taken();
        boolean done = false;
        try {
            while (true) {
                MName blocked = takeAll(wanted, taken);
                if (blocked == null) {
                    break;
                }
                giveBack(taken);
                long left = timeoutNanos < 0 ? -1 : timeoutNanos - (System.nanoTime() - start);
                if (timeoutNanos >= 0 && left <= 0) {
                    return false;
                }
                if (!waitFor(blocked, wanted.get(blocked), taken, left)) {
                    return false;
                }
            }
            for (MName name : names) {
                Node node = nodes.get(name);
                if (claim == Claim.LOCK) {
                    node.level++;
                } else {
                    node.zallocated = true;
                }
            }
            done = true;
            return true;
        } finally {
            if (!done) {
                giveBack(taken);
            }
            space.release(missing - taken.created.size());
        }
    }

    /** What the running command took: nodes it made (oldest first) and held nodes it raised, with their modes before. */
    private static final class Taken {
        final List<Node> created = new ArrayList<>();
        final Map<Node, LockMode> raised = new java.util.LinkedHashMap<>();
    }

    /** One attempt at every node, none waiting; returns the name that could not be had now, or null. */
    private MName takeAll(TreeMap<MName, LockMode> wanted, Taken taken) throws InterruptedException {
        for (Map.Entry<MName, LockMode> e : wanted.entrySet()) {
            if (!obtain(e.getKey(), e.getValue(), taken, NOW)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Sleeps until {@code name} can be had in {@code mode}, holding it then: on the ancestors the
     * process lacks it takes NL intents, which block nobody, then queues the request itself with
     * NOORDER, so it holds back nobody whose names are free (only the engine's bound on passing
     * a waiter does, see {@link LockFlag#NOORDER}). Returns false if the timeout passed.
     */
    private boolean waitFor(MName name, LockMode mode, Taken taken, long timeoutNanos) throws InterruptedException {
        for (int depth = 0; depth < name.depth(); depth++) {
            obtain(name.prefix(depth), LockMode.NL, taken, INTENT);
        }
        return obtain(name, mode, taken, timeoutNanos);
    }

    /** {@link #obtain}'s timeout for one attempt that never waits. */
    private static final long NOW = 0;
    /** {@link #obtain}'s marker for an NL intent, granted at once whatever waits (EXPEDITE). */
    private static final long INTENT = -2;

    /**
     * Makes the process hold {@code name} in at least {@code mode}: a new engine lock or a
     * conversion, recorded in {@code taken}. Returns false if it was not granted in time.
     */
    private boolean obtain(MName name, LockMode mode, Taken taken, long timeoutNanos) throws InterruptedException {
        Node node = nodes.get(name);
        if (node == null) {
            Node parent = name.depth() == 0 ? null : nodes.get(name.prefix(name.depth() - 1));
            node = take(name, parent, mode, timeoutNanos);
            if (node == null) {
                return false;
            }
            taken.created.add(node);
            return true;
        }
        if (node.mode.ordinal() >= mode.ordinal()) {
            return true;
        }
        LockMode before = node.mode;
        if (!convert(node, mode, timeoutNanos)) {
            return false;
        }
        if (!taken.created.contains(node)) {
            taken.raised.putIfAbsent(node, before);
        }
        return true;
    }

    /** Gives back what the command took, keeping its reservation of lock-space nodes: raised nodes lowered, new ones removed. */
    private void giveBack(Taken taken) {
        for (int i = taken.created.size() - 1; i >= 0; i--) {
            remove(taken.created.get(i), false);
        }
        taken.created.clear();
        taken.raised.forEach(this::lowerTo);
        taken.raised.clear();
    }

    /** The request for {@code mode} made with {@code timeoutNanos} as {@link #obtain} takes it. */
    private static LockRequest withWait(LockRequest request, long timeoutNanos) {
        if (timeoutNanos == INTENT) {
            return request.withFlags(LockFlag.EXPEDITE);
        }
        if (timeoutNanos == NOW) {
            return request.withFlags(LockFlag.NOORDER, LockFlag.NOQUEUE);
        }
        request = request.withFlags(LockFlag.NOORDER);
        return timeoutNanos < 0 ? request : request.withTimeout(Duration.ofNanos(timeoutNanos));
    }

    /** A new engine lock on {@code name}; null if it was not granted in time. */
    private Node take(MName name, Node parent, LockMode mode, long timeoutNanos) throws InterruptedException {
        LockRequest request = LockRequest.of(
                parent == null ? name.rootResourceName() : name.subscriptResourceName(name.depth() - 1), mode);
        if (parent != null) {
            request = request.withParent(parent.lock);
        }
        Lock lock;
        try {
            lock = owner.enqueue(withWait(request, timeoutNanos));
        } catch (LockException e) {
            if (e.status() == LockStatus.TIMEOUT || e.status() == LockStatus.NOTQUEUED) {
                return null;
            }
            throw clearedMeanwhile(e);
        }
        Node node = new Node(name, parent, lock, mode);
        nodes.put(name, node);
        if (parent != null) {
            parent.children++;
        }
        return node;
    }

    private boolean convert(Node node, LockMode mode, long timeoutNanos) throws InterruptedException {
        try {
            owner.convert(node.lock, withWait(LockRequest.conversionTo(mode), timeoutNanos));
        } catch (LockException e) {
            if (e.status() == LockStatus.TIMEOUT || e.status() == LockStatus.NOTQUEUED) {
                return false;
            }
            throw clearedMeanwhile(e);
        }
        node.mode = mode;
        return true;
    }

    // ---- giving back -----------------------------------------------------------------------------

    /** Releases what {@code nodes} no longer need, deepest first. */
    private void settleAll(List<Node> changed) {
        changed.sort(DEEPEST_FIRST);
        for (Node n : changed) {
            if (nodes.get(n.name) == n) {
                settle(n);
            }
        }
    }

    /** Frees an unclaimed node: CW if it still has children, otherwise gone (and its parent settled in turn). */
    private void settle(Node node) {
        while (node != null && !node.claimed()) {
            if (node.children > 0) {
                lowerTo(node, LockMode.CW);
                return;
            }
            Node parent = node.parent;
            remove(node, true);
            node = parent;
        }
    }

    /** Down-converts a node to {@code mode} (the CW intent, or what it held before a command); a down-conversion never waits. */
    private void lowerTo(Node node, LockMode mode) {
        if (node.mode.ordinal() <= mode.ordinal() || isCleared(node)) {
            return;
        }
        try {
            owner.convert(node.lock, mode);
            node.mode = mode;
        } catch (LockException e) {
            requestPruneIfCleared(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("a down-conversion waited, which the engine never does", e);
        }
    }

    /** Dequeues a node; {@code returnSpace} false keeps its lock-space node reserved for the running command. */
    private void remove(Node node, boolean returnSpace) {
        if (!isCleared(node)) {
            try {
                owner.dequeue(node.lock);
            } catch (LockException e) {
                requestPruneIfCleared(e);
            }
        }
        nodes.remove(node.name);
        if (node.parent != null) {
            node.parent.children--;
        }
        if (returnSpace) {
            space.release(1);
        }
    }

    /**
     * A request that failed because an administrator cleared a lock it builds on (its parent, or
     * the lock converted) fails as a cleared waiting request does, with CANCELLED.
     */
    private LockException clearedMeanwhile(LockException e) {
        boolean lockGone = e.status() == LockStatus.PARNOTGRANT || e.status() == LockStatus.IVLOCKID;
        if (lockGone && pruneRequested) {
            return new LockException(LockStatus.CANCELLED, "an administrator cleared locks of process '"
                    + owner.name() + "' while its command ran; nothing was taken");
        }
        return e;
    }

    /**
     * A lock found gone under our feet was cleared by an administrator, or the process was closed
     * by another thread; anything else is rethrown.
     */
    private void requestPruneIfCleared(LockException e) {
        if (e.status() == LockStatus.OWNERCLOSED) {
            return; // closed under a running command: the owner's rundown released everything
        }
        if (e.status() != LockStatus.IVLOCKID) {
            throw e;
        }
        pruneRequested = true;
    }

    private static boolean isCleared(Node node) {
        return node.lock.queue().isEmpty();
    }

    /** Drops nodes whose engine locks an administrator cleared, with their claims; the caller holds the command lock. */
    private void pruneCleared() {
        if (!pruneRequested) {
            return;
        }
        pruneRequested = false;
        List<Node> all = new ArrayList<>(nodes.values());
        all.sort(DEEPEST_FIRST);
        for (Node n : all) {
            if (nodes.get(n.name) == n && isCleared(n)) {
                n.level = 0;
                n.zallocated = false;
                Node parent = n.parent;
                remove(n, true);
                if (parent != null && nodes.get(parent.name) == parent) {
                    settle(parent);
                }
            }
        }
    }

    /** Prunes now unless a command is running; that command prunes when it ends. */
    private void pruneIfIdle() {
        while (pruneRequested && command.tryLock()) {
            try {
                pruneCleared();
            } finally {
                command.unlock();
            }
        }
    }

    // ---- arguments ---------------------------------------------------------------------------------

    private static List<MName> parse(String[] names) {
        if (names == null) {
            throw new LockException(LockStatus.BADPARAM, "names must not be null");
        }
        List<MName> parsed = new ArrayList<>(names.length);
        for (String n : names) {
            parsed.add(MName.parse(n)); // every occurrence counts a level, as in GT.M
        }
        return parsed;
    }

    private static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new LockException(LockStatus.BADPARAM, "timeout must be zero or positive, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "NameLocks[" + owner.name() + "]";
    }
}
