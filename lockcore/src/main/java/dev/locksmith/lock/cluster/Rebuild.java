package dev.locksmith.lock.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.MergeView;
import org.jgroups.View;

/**
 * View changes and the rebuild of the lock database they start, as in the VMS lock manager.
 *
 * <ul>
 *   <li><b>Partial rebuild.</b> After an ordinary change (a node left, crashed or joined, quorum
 *       kept) only the trees it affects wait: every master registers its trees with their
 *       directory nodes in the new view (REGISTER), every member re-sends its copies in trees it
 *       knows no live master for to their directory nodes ({@link CopyResend}) and then says DONE
 *       to every member. Once a node has every member's DONE, its registrations are its directory
 *       ({@link Directory#registered}), and it masters and installs, smallest first, the trees
 *       whose copies it received and that no live master registered; meanwhile trees mastered by
 *       survivors keep granting, and the requests among the copies time out as their masters
 *       would have timed them out ({@link ResentCopies}).</li>
 *   <li><b>Full rebuild.</b> The first view, regained quorum and merges rebuild the same way with
 *       every request held until the rebuild is complete.</li>
 *   <li><b>Departed leases.</b> A node's DONE says how long the leases its answers gave may still
 *       run; the locks of departed nodes are aborted on their masters, and their trees rebuilt,
 *       only once the longest of those ran out ({@link QuorumLease}).</li>
 *   <li><b>Lost quorum.</b> A view without quorum grants nothing: the node gives up its trees,
 *       the grants held back for the lease and its copies of granted locks, and holds every
 *       request until quorum returns ({@link #dropForLostQuorum}). So does a node that merges
 *       back after its lease ran out.</li>
 *   <li><b>Versions.</b> A member whose lock wire version ({@link Wire#VERSION}) is not this
 *       node's takes no part: it is left out of the members this node installs (quorum,
 *       directory, rebuild), and its rebuild messages are not read. In fork mode, whose
 *       addresses announce no version, a member's DONE announces it: one of another version is
 *       refused from then on and left out from the next view installed; the rebuild of the view
 *       it arrived in never counts its DONE, so it waits until that member leaves.</li>
 *   <li><b>Fork mode.</b> A member whose fork of the shared channel started late missed its part
 *       of the rebuild; it asks the others for theirs again (HELLO, {@link #answerHello}).</li>
 * </ul>
 *
 * <p>Relies on JGroups delivering each sender's messages in order (UNICAST3): a member's REGISTER
 * and RESEND messages arrive before its DONE, and its later requests after them. Confined to the
 * node's protocol thread, except {@link #rebuilds()}.
 */
final class Rebuild {
    private static final System.Logger LOG = System.getLogger(Rebuild.class.getName());
    /** Locks installed per protocol-thread task during a rebuild, so other messages are handled in between. */
    private static final int INSTALL_SLICE = 2048;
    /** Fencing tokens of view {@code view} start above {@code view << FENCE_EPOCH_SHIFT}. */
    static final int FENCE_EPOCH_SHIFT = 40;

    /** What a view change changes in the node beyond the protocol concerns: its routing and its copies. */
    interface Host {
        /**
         * Installs {@code view} ({@code members}) where requests are routed, shut out meanwhile:
         * requests are routed only if {@code open}, and the known masters that left are forgotten
         * (after a merge every other node's); then the view's {@code quorum}.
         */
        void install(View view, List<Address> members, boolean open, boolean quorum);

        /** The rebuild is complete: requests are routed and served, and the node has joined. */
        void serve();

        /** The first view is handled without quorum: the node has joined, serving nothing. */
        void joined();

        /**
         * The members of {@code view} that take part in the lock cluster: those that speak this
         * node's lock wire version; the others are refused (logged once each).
         */
        List<Address> lockMembers(View view);

        /** Whether {@code member} speaks another lock wire version: its messages are not read. */
        boolean refuses(Address member);

        /** The lock wire version this node speaks, which its DONE announces. */
        int wireVersion();

        /**
         * {@code member}'s DONE announced lock wire version {@code version} (0: none, an older
         * build): whether it is refused for it. Only in fork mode, whose addresses announce no
         * version: a member of another version is refused from then on (logged once), its
         * messages are not read, and it is left out of the members of the next view installed.
         */
        boolean refusesVersion(Address member, int version);

        /** This node's address, from the channel (also while the first view is being handled). */
        Address address();

        /** Replaces the master table with an empty one and returns the old one. */
        MasterTable replaceMaster();

        /**
         * Quorum is lost: this node knows no master any more, its copies of granted locks are
         * dropped (their owners told), and its waiting requests are held to be sent again as new
         * ones ({@link Directory#hold}).
         */
        void dropCopies();

        /**
         * Re-sends this node's copies in trees it knows no live master for to their directory
         * nodes ({@link CopyResend}); returns the share whose directory node is this node.
         */
        List<MasterTable.Resend> resendOrphans();
    }

    private final ProtocolNode node;
    private final Host host;
    private final Directory directory;
    private final CrossNodeDeadlocks crossNodeDeadlocks;
    private final QuorumLease lease;
    private final LeaseGuard leaseGuard;
    /** Runs a task on the node's protocol thread (dropped once the node is shut down). */
    private final Consumer<Runnable> onProtocol;
    private final ScheduledExecutorService timer;
    private final int expectedVotes;
    private final Map<Long, Set<Address>> doneFrom = new HashMap<>();
    /** The copies re-sent to this node for a view's rebuild, with their requests' timeouts. */
    private final ResentCopies resent;
    private final Map<Long, List<Map.Entry<TreeKey, Address>>> registrations = new HashMap<>();
    /** Departed nodes whose locks are freed once their leases have run out (see {@link QuorumLease}). */
    private final Set<Address> departedAwaitingLease = new HashSet<>();
    /** Per view: until when (this node's nanoTime) some member's answers may still hold up a departed node's lease. */
    private final Map<Long, Long> departedLeaseEnds = new HashMap<>();
    private long leaseWaitScheduledFor = -1;
    private final LongAdder rebuilds = new LongAdder();

    Rebuild(ProtocolNode node, Host host, Directory directory, CrossNodeDeadlocks crossNodeDeadlocks,
            QuorumLease lease, LeaseGuard leaseGuard, Consumer<Runnable> onProtocol, ScheduledExecutorService timer,
            int expectedVotes) {
        this.node = node;
        this.host = host;
        this.directory = directory;
        this.crossNodeDeadlocks = crossNodeDeadlocks;
        this.lease = lease;
        this.leaseGuard = leaseGuard;
        this.onProtocol = onProtocol;
        this.timer = timer;
        this.expectedVotes = expectedVotes;
        this.resent = new ResentCopies(node, onProtocol, timer);
    }

    /** How many rebuilds this node completed; any thread. */
    long rebuilds() {
        return rebuilds.sum();
    }

    /**
     * The fencing floor of view {@code view}: every master raises its floor to it when it
     * installs the view, so every token given in this view exceeds every token given by any
     * master in an earlier one — a crashed master's included, which can tell no one its last
     * token — provided no master gives 2^40 tokens on one of its engine's stripes in one view.
     */
    static long epochFloor(long view) {
        return view << FENCE_EPOCH_SHIFT;
    }

    /**
     * A new view. After an ordinary change (a node left, crashed or joined, quorum kept) only the
     * trees it affects wait: trees whose master left are rebuilt from the survivors' copies by
     * their directory node, lookups of trees without a directory entry wait until every member's
     * registrations and copies are in, and everything else — in particular trees mastered by
     * survivors — goes on being granted. The first view, regained quorum and merges rebuild
     * everything with requests held.
     */
    void onView(View view) {
        if (node.closed()) {
            return;
        }
        List<Address> old = node.members();
        List<Address> now = host.lockMembers(view);
        boolean hadQuorum = node.quorum();
        boolean nowQuorum = now.size() >= expectedVotes / 2 + 1;
        boolean partial = hadQuorum && nowQuorum && !old.isEmpty() && !(view instanceof MergeView);
        host.install(view, now, partial, nowQuorum);
        long viewId = node.viewId();
        // Read before the new view can bring answers: a node whose lease ran out in the view it
        // leaves, and that now merges with the others, may have missed a view in which they
        // excluded it and took over its trees (it was paused, say): its masters are stale.
        boolean staleMasters = view instanceof MergeView && hadQuorum && lease.needsPings() && !lease.isHeld();
        lease.view(now, host.address(), viewId);
        LOG.log(Level.DEBUG, () -> node.name() + ": view " + view + (nowQuorum ? "" : " without quorum")
                + (partial ? "" : " (full rebuild)"));
        List<Runnable> again = new ArrayList<>();
        List<Runnable> ahead = directory.viewChanged(again);
        crossNodeDeadlocks.viewChanged();
        doneFrom.keySet().removeIf(v -> v < viewId);
        departedLeaseEnds.keySet().removeIf(v -> v < viewId);
        resent.forgetBefore(viewId);
        registrations.keySet().removeIf(v -> v < viewId);
        directory.keepLiveEntries(partial, now);
        if (!nowQuorum) {
            if (hadQuorum || old.isEmpty()) {
                dropForLostQuorum();
            }
            again.forEach(directory::hold);
            host.joined();
            return;
        }
        if (staleMasters) {
            LOG.log(Level.WARNING, node.name() + ": quorum lease ran out before this merge; the trees mastered here"
                    + " and the grants held back for the lease are given up, pending requests are sent again");
            dropForLostQuorum();
        }
        MasterTable master = node.master();
        // every token a master of an earlier view gave, this one's included, stays below
        master.raiseFenceFloor(epochFloor(viewId));
        if (lease.needsPings()) {
            timer.execute(leaseGuard::ping); // a joining member's lease need not wait a ping period
        }
        // freed once every lease the members' answers gave them has run out (completeRebuildIfDone)
        departedAwaitingLease.addAll(old);
        departedAwaitingLease.removeAll(now);
        Map<Address, List<TreeKey>> registers = new HashMap<>();
        for (TreeKey tree : master.trees()) {
            registers.computeIfAbsent(node.directoryOf(tree), a -> new ArrayList<>()).add(tree);
        }
        registers.forEach((dir, trees) -> node.send(dir, register(viewId, trees)));
        resent.add(viewId, host.resendOrphans());
        long outstandingLease = lease.outstandingNanos();
        for (Address m : now) {
            node.send(m, done(viewId, outstandingLease));
        }
        // after this node's own rebuild messages, so a lookup sent now follows its copies
        again.forEach(directory::hold);
        directory.drainHeldIfReady();
        ahead.forEach(Runnable::run);
    }

    /** DONE of view {@code viewId}, with the sender's outstanding lease and its wire version. */
    private Wire done(long viewId, long outstandingLease) {
        return Wire.message(Wire.DONE, viewId).putLong(outstandingLease).putByte(host.wireVersion());
    }

    /** REGISTER of {@code trees} in view {@code viewId}: the sender masters them. */
    private static Wire register(long viewId, List<TreeKey> trees) {
        Wire w = Wire.message(Wire.REGISTER, viewId).putInt(trees.size());
        trees.forEach(w::putTree);
        return w;
    }

    /** Fork mode, once the first view is handled: asks the other members for their part of its rebuild. */
    void sayHello() {
        Address self = node.self();
        for (Address m : node.members()) {
            if (!m.equals(self)) {
                node.send(m, Wire.message(Wire.HELLO, node.viewId()));
            }
        }
    }

    /**
     * A member's fork of the shared channel started in view {@code helloView}, possibly after this
     * node sent it its part of that view's rebuild (the fork layer drops messages for a fork that
     * is not there yet): the registrations of this node's trees whose directory node it is, and
     * this node's DONE, again. Both are idempotent where they arrive. A later view's rebuild
     * reaches it anyway, so a HELLO of another view is ignored.
     */
    void answerHello(Address from, long helloView) {
        long viewId = node.viewId();
        if (helloView != viewId || !node.quorum()) {
            return;
        }
        List<TreeKey> trees = new ArrayList<>();
        for (TreeKey tree : node.master().trees()) {
            if (node.directoryOf(tree).equals(from)) {
                trees.add(tree);
            }
        }
        if (!trees.isEmpty()) {
            node.send(from, register(viewId, trees));
        }
        node.send(from, done(viewId, lease.outstandingNanos()));
    }

    /** REGISTER, RESEND or DONE from {@code from}, sent in view {@code msgView}. */
    void handle(Address from, Wire in, long msgView) {
        if (msgView < node.viewId() || host.refuses(from)) {
            return; // a refused node's RESEND would be misread; its DONE counts for nothing here
        }
        switch (in.type()) {
            case Wire.REGISTER -> {
                int n = in.getInt();
                List<Map.Entry<TreeKey, Address>> list = registrations.computeIfAbsent(msgView, v -> new ArrayList<>());
                for (int i = 0; i < n; i++) {
                    list.add(Map.entry(in.getTree(), from));
                }
            }
            case Wire.RESEND -> resent.add(msgView, CopyResend.decode(in, from));
            case Wire.DONE -> {
                long outstandingLease = in.getLong();
                if (host.refusesVersion(from, in.hasMore() ? in.getByte() : 0)) {
                    // a fork member of another version: its DONE counts for nothing, and nothing it
                    // sends is read from now on, its HELLO included; it is told this node's version
                    // once more (it may have missed this node's DONE: its fork was not there yet)
                    node.send(from, done(node.viewId(), lease.outstandingNanos()));
                    return;
                }
                doneFrom.computeIfAbsent(msgView, v -> new HashSet<>()).add(from);
                if (outstandingLease > 0) {
                    departedLeaseEnds.merge(msgView, System.nanoTime() + outstandingLease, (a, b) -> a - b >= 0 ? a : b);
                }
            }
            default -> throw new IllegalStateException("not a rebuild message: " + in.type());
        }
        completeRebuildIfDone();
    }

    /** DROP: {@code from} dropped {@code tree}; a registration of it read before the drop must not bring the entry back. */
    void dropped(Address from, TreeKey tree) {
        registrations.values().forEach(list -> list.removeIf(e -> e.getKey().equals(tree) && e.getValue().equals(from)));
    }

    /**
     * Whether a departed node may still hold a lease some member's answers gave it: then its locks
     * and trees wait, and the rebuild resumes once the last such lease has run out.
     */
    private boolean awaitingDepartedLeases() {
        long viewId = node.viewId();
        Long end = departedLeaseEnds.get(viewId);
        long wait = end == null ? 0 : end - System.nanoTime();
        if (wait <= 0) {
            return false;
        }
        if (leaseWaitScheduledFor != viewId) {
            long view = viewId;
            leaseWaitScheduledFor = view;
            timer.schedule(() -> onProtocol.accept(() -> {
                if (node.viewId() == view) {
                    // a DONE of this view that came since (a fork's HELLO answered again) may have
                    // moved the end later: then this check schedules the next one
                    leaseWaitScheduledFor = -1;
                    completeRebuildIfDone();
                }
            }), wait, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private void completeRebuildIfDone() {
        long viewId = node.viewId();
        Set<Address> done = doneFrom.get(viewId);
        if (!node.quorum() || directory.isRebuildComplete() || done == null || !done.containsAll(node.members())
                || awaitingDepartedLeases()) {
            return;
        }
        MasterTable master = node.master();
        if (!departedAwaitingLease.isEmpty()) {
            master.abortNodes(Set.copyOf(departedAwaitingLease));
            departedAwaitingLease.clear();
        }
        directory.registered(registrations.getOrDefault(viewId, List.of()));
        Map<TreeKey, List<MasterTable.Resend>> byTree = new HashMap<>();
        for (MasterTable.Resend e : resent.take(viewId)) {
            if (!directory.hasEntry(e.tree()) && !master.trees().contains(e.tree())) {
                byTree.computeIfAbsent(e.tree(), t -> new ArrayList<>()).add(e);
            }
        }
        doneFrom.remove(viewId);
        registrations.remove(viewId);
        // Smallest trees first: each tree's waiters are granted as soon as that tree is in, so
        // most trees resume long before the biggest one is rebuilt.
        List<List<MasterTable.Resend>> trees = new ArrayList<>(byTree.values());
        trees.sort(Comparator.comparingInt(List::size));
        List<TreeKey> rebuilt = new ArrayList<>();
        trees.forEach(t -> rebuilt.add(t.get(0).tree()));
        directory.rebuildComplete(viewId, rebuilt);
        installTrees(viewId, trees, 0);
    }

    /**
     * Installs rebuilt trees from {@code next} on, about {@value #INSTALL_SLICE} locks per task,
     * then finishes the rebuild. A newer view abandons the rest: those copies are sent again.
     */
    private void installTrees(long view, List<List<MasterTable.Resend>> trees, int next) {
        if (node.closed() || view != node.viewId()) {
            return;
        }
        int i = next;
        int installed = 0;
        while (i < trees.size() && installed < INSTALL_SLICE) {
            List<MasterTable.Resend> entries = trees.get(i++);
            TreeKey tree = entries.get(0).tree();
            directory.rebuilding(tree);
            node.master().install(entries, epochFloor(view), Map.of());
            directory.rebuilt(tree);
            installed += entries.size();
        }
        if (i < trees.size()) {
            int from = i;
            onProtocol.accept(() -> installTrees(view, trees, from));
            return;
        }
        rebuilds.increment();
        host.serve();
        directory.drainHeldIfReady();
    }

    /**
     * This node is in a minority, or merges back after its lease ran out in a view the others may
     * have left without it: the majority frees its locks and may have rebuilt its trees, so it
     * must not keep them. Its trees go (without granting anything), so do the grants held back for
     * the lease (those decided by its masters and those sent to its copies: none is ever applied),
     * its copies of granted locks are dropped and their owners told, and its waiting requests will
     * be sent again as new ones once it serves requests again.
     */
    private void dropForLostQuorum() {
        MasterTable old = host.replaceMaster();
        leaseGuard.dropHeldBack(); // its grants and the ones to apply here: the majority frees both
        departedAwaitingLease.clear();
        old.discard();
        host.dropCopies();
    }
}
