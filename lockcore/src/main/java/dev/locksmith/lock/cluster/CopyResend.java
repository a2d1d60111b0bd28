package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jgroups.Address;

/**
 * The owning side of a rebuild. As in the VMS lock manager, every node keeps its own copy of each
 * of its locks; when a tree's master is lost (or a remastering or an earlier rebuild of the tree
 * was interrupted), the node re-sends its copies in that tree to the tree's directory node in the
 * new view, which masters the tree and reinstalls it from every survivor's copies
 * ({@link MasterTable#install}).
 *
 * <ul>
 *   <li>A pending request whose owner cancelled it, or whose timeout ran out, while its master was
 *       lost (the tree's known master left in this view change) is decided first, here
 *       ({@link #settle}); the copy then goes as it is. Any other orphan's request goes still
 *       pending: a live master may hold it, and that master or the one installing the copy
 *       times it out; a cancel of it goes again after the rebuild.</li>
 *   <li>Copies for other nodes go first, in RESEND messages of at most {@value #CHUNK} copies
 *       grouped by owner and tree, so the receivers decode while this node still encodes; those
 *       for this node itself are handed back to the caller, not encoded.</li>
 *   <li>Each copy is entered, before it goes, among the copies other nodes may name (the new
 *       master tells its outcomes by lock id) and marked sent to its directory node (a cancel
 *       goes there from then on).</li>
 * </ul>
 *
 * <p>The receiving side reads a RESEND with {@link #decode}. Confined to the node's protocol
 * thread; never blocks (sending does not wait for the receiver).
 */
final class CopyResend {
    /** Copies per RESEND message: small enough that the receiver reads one while the next is written. */
    static final int CHUNK = 4096;

    private final ProtocolNode node;
    private final Consumer<ClusterLock> register;
    private final Consumer<ClusterLock> cancelAgain;

    /**
     * @param register    enters a copy among those other nodes may name (called before its id
     *                    leaves this node)
     * @param cancelAgain sends the owner's cancel of a copy's request again once the rebuild is
     *                    over, to the tree's master then (called after the copy went)
     */
    CopyResend(ProtocolNode node, Consumer<ClusterLock> register, Consumer<ClusterLock> cancelAgain) {
        this.node = node;
        this.register = register;
        this.cancelAgain = cancelAgain;
    }

    /**
     * Re-sends the copies of {@code owners} in the trees {@code orphans} that went to a master
     * (a request never sent needs no rebuild: it is sent once the tree has a master): to other
     * nodes at once, and returns the share whose directory node is this node. The copies of
     * {@code mastersLost}, the trees whose master this node knew and that left in this view
     * change, are marked: no live master holds their requests, so their directory node may time
     * them out. (A tree being remastered had no known master here: its new master may hold them.)
     */
    List<MasterTable.Resend> resend(Collection<ClusterOwner> owners, Set<TreeKey> orphans,
                                    Set<TreeKey> mastersLost) {
        if (orphans.isEmpty()) {
            return List.of();
        }
        Address self = node.self();
        Map<TreeKey, Address> directoryNodes = new HashMap<>();
        Map<Address, Map<ClusterOwner, Map<TreeKey, List<ClusterLock>>>> byDestination = new HashMap<>();
        List<ClusterLock> cancelled = new ArrayList<>();
        for (ClusterOwner owner : owners) {
            for (ClusterLock lock : owner.live()) {
                if (orphans.contains(lock.tree) && lock.isSent()) {
                    // Only a lost master's requests are decided here: any other orphan's (a
                    // remastering interrupted, a MOVED not yet here, a merge) may be held by a
                    // live master that could still grant it, and a copy ended here would leave
                    // that grant with no copy. It goes still pending, with at least 1 ns of its
                    // timeout left (resendOf), so whichever master holds or installs it times
                    // it out itself and answers by request number; a cancel goes again after
                    // the rebuild, since the one sent (if any) may have gone to a master that no
                    // longer holds the tree, and without it a request with no timeout would
                    // wait for ever.
                    if (mastersLost.contains(lock.tree)) {
                        settle(lock);
                    } else if (lock.cancelRequested()) {
                        cancelled.add(lock);
                    }
                    Address dir = directoryNodes.computeIfAbsent(lock.tree, node::directoryOf);
                    byDestination.computeIfAbsent(dir, a -> new HashMap<>()).computeIfAbsent(owner, o -> new HashMap<>())
                            .computeIfAbsent(lock.tree, t -> new ArrayList<>()).add(lock);
                }
            }
        }
        Map<ClusterOwner, Map<TreeKey, List<ClusterLock>>> own = byDestination.remove(self);
        byDestination.forEach((dir, byOwner) -> send(dir, byOwner, mastersLost));
        cancelled.forEach(cancelAgain);
        List<MasterTable.Resend> entries = new ArrayList<>();
        if (own != null) {
            own.forEach((owner, trees) -> {
                MasterTable.OwnerRef ref = owner.ref();
                trees.forEach((tree, locks) -> {
                    for (ClusterLock lock : locks) {
                        MasterTable.Resend e = resendOf(lock, ref, self, mastersLost);
                        if (e != null) {
                            entries.add(e);
                        }
                    }
                });
            });
        }
        return entries;
    }

    /**
     * A pending request whose master was lost and that its owner cancelled, or whose timeout ran
     * out meanwhile, is decided here: it ends CANCELLED or TIMEOUT (a conversion leaves the old
     * mode) and the copy is re-sent as it now is. A grant the lost master may have made died
     * with it. A plain down-conversion is left alone: the lost master granted it at once.
     */
    static void settle(ClusterLock lock) {
        boolean cancelled = lock.cancelRequested();
        if (!cancelled && !lock.timedOut()) {
            return;
        }
        ClusterLock.Snapshot s = lock.snapshot();
        if (s != null && (s.queue() == LockQueue.WAITING || (s.queue() == LockQueue.CONVERTING
                && (s.requested().compatibleMask() & s.granted().compatibleMask()) != s.granted().compatibleMask()))) {
            lock.failed(cancelled ? LockStatus.CANCELLED : LockStatus.TIMEOUT,
                    (cancelled ? "cancelled" : "timed out") + " while its master was lost");
        }
    }

    /** Encodes copies for {@code dir} as RESEND messages of at most {@value #CHUNK} copies each, and sends them. */
    private void send(Address dir, Map<ClusterOwner, Map<TreeKey, List<ClusterLock>>> byOwner,
                      Set<TreeKey> mastersLost) {
        Wire w = null;
        int groups = 0;
        int inMessage = 0;
        for (Map.Entry<ClusterOwner, Map<TreeKey, List<ClusterLock>>> o : byOwner.entrySet()) {
            MasterTable.OwnerRef ref = o.getKey().ref();
            for (Map.Entry<TreeKey, List<ClusterLock>> t : o.getValue().entrySet()) {
                List<ClusterLock> locks = t.getValue();
                for (int from = 0; from < locks.size(); ) {
                    if (w == null) {
                        w = Wire.message(Wire.RESEND, node.viewId(), 64 * CHUNK).putInt(0);
                        groups = 0;
                        inMessage = 0;
                    }
                    int to = Math.min(locks.size(), from + CHUNK - inMessage);
                    w.putLong(ref.id()).putInt(ref.group()).putInt(ref.priority()).putString(ref.name())
                            .putTree(t.getKey());
                    int countAt = w.size();
                    w.putInt(0);
                    int n = 0;
                    for (int i = from; i < to; i++) {
                        MasterTable.Resend e = resendOf(locks.get(i), ref, dir, mastersLost);
                        if (e != null) {
                            w.putCopy(e);
                            n++;
                        }
                    }
                    w.setInt(countAt, n);
                    groups++;
                    inMessage += to - from;
                    from = to;
                    if (inMessage >= CHUNK) {
                        node.send(dir, w.setInt(Wire.BODY_OFFSET, groups));
                        w = null;
                    }
                }
            }
        }
        if (w != null) {
            node.send(dir, w.setInt(Wire.BODY_OFFSET, groups));
        }
    }

    /**
     * This node's copy of {@code lock} as it is now, marked sent to {@code dir}, and marked
     * {@code masterLost} if its tree is among {@code mastersLost}; null if it died.
     */
    private MasterTable.Resend resendOf(ClusterLock lock, MasterTable.OwnerRef owner, Address dir,
                                        Set<TreeKey> mastersLost) {
        register.accept(lock);
        ClusterLock.Snapshot s = lock.resendTo(dir);
        if (s == null) {
            return null;
        }
        // what is left of the request's timeout: the directory node ends it then (ResentCopies)
        long left = lock.timeoutLeftNanos();
        long timeout = left == Long.MAX_VALUE ? s.timeoutNanos() : Math.max(left, 1);
        return new MasterTable.Resend(node.self(), owner, lock.id, lock.parent == null ? 0 : lock.parent.id, lock.depth,
                0, s.queue(), s.granted(), s.requested(), s.flags(), timeout, s.blockingHandler(), s.fence(),
                s.readValue(), lock.name, lock.tree, s.conversion(), mastersLost.contains(lock.tree));
    }

    /** The copies one RESEND message of {@code sender} carries, as the directory node installs them. */
    static List<MasterTable.Resend> decode(Wire in, Address sender) {
        int groups = in.getInt();
        List<MasterTable.Resend> list = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            MasterTable.OwnerRef o = new MasterTable.OwnerRef(in.getLong(), in.getInt(), in.getInt(), in.getString());
            TreeKey tree = in.getTree();
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                list.add(in.getCopy(sender, o, 0, tree));
            }
        }
        return list;
    }
}
