package dev.locksmith.lock.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jgroups.Address;

/**
 * Which node masters each tree, as in the VMS lock directory: the directory node's entries, this
 * node's lookups, and the life of a tree from its first request to its drop.
 *
 * <ul>
 *   <li><b>Lookups.</b> A request for a tree whose master this node does not know is routed here
 *       ({@link #resolve}): it waits while the node serves nothing (first view, lost quorum,
 *       merge; {@link #hold}) or while its tree moves ({@link Remastering}), else asks the tree's
 *       directory node ({@link DirectoryHash}) with LOOKUP, once per tree, and runs when MASTER
 *       answers ({@link #answered}). The answer is cached in the node's routing map, which the
 *       request path reads without the protocol thread.</li>
 *   <li><b>Entries.</b> The directory node answers a LOOKUP from its entry ({@link #answerLookup});
 *       without one the asker becomes the master, but not while this view's rebuild may still
 *       bring a registration or resent copies for the tree: such lookups (this node's own too)
 *       wait until the rebuild has every member's part ({@link #rebuildComplete}), or, for a tree
 *       being rebuilt here, until it is installed ({@link #rebuilt}). A LOOKUP sent in a view this
 *       node has not installed yet waits for it. An entry kept across a view change that
 *       interrupted its tree's move is dropped: it may still name the old master.</li>
 *   <li><b>Empty trees.</b> When a tree mastered here lost its last lock and stayed empty for the
 *       retention, the master forgets it and sends DROP with its fencing high-water mark; the
 *       directory node forgets the entry ({@link #dropped}) and keeps the highest such mark as the
 *       floor of the next master's tokens, so a resource's tokens grow across drops.</li>
 *   <li><b>Moves.</b> The node's {@link Remastering} is made here and tells the directory where a
 *       tree went: its master is forgotten while it moves, then routed to the new one (the entry
 *       follows if this node holds it).</li>
 * </ul>
 *
 * <p>Confined to the node's protocol thread, except {@link #entries()} and {@link #lookups()}.
 * Changes of the routing map that the request path must not see half-done happen under the
 * node's routing gate (its write lock).
 */
final class Directory {
    private static final System.Logger LOG = System.getLogger(Directory.class.getName());

    private final ProtocolNode node;
    /** What this node knows of masters: the request path's routing map, valid while the node is open. */
    private final Map<TreeKey, Address> masterOf;
    /** Guards the request path against changes of {@link #masterOf} it must not race with. */
    private final RouteGate gate;
    private final Remastering remastering;
    private final long emptyTreeRetentionNanos;
    /** The directory entries this node holds: tree to master. Written on the protocol thread only. */
    private final Map<TreeKey, Address> directory = new ConcurrentHashMap<>();
    private final Map<TreeKey, List<Consumer<Address>>> awaitingLookup = new HashMap<>();
    /** Requests and lookups held while the node serves nothing (or waits for a remastered tree's INSTALL). */
    private final List<Runnable> held = new ArrayList<>();
    /** The view whose rebuild messages all arrived (its trees are being installed, or were). */
    private long installingView = -1;
    /** Trees this node is rebuilding from resent copies; requests for them wait in {@link #awaitingInstall}. */
    private final Set<TreeKey> installing = new HashSet<>();
    private final Map<TreeKey, List<Runnable>> awaitingInstall = new HashMap<>();
    /** Lookups of trees this directory node has no entry for while its rebuild is incomplete. */
    private final List<Runnable> awaitingDirectory = new ArrayList<>();
    /** Lookups sent in a view this node has not installed yet: answered once it has. */
    private final List<Runnable> aheadOfView = new ArrayList<>();
    /**
     * Directory node: the highest fencing token of any tree dropped here (DROP carries its
     * master's), the floor for each tree's next master, so a resource's tokens grow across
     * drops; view changes need none of it (see {@link Rebuild#epochFloor}).
     */
    private long droppedFence;
    /** Trees mastered here that lost their last lock, and since when (System.nanoTime). */
    private final Map<TreeKey, Long> emptySince = new HashMap<>();
    private final LongAdder lookups = new LongAdder();

    /**
     * @param masterOf the node's routing map (tree to master), shared with its request path
     * @param gate     the lock the request path reads {@code masterOf} under
     * @param remasterWeight the node's remaster weight ({@link Remastering})
     */
    Directory(ProtocolNode node, Map<TreeKey, Address> masterOf, RouteGate gate, int remasterWeight,
              long emptyTreeRetentionNanos) {
        this.node = node;
        this.masterOf = masterOf;
        this.gate = gate;
        this.remastering = new Remastering(node, new Moves(), remasterWeight);
        this.emptyTreeRetentionNanos = emptyTreeRetentionNanos;
    }

    /** The node's remastering, which moves trees between masters and tells this directory where they went. */
    Remastering remastering() {
        return remastering;
    }

    /** How many directory entries this node holds; any thread. */
    int entries() {
        return directory.size();
    }

    /** How many lookups this node sent; any thread. */
    long lookups() {
        return lookups.sum();
    }

    // ---- this node's requests -------------------------------------------------------------------

    /** Runs {@code op} with the master of {@code tree} once it is known (see the class comment). */
    void resolve(TreeKey tree, Consumer<Address> op) {
        if (!node.serving()) {
            held.add(() -> resolve(tree, op));
            return;
        }
        if (remastering.parkIfMoving(tree, op)) {
            return;
        }
        Address m = masterOf.get(tree);
        if (m != null) {
            op.accept(m);
            return;
        }
        List<Consumer<Address>> waiting = awaitingLookup.get(tree);
        if (waiting != null) {
            waiting.add(op);
            return;
        }
        Address self = node.self();
        Address dir = node.directoryOf(tree);
        if (dir.equals(self)) {
            m = directory.get(tree);
            if (m == null) {
                if (waitsForRebuild(tree, () -> resolve(tree, op))) {
                    return;
                }
                m = self;
                directory.put(tree, self);
                node.master().raiseFenceFloor(droppedFence);
            }
            if (m.equals(self)) {
                adopt(tree);
            }
            op.accept(m);
            masterOf.put(tree, m);
            if (m.equals(self)) {
                checkEmpty(tree);
            }
            return;
        }
        waiting = new ArrayList<>();
        waiting.add(op);
        awaitingLookup.put(tree, waiting);
        lookups.increment();
        node.send(dir, Wire.message(Wire.LOOKUP, node.viewId()).putTree(tree));
    }

    /**
     * MASTER: the directory node's answer to this node's lookup of {@code tree} in view
     * {@code msgView}: member {@code index} masters it, and if that is this node, its tokens
     * start above {@code fenceFloor}.
     */
    void answered(TreeKey tree, int index, long fenceFloor, long msgView) {
        if (msgView != node.viewId()) {
            // Views differ. The lookup was sent again at this node's view change (older
            // answer) or will be at the coming one (the directory node is ahead).
            return;
        }
        List<Address> members = node.members();
        List<Consumer<Address>> waiting = awaitingLookup.remove(tree);
        if (index < 0 || index >= members.size()) {
            if (waiting != null) {
                waiting.forEach(op -> held.add(() -> resolve(tree, op)));
                drainHeldIfReady();
            }
            return;
        }
        Address m = members.get(index);
        if (remastering.isMoving(tree)) {
            // the answer predates a remastering of the tree: wait for MOVED
            if (waiting != null) {
                waiting.forEach(op -> remastering.parkIfMoving(tree, op));
            }
            return;
        }
        boolean self = m.equals(node.self());
        if (self) {
            node.master().raiseFenceFloor(fenceFloor);
            adopt(tree);
        }
        if (waiting != null) {
            waiting.forEach(op -> op.accept(m));
        }
        masterOf.put(tree, m);
        if (self) {
            checkEmpty(tree);
        }
    }

    /** Holds {@code task} (a request or lookup) until the node serves requests again ({@link #drainHeldIfReady}). */
    void hold(Runnable task) {
        held.add(task);
    }

    /** Runs what was held, in order, if the node serves requests and waits for no remastered tree. */
    void drainHeldIfReady() {
        while (node.serving() && !remastering.anyIncoming() && !held.isEmpty()) {
            List<Runnable> batch = new ArrayList<>(held);
            held.clear();
            batch.forEach(Runnable::run);
        }
    }

    // ---- the directory node's side --------------------------------------------------------------

    /**
     * Directory node: who masters {@code tree}. An entry kept across the view change is answered
     * at once; without one, the asker becomes the master, but not while this node's rebuild may
     * still bring a registration or resent copies for the tree.
     */
    void answerLookup(Address from, TreeKey tree, long msgView) {
        if (msgView > node.viewId()) {
            aheadOfView.add(() -> answerLookup(from, tree, msgView));
            return;
        }
        if (msgView < node.viewId() || !node.directoryOf(tree).equals(node.self())) {
            return; // the asker looks the tree up again when it installs this node's view
        }
        // being remastered: answer with the new master once it has announced itself
        if (remastering.parkIfMoving(tree, m -> sendMaster(from, tree, m))) {
            return;
        }
        Address m = directory.get(tree);
        if (m == null) {
            // retried in the view current then (a view change hands it on)
            if (waitsForRebuild(tree, () -> answerLookup(from, tree, node.viewId()))) {
                return;
            }
            m = from;
            directory.put(tree, from);
        }
        sendMaster(from, tree, m);
    }

    /** MASTER to {@code to}: {@code m} masters {@code tree}. */
    private void sendMaster(Address to, TreeKey tree, Address m) {
        node.send(to, Wire.message(Wire.MASTER, node.viewId()).putTree(tree).putInt(node.members().indexOf(m))
                .putLong(droppedFence));
    }

    /**
     * Directory node without an entry for {@code tree}: whether this view's rebuild may still
     * bring one; then {@code retry} runs once the tree is installed here, or once every member's
     * part of the rebuild is in.
     */
    private boolean waitsForRebuild(TreeKey tree, Runnable retry) {
        if (installing.contains(tree)) {
            awaitingInstall.computeIfAbsent(tree, t -> new ArrayList<>()).add(retry);
            return true;
        }
        if (installingView != node.viewId()) {
            awaitingDirectory.add(retry);
            return true;
        }
        return false;
    }

    /** DROP: {@code from} no longer masters {@code tree}; its tokens went up to {@code fence}. */
    void dropped(Address from, TreeKey tree, long fence) {
        droppedFence = Math.max(droppedFence, fence);
        directory.remove(tree, from);
    }

    /** What a remastering changes here: routing, the directory entry, held master requests. */
    private final class Moves implements Remastering.Routing {
        @Override
        public Address self() {
            return node.self();
        }

        @Override
        public void forgetMaster(TreeKey tree) {
            long stamp = gate.writeLock();
            try {
                masterOf.remove(tree);
            } finally {
                gate.unlockWrite(stamp);
            }
        }

        @Override
        public void moved(TreeKey tree, Address m) {
            if (node.directoryOf(tree).equals(node.self())) {
                directory.put(tree, m);
            }
        }

        @Override
        public void routeTo(TreeKey tree, Address m) {
            masterOf.put(tree, m);
        }

        @Override
        public void installed(TreeKey tree) {
            checkEmpty(tree);
            drainHeldIfReady();
        }
    }

    // ---- view changes and rebuild ----------------------------------------------------------------

    /**
     * A new view is installed: requests waiting for a lookup answer, a move or this node's
     * rebuild are handed to {@code again}, to be routed afresh; returns the lookups other nodes
     * sent in this view before this node installed it, to be answered now.
     */
    List<Runnable> viewChanged(List<Runnable> again) {
        awaitingLookup.forEach((tree, ops) -> ops.forEach(op -> again.add(() -> resolve(tree, op))));
        awaitingLookup.clear();
        // An entry for a tree whose move the view change interrupted still names its old master
        // (MOVED updates it), which may have exported the tree: answered now, before this
        // rebuild's registrations are in, it would send requests and cancels to a node that no
        // longer holds them (they are refused there and routed again, a detour). Without the
        // entry, lookups wait until the tree's master registers it or the tree is rebuilt from
        // the copies.
        directory.keySet().removeAll(remastering.viewChanged((tree, op) -> again.add(() -> resolve(tree, op))));
        awaitingInstall.values().forEach(again::addAll);
        awaitingInstall.clear();
        installing.clear();
        again.addAll(awaitingDirectory);
        awaitingDirectory.clear();
        List<Runnable> ahead = new ArrayList<>(aheadOfView);
        aheadOfView.clear();
        return ahead;
    }

    /**
     * After an ordinary view change ({@code partial}) the entries of live masters for trees this
     * node is still the directory node of stay; after a full rebuild none does.
     */
    void keepLiveEntries(boolean partial, List<Address> now) {
        if (partial) {
            Address self = node.self();
            directory.entrySet().removeIf(e -> !now.contains(e.getValue()) || !node.directoryOf(e.getKey()).equals(self));
        } else {
            directory.clear();
        }
    }

    /**
     * Every master registered all its trees for this view ({@code registrations}), so they are
     * the directory now; an entry kept across the view change but not registered again was stale
     * (e.g. its tree was being remastered when the view changed). No entry was made since.
     */
    void registered(List<Map.Entry<TreeKey, Address>> registrations) {
        directory.clear();
        for (Map.Entry<TreeKey, Address> e : registrations) {
            Address other = directory.putIfAbsent(e.getKey(), e.getValue());
            if (other != null && !other.equals(e.getValue())) {
                // Cannot happen while expectedVotes is the cluster's size: two sides of a partition
                // never both hold quorum, and a node that lost its lease gives its trees up when it
                // merges back. The first registration stays; requests go to it.
                LOG.log(Level.ERROR, node.name() + ": " + other + " and " + e.getValue() + " both registered "
                        + e.getKey() + " (expectedVotes below the cluster's size?); requests go to " + other);
            }
        }
    }

    /** Whether a directory entry names {@code tree}'s master. */
    boolean hasEntry(TreeKey tree) {
        return directory.containsKey(tree);
    }

    /**
     * Every member's part of view {@code view}'s rebuild is in: this node rebuilds {@code trees}
     * (requests for them wait until each is installed), and lookups of other trees without an
     * entry are answered now.
     */
    void rebuildComplete(long view, List<TreeKey> trees) {
        installingView = view;
        installing.addAll(trees);
        // the directory is complete: lookups of trees that are not being rebuilt are answered now
        List<Runnable> lookups = new ArrayList<>(awaitingDirectory);
        awaitingDirectory.clear();
        lookups.forEach(Runnable::run);
    }

    /** Whether the current view's rebuild has every member's part ({@link #rebuildComplete}). */
    boolean isRebuildComplete() {
        return installingView == node.viewId();
    }

    /** Rebuild: this node masters {@code tree}, which it is about to install from resent copies. */
    void rebuilding(TreeKey tree) {
        directory.put(tree, node.self());
        adopt(tree);
    }

    /** Rebuild: {@code tree} is installed: requests go to it, and those that waited for it run. */
    void rebuilt(TreeKey tree) {
        masterOf.put(tree, node.self());
        installing.remove(tree);
        List<Runnable> waiting = awaitingInstall.remove(tree);
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
        checkEmpty(tree);
    }

    // ---- empty trees -----------------------------------------------------------------------------

    /** This node now masters {@code tree} (the directory said so): requests for it are served here. */
    private void adopt(TreeKey tree) {
        node.master().trees().add(tree);
    }

    /** After ops ran for a tree this node adopted: if none left a lock in it, it is empty already. */
    private void checkEmpty(TreeKey tree) {
        MasterTable master = node.master();
        if (master.trees().contains(tree) && master.lockCount(tree) == 0) {
            treeEmptied(tree);
        }
    }

    /** The last lock of a tree mastered here went; drop it now or after the retention. */
    void treeEmptied(TreeKey tree) {
        MasterTable master = node.master();
        if (node.closed() || master.lockCount(tree) > 0 || !master.trees().contains(tree)) {
            return;
        }
        if (emptyTreeRetentionNanos == 0 && dropTree(tree)) {
            return;
        }
        emptySince.putIfAbsent(tree, System.nanoTime());
    }

    /**
     * Every fold: drops the trees that stayed empty for the retention; forgets masters of trees
     * no copy here uses ({@code liveCopies}: this node's live copies).
     */
    void dropEmptyTrees(Supplier<List<ClusterLock>> liveCopies) {
        MasterTable master = node.master();
        long now = System.nanoTime();
        emptySince.entrySet().removeIf(e -> master.lockCount(e.getKey()) > 0 || !master.trees().contains(e.getKey())
                || (now - e.getValue() >= emptyTreeRetentionNanos && dropTree(e.getKey())));
        if (!masterOf.isEmpty()) {
            Set<TreeKey> used = new HashSet<>();
            for (ClusterLock lock : liveCopies.get()) {
                used.add(lock.tree);
            }
            masterOf.keySet().removeIf(t -> !used.contains(t) && !master.trees().contains(t));
        }
    }

    /**
     * Stops mastering an empty tree and tells its directory node, which forgets the entry. Root
     * requests that still arrive for it are refused with NOTMASTER and looked up again, so a
     * new first user becomes the one master. Not while a rebuild or remastering is under way.
     */
    private boolean dropTree(TreeKey tree) {
        if (!node.ready() || !node.quorum() || remastering.involves(tree)) {
            return false;
        }
        MasterTable master = node.master();
        long stamp = gate.writeLock();
        try {
            // no request on this node's fast path can add a lock while the gate is shut
            if (master.lockCount(tree) > 0 || !master.trees().remove(tree)) {
                return false;
            }
            masterOf.remove(tree, node.self());
        } finally {
            gate.unlockWrite(stamp);
        }
        remastering.forget(tree);
        node.send(node.directoryOf(tree), Wire.message(Wire.DROP, node.viewId()).putTree(tree)
                .putLong(master.fenceHighWater()));
        return true;
    }
}
