package dev.locksmith.lock.names;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
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
 * <p><b>Commands.</b> {@link #lock} releases every LOCK of the process (ZALLOCATEs stay), then
 * takes all the names or none; {@link #lockIncrement} takes all or none without releasing;
 * {@link #unlock} undoes one level per name. Names are taken in canonical order, parents before
 * children, and a command that fails gives back everything it took, so nobody sees a partial
 * set after it ends. Without a timeout a command waits until granted, interrupted
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

    /** Takes every node the names need, in canonical order; on any failure gives back what it took. */
    private boolean acquire(List<MName> names, TreeMap<MName, LockMode> wanted, Claim claim, long timeoutNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        int missing = (int) wanted.keySet().stream().filter(n -> !nodes.containsKey(n)).count();
        if (!space.reserve(missing, timeoutNanos)) {
            return false;
        }
        List<Node> created = new ArrayList<>();
        List<Node> raised = new ArrayList<>();
        boolean done = false;
        try {
            for (Map.Entry<MName, LockMode> e : wanted.entrySet()) {
                MName name = e.getKey();
                Node node = nodes.get(name);
                long left = timeoutNanos < 0 ? -1 : Math.max(0, timeoutNanos - (System.nanoTime() - start));
                if (node == null) {
                    Node parent = name.depth() == 0 ? null : nodes.get(name.prefix(name.depth() - 1));
                    node = take(name, parent, e.getValue(), left);
                    if (node == null) {
                        return false;
                    }
                    created.add(node);
                } else if (node.mode == LockMode.CW && e.getValue() == LockMode.EX) {
                    if (!convert(node, LockMode.EX, left)) {
                        return false;
                    }
                    raised.add(node);
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
            space.release(missing - created.size());
            if (!done) {
                for (Node n : raised) {
                    lower(n);
                }
                for (int i = created.size() - 1; i >= 0; i--) {
                    remove(created.get(i));
                }
            }
        }
    }

    /** A new engine lock on {@code name}; null if the timeout passed. */
    private Node take(MName name, Node parent, LockMode mode, long timeoutNanos) throws InterruptedException {
        LockRequest request = LockRequest.of(
                parent == null ? name.rootResourceName() : name.subscriptResourceName(name.depth() - 1), mode);
        if (parent != null) {
            request = request.withParent(parent.lock);
        }
        if (timeoutNanos >= 0) {
            request = request.withTimeout(Duration.ofNanos(timeoutNanos));
        }
        Lock lock;
        try {
            lock = owner.enqueue(request);
        } catch (LockException e) {
            if (e.status() == LockStatus.TIMEOUT) {
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
        LockRequest request = LockRequest.conversionTo(mode);
        if (timeoutNanos >= 0) {
            request = request.withTimeout(Duration.ofNanos(timeoutNanos));
        }
        try {
            owner.convert(node.lock, request);
        } catch (LockException e) {
            if (e.status() == LockStatus.TIMEOUT) {
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
                lower(node);
                return;
            }
            Node parent = node.parent;
            remove(node);
            node = parent;
        }
    }

    /** Down-converts an EX node to the CW intent; a down-conversion never waits. */
    private void lower(Node node) {
        if (node.mode == LockMode.CW || isCleared(node)) {
            return;
        }
        try {
            owner.convert(node.lock, LockMode.CW);
            node.mode = LockMode.CW;
        } catch (LockException e) {
            requestPruneIfCleared(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("a down-conversion waited, which the engine never does", e);
        }
    }

    private void remove(Node node) {
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
        space.release(1);
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
                remove(n);
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
            MName name = MName.parse(n);
            if (!parsed.contains(name)) {
                parsed.add(name);
            }
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
