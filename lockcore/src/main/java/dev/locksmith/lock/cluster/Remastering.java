package dev.locksmith.lock.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jgroups.Address;

/**
 * Dynamic remastering, as VMS 5.5-6.1 did it: a tree moves to the node that uses it most.
 *
 * <ul>
 *   <li><b>Activity.</b> The master counts requests per tree and requesting node and folds them
 *       every second into the smoothed activity {@code act -= (act - new) / 8} ({@link #fold}).
 *       When another node's activity beats the master's by the remaster margin (13% scaled by
 *       the two nodes' remaster weights; weight 0 never takes a tree) and is at least one request
 *       a second, one tree at a time starts to move ({@link #moveOneIfWorthIt}).</li>
 *   <li><b>Move.</b> The old master sends MIGRATING to every member; each parks its requests for
 *       the tree ({@link #parkIfMoving}) and answers ACK, so no request is in flight to the old
 *       master; the new master holds every master request until the tree arrives. With every
 *       ACK in, the old master exports the queues in order with their value blocks and its fencing
 *       high-water mark, drops them without granting anything and sends INSTALL. The new master
 *       installs them and announces itself to everyone (MOVED); each member then sends its
 *       parked requests there.</li>
 *   <li><b>View changes.</b> A view change before MOVED abandons the move ({@link #viewChanged}):
 *       the parked requests are routed again, and the rebuild settles the tree — the new master
 *       registers it if it installed it, else the members' copies rebuild it. Until then no
 *       directory entry of the tree is trusted: it may still name the old master.</li>
 *   <li><b>Hand-over.</b> A node riding a fork of a shared channel leaves no view when it closes,
 *       so no rebuild would take over its trees: before its fork closes it moves each to another
 *       member as above ({@link #handOverAll}), to the member most active on it, many trees at a
 *       time. The guarantees are a move's: no request is in flight to it when it exports a tree,
 *       and nothing is granted until the new master installed the queues in their order.</li>
 *   <li><b>Members that left.</b> Its last message is LEAVING ({@link #memberLeft}): from then on
 *       no move waits for its ACK or goes to it, and a move to it not exported yet is called off
 *       (the old master announces itself again). Safe, as an ACK only says that no request of
 *       the member is in flight to the old master, and it sends nothing after LEAVING. A new fork
 *       on the same channel speaks again, and moves wait for it again ({@link #rejoined}).</li>
 * </ul>
 *
 * <p>Confined to the node's protocol thread.
 */
final class Remastering {
    private static final System.Logger LOG = System.getLogger(Remastering.class.getName());
    /** Below this many requests per second a tree is not worth moving. */
    private static final double MIN_REMASTER_ACTIVITY = 1.0;
    /** With equal remaster weights, how much more activity a node needs to take a tree (VMS: about 13%). */
    private static final double REMASTER_MARGIN = 0.13;

    /** What a move changes in the node's routing, directory and held requests. */
    interface Routing {
        Address self();

        /** MIGRATING: the tree's master is no longer known; requests for it go through {@link #parkIfMoving}. */
        void forgetMaster(TreeKey tree);

        /** MOVED: {@code master} now masters {@code tree} (the directory entry too, if this node holds it). */
        void moved(TreeKey tree, Address master);

        /** After the parked requests went: requests for {@code tree} go to {@code master} directly. */
        void routeTo(TreeKey tree, Address master);

        /** This node installed {@code tree}: it may be empty already, and held master requests may go on. */
        void installed(TreeKey tree);
    }

    private final ProtocolNode node;
    private final Routing routing;
    private final int remasterWeight;
    /** Seed 002's smoothed requests per second, per tree mastered here and requesting node. */
    private final Map<TreeKey, Map<Address, Double>> activity = new HashMap<>();
    /** Trees being remastered: requests for them wait here until MOVED says where they went. */
    private final Map<TreeKey, List<Consumer<Address>>> moving = new HashMap<>();
    /** Trees this node is giving away, with the members whose ACK it still waits for. */
    private final Map<TreeKey, Set<Address>> awaitingAcks = new HashMap<>();
    private final Map<TreeKey, Address> migrationTargets = new HashMap<>();
    /** Trees this node is about to master; master requests wait until their INSTALL arrives. */
    private final Set<TreeKey> incoming = new HashSet<>();
    /** The old master of each tree in {@link #incoming}. */
    private final Map<TreeKey, Address> incomingFrom = new HashMap<>();
    /**
     * Members whose fork closed (LEAVING) while their main channel stays: they send nothing more,
     * so a move waits for no ACK of theirs and goes to none of them. Until one leaves the view, or
     * speaks again (a new fork on the same channel).
     */
    private final Set<Address> left = new HashSet<>();
    private final LongAdder remasters = new LongAdder();

    Remastering(ProtocolNode node, Routing routing, int remasterWeight) {
        this.node = node;
        this.routing = routing;
        this.remasterWeight = remasterWeight;
    }

    /** How many trees this node gave away; any thread. */
    long remasters() {
        return remasters.sum();
    }

    /** Parks {@code op} until MOVED if {@code tree} is moving; false if it is not. */
    boolean parkIfMoving(TreeKey tree, Consumer<Address> op) {
        List<Consumer<Address>> parked = moving.get(tree);
        if (parked == null) {
            return false;
        }
        parked.add(op);
        return true;
    }

    /** The trees moving now, whose requests wait here for MOVED (a copy). */
    Set<TreeKey> movingTrees() {
        return moving.isEmpty() ? Set.of() : new HashSet<>(moving.keySet());
    }

    /** Whether {@code tree} is moving: requests for it wait for MOVED. */
    boolean isMoving(TreeKey tree) {
        return moving.containsKey(tree);
    }

    /** Whether this node waits for a tree's INSTALL (its master requests are held meanwhile). */
    boolean anyIncoming() {
        return !incoming.isEmpty();
    }

    /** Whether {@code tree} is in a move this node takes part in as old or new master or as a requester. */
    boolean involves(TreeKey tree) {
        return awaitingAcks.containsKey(tree) || incoming.contains(tree) || moving.containsKey(tree);
    }

    /** {@code tree} is no longer mastered here: its activity goes. */
    void forget(TreeKey tree) {
        activity.remove(tree);
    }

    /**
     * A new view abandons every move: each parked request is handed to {@code again}. Returns the
     * trees whose move was under way here (MIGRATING seen, MOVED not): their old master may have
     * exported them already, so whatever this node knew of their master may be stale.
     */
    Set<TreeKey> viewChanged(BiConsumer<TreeKey, Consumer<Address>> again) {
        moving.forEach((tree, ops) -> ops.forEach(op -> again.accept(tree, op)));
        Set<TreeKey> interrupted = new HashSet<>(moving.keySet());
        moving.clear();
        awaitingAcks.clear();
        migrationTargets.clear();
        incoming.clear();
        incomingFrom.clear();
        left.retainAll(node.members()); // they still send nothing: a view change does not bring a fork back
        return interrupted;
    }

    /**
     * LEAVING: {@code member}'s fork closed (its main channel stays, so no view change says so),
     * after its last message, all handled here before this. Its ACKs are no longer waited for: it
     * has no request in flight to this node. A move of this node's to it that has not exported
     * its tree yet is called off: this node still masters the tree and announces itself as its
     * master (MOVED), so the members send their held requests here.
     */
    void memberLeft(Address member) {
        if (!left.add(member)) {
            return;
        }
        // Its fork closed before it exported a tree it was moving here (its close gave up waiting):
        // the INSTALL will not come, and this node's master requests wait no longer for it.
        for (TreeKey tree : List.copyOf(incomingFrom.keySet())) {
            if (incomingFrom.get(tree).equals(member)) {
                incomingFrom.remove(tree);
                incoming.remove(tree);
                routing.installed(tree); // not mastered here: only the held master requests go on
            }
        }
        for (TreeKey tree : List.copyOf(awaitingAcks.keySet())) {
            if (member.equals(migrationTargets.get(tree))) {
                awaitingAcks.remove(tree);
                migrationTargets.remove(tree);
                List<Address> members = node.members();
                Address self = routing.self();
                for (Address m : members) {
                    if (!left.contains(m)) {
                        node.send(m, moved(tree, members));
                    }
                }
            } else {
                Set<Address> waiting = awaitingAcks.get(tree);
                waiting.remove(member);
                if (waiting.isEmpty()) {
                    finishMigration(tree);
                }
            }
        }
    }

    /** Whether {@code member} left (LEAVING) and has not spoken since; cheap while none has. */
    boolean hasLeft(Address member) {
        return !left.isEmpty() && left.contains(member);
    }

    /**
     * A member that left speaks again: a new fork on the same main channel. Moves under way wait
     * for its ACK too, as for every member's, so that none of its requests is in flight to the
     * old master when it exports the tree.
     */
    void rejoined(Address member) {
        if (!left.remove(member)) {
            return;
        }
        List<Address> members = node.members();
        for (Map.Entry<TreeKey, Set<Address>> e : awaitingAcks.entrySet()) {
            e.getValue().add(member);
            node.send(member, migrating(e.getKey(), migrationTargets.get(e.getKey()), members));
        }
    }

    /**
     * Every second: folds the requests counted per tree and node into the smoothed activity.
     * Costs no message.
     */
    void fold() {
        MasterTable master = node.master();
        List<Address> members = node.members();
        Map<TreeKey, Map<Address, Long>> counts = master.takeActivity();
        activity.keySet().retainAll(master.trees());
        for (TreeKey tree : master.trees()) {
            Map<Address, Double> byNode = activity.computeIfAbsent(tree, t -> new HashMap<>());
            Map<Address, Long> fresh = counts.getOrDefault(tree, Map.of());
            Set<Address> nodes = new HashSet<>(byNode.keySet());
            nodes.addAll(fresh.keySet());
            for (Address member : nodes) {
                double act = byNode.getOrDefault(member, 0.0);
                long n = fresh.getOrDefault(member, 0L);
                byNode.put(member, act - (act - n) / 8);
            }
            byNode.keySet().retainAll(members);
        }
    }

    /**
     * Fork-mode close ({@link ClusterLockManager#close()}): starts moving the trees mastered here
     * to other members, at most {@code maxInFlight} at a time, each to the member most active on
     * it (by the activity of the last {@link #fold}s; without any, the tree's directory node
     * among the others), as a move for load does: the members park their requests for the tree,
     * the queues go with their value blocks and fencing high-water mark, and the new master
     * announces itself. Called again until it returns true: nothing is mastered here and no move
     * of this node's is under way (a tree this node is about to install is handed on once it is
     * in). Returns true at once if there is no other member to hand a tree to. Call only while
     * the node is ready and this node makes no requests of its own (its owners are closed), so
     * no tree is adopted here meanwhile but by a rebuild, whose trees the next calls hand on.
     */
    boolean handOverAll(int maxInFlight) {
        MasterTable master = node.master();
        Address self = routing.self();
        List<Address> others = new ArrayList<>(node.members());
        others.remove(self);
        others.removeAll(left);
        if (others.isEmpty()) {
            return true;
        }
        for (TreeKey tree : List.copyOf(master.trees())) {
            if (awaitingAcks.size() >= maxInFlight) {
                break;
            }
            if (!involves(tree)) {
                startMigration(tree, handOverTarget(tree, others));
            }
        }
        return master.trees().isEmpty() && awaitingAcks.isEmpty() && incoming.isEmpty();
    }

    /** The member of {@code others} to hand {@code tree} to: the most active on it, else its directory node among them. */
    private Address handOverTarget(TreeKey tree, List<Address> others) {
        Map.Entry<Address, Double> best = mostActive(activity.getOrDefault(tree, Map.of()), others::contains);
        return best != null ? best.getKey() : DirectoryHash.nodeOf(tree, others);
    }

    /** The node of {@code byNode} with the most activity above zero among those {@code eligible}, or null. */
    private static Map.Entry<Address, Double> mostActive(Map<Address, Double> byNode,
                                                         java.util.function.Predicate<Address> eligible) {
        Map.Entry<Address, Double> best = null;
        for (Map.Entry<Address, Double> e : byNode.entrySet()) {
            if (eligible.test(e.getKey()) && e.getValue() > (best == null ? 0 : best.getValue())) {
                best = e;
            }
        }
        return best;
    }

    /**
     * Starts moving one tree whose most active other node beats this node by the remaster
     * margin, unless a move is under way. Called after {@link #fold} while the node is ready.
     */
    void moveOneIfWorthIt() {
        if (incoming.isEmpty() && awaitingAcks.isEmpty() && moving.isEmpty()) {
            for (Map.Entry<TreeKey, Map<Address, Double>> e : activity.entrySet()) {
                Address target = remasterTarget(e.getValue());
                if (target != null) {
                    startMigration(e.getKey(), target);
                    return;
                }
            }
        }
    }

    /** The node that should master a tree with this activity, or null to keep it here. */
    private Address remasterTarget(Map<Address, Double> byNode) {
        Address self = routing.self();
        double here = byNode.getOrDefault(self, 0.0);
        Map.Entry<Address, Double> mostActive = mostActive(byNode, m -> !m.equals(self) && !left.contains(m));
        if (mostActive == null || mostActive.getValue() < MIN_REMASTER_ACTIVITY) {
            return null;
        }
        Address best = mostActive.getKey();
        double bestActivity = mostActive.getValue();
        int theirs = ClusterChannel.remasterWeight(best);
        if (theirs == 0) {
            return null;
        }
        double needed = here * (1 + REMASTER_MARGIN * remasterWeight / (double) theirs);
        return bestActivity > needed ? best : null;
    }

    /** MIGRATING: {@code tree} is about to move to {@code target}, member of {@code members} (this view's). */
    private Wire migrating(TreeKey tree, Address target, List<Address> members) {
        return Wire.message(Wire.MIGRATING, node.viewId()).putTree(tree).putInt(members.indexOf(target));
    }

    /** MOVED: this node, member of {@code members} (this view's), masters {@code tree} now. */
    private Wire moved(TreeKey tree, List<Address> members) {
        return Wire.message(Wire.MOVED, node.viewId()).putTree(tree).putInt(members.indexOf(routing.self()));
    }

    private void startMigration(TreeKey tree, Address target) {
        LOG.log(Level.DEBUG, () -> node.name() + ": remastering " + tree + " to " + target);
        List<Address> members = node.members();
        List<Address> asked = new ArrayList<>(members);
        asked.removeAll(left);
        awaitingAcks.put(tree, new HashSet<>(asked)); // this node's own ACK, handled inline, takes itself out
        migrationTargets.put(tree, target);
        for (Address m : asked) {
            node.send(m, migrating(tree, target, members));
        }
    }

    /** MIGRATING, ACK, INSTALL or MOVED of the current view, from a member. */
    void handle(Address from, Wire in) {
        List<Address> members = node.members();
        long viewId = node.viewId();
        Address self = routing.self();
        TreeKey tree = in.getTree();
        switch (in.type()) {
            case Wire.MIGRATING -> {
                Address target = members.get(in.getInt());
                routing.forgetMaster(tree);
                moving.putIfAbsent(tree, new ArrayList<>());
                if (target.equals(self)) {
                    incoming.add(tree);
                    incomingFrom.put(tree, from);
                }
                node.send(from, Wire.message(Wire.ACK, viewId).putTree(tree));
            }
            case Wire.ACK -> {
                Set<Address> waiting = awaitingAcks.get(tree);
                if (waiting == null) {
                    return;
                }
                waiting.remove(from);
                if (waiting.isEmpty()) {
                    finishMigration(tree);
                }
            }
            case Wire.INSTALL -> {
                List<MasterTable.Resend> entries = getResends(in);
                int n = in.getInt();
                Map<List<String>, MasterTable.ResourceValue> values = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    int length = in.getByte();
                    List<String> path = new ArrayList<>(length);
                    for (int j = 0; j < length; j++) {
                        path.add(in.getString());
                    }
                    values.put(path, new MasterTable.ResourceValue(in.getBytes(), in.getByte() != 0));
                }
                node.master().install(entries, in.getLong(), values);
                node.master().trees().add(tree);
                incoming.remove(tree);
                incomingFrom.remove(tree);
                // Announced by the new master, not the old one: a view change that made this node
                // drop the INSTALL leaves every member still parked, so all re-send their copies
                // and the tree is rebuilt once; and its own later DROP cannot overtake the news.
                for (Address m : members) {
                    node.send(m, moved(tree, members));
                }
                routing.installed(tree);
            }
            case Wire.MOVED -> {
                Address m = members.get(in.getInt());
                routing.moved(tree, m);
                List<Consumer<Address>> parked = moving.remove(tree);
                if (parked != null) {
                    parked.forEach(op -> op.accept(m));
                }
                routing.routeTo(tree, m);
            }
            default -> throw new IllegalStateException("not a migration message: " + in.type());
        }
    }

    /**
     * Every member has sent its last request for {@code tree} here: export the tree, drop it
     * without granting anything, ship it to the new master, then tell everyone where it went.
     */
    private void finishMigration(TreeKey tree) {
        awaitingAcks.remove(tree);
        Address target = migrationTargets.remove(tree);
        MasterTable.Export export = node.master().exportAndDrop(tree);
        activity.remove(tree);
        Wire install = putResends(Wire.message(Wire.INSTALL, node.viewId()).putTree(tree), export.entries());
        install.putInt(export.values().size());
        export.values().forEach((path, value) -> {
            install.putByte(path.size());
            path.forEach(install::putString);
            install.putBytes(value.value()).putByte(value.valid() ? 1 : 0);
        });
        install.putLong(export.fenceHighWater());
        // counted before it goes: once the new master has it, a reader may see the tree there
        remasters.increment();
        node.send(target, install);
        // the new master announces itself (MOVED) once it has installed the tree
    }

    /** Writes the entries of an INSTALL (a remastered tree's whole state, in order). */
    private Wire putResends(Wire w, List<MasterTable.Resend> entries) {
        List<Address> members = node.members();
        w.putInt(entries.size());
        for (MasterTable.Resend e : entries) {
            MasterTable.OwnerRef o = e.owner();
            w.putInt(members.indexOf(e.origin())).putLong(o.id()).putInt(o.group()).putInt(o.priority())
                    .putString(o.name()).putLong(e.order()).putTree(e.tree());
            w.putCopy(e);
        }
        return w;
    }

    /**
     * Reads the entries of an INSTALL: their origins are view indexes in the current view, and
     * entries of nodes no longer in it are skipped.
     */
    private List<MasterTable.Resend> getResends(Wire in) {
        List<Address> members = node.members();
        int n = in.getInt();
        List<MasterTable.Resend> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int originIndex = in.getInt();
            MasterTable.OwnerRef o = new MasterTable.OwnerRef(in.getLong(), in.getInt(), in.getInt(), in.getString());
            long order = in.getLong();
            TreeKey tree = in.getTree();
            Address origin = originIndex >= 0 && originIndex < members.size() ? members.get(originIndex) : null;
            MasterTable.Resend e = in.getCopy(origin, o, order, tree);
            if (origin != null) {
                list.add(e);
            }
        }
        return list;
    }
}
