package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jgroups.Address;

/**
 * The local path (issue 20): a new request or a dequeue of a lock whose tree this node masters,
 * made by the calling thread straight on this node's master table, in one pass through the route
 * gate, with none of the general path's steps that only a request to another node, or one held
 * back, needs (no send verdict and snapshot of the request, no routing callback, no separate
 * monitor enter to mark the request sent, none to ask whether a dequeued copy was sent).
 *
 * <p><b>What it takes.</b> {@link #tryNew} takes a new request without a timeout, outside the
 * LOCAL namespace, whose tree the route table says this node masters while the node serves
 * requests (a sublock whose parent was made here, or a root of a tree this master holds);
 * {@link #tryDequeue} takes the dequeue of a copy made here that no other node may name (never
 * exported, never re-sent). Everything else returns false and the caller takes the general path:
 * timeouts, conversions, cancels, remote or unknown masters, a rebuild or remastering under way
 * (the route table has no master for the tree then), and copies other nodes know.
 *
 * <p><b>What it keeps</b>, so that everything that walks or moves a tree sees its locks as it
 * sees the general path's, with nothing to reconcile:
 * <ul>
 *   <li>the copy listed where its owner's walks find it (administrative and lease-lapse clears,
 *       rundown, rebuild): a sublock in its parent's list, in the monitor enter that checks the
 *       parent and lists it there ({@link ClusterLock#adopt}), a root in its owner's;</li>
 *   <li>the lock's entry in the master table, made before the gate reopens: remastering drops the
 *       tree from the route table under the gate's write side and exports it after (from the
 *       entries), so every lock the local path made is found by the export; the same entries
 *       order a rebuild by lock id, and the ids come from the node's one counter. The entry is in
 *       no map (a put and a removal, two monitor enters, per lock + unlock): the copy keeps it
 *       ({@link ClusterLock#masterEntry}), the copy stays listed by its owner until its dequeue
 *       was made, and the table finds such entries through the owners' copies
 *       ({@link MasterTable.Replies#forEachOwnEntry}); a copy that leaves its entry behind (a
 *       dequeue that finds the tree moving, or a copy other nodes may name) puts it in its
 *       proxy's map first ({@link MasterTable#keepFindable});</li>
 *   <li>the tree's lock count (a tree with locks is never dropped) and its per-node request
 *       count (remastering's measure of where a tree is used), kept by the master table; the
 *       request count takes a lock's request and its dequeue in one update, when it is requested;</li>
 *   <li>the quorum lease, read once per grant with the clock, and its clear epoch (a volatile
 *       read): a grant made while the lease is not held, or applied after a lapse's clear began,
 *       is held back ({@link LeaseGuard#hold}) exactly as the general path's, so a node that lost
 *       its lease (paused, partitioned) grants nothing.</li>
 * </ul>
 *
 * <p><b>Races</b> are settled as on the general path: whichever of the requesting thread and a
 * dequeue, administrative clear or lease-lapse clear (which may find the copy listed while its
 * request is being made) removes the master entry dequeues the engine lock; a cancel
 * that finds the request not yet marked sent fails it at once, and the requesting thread then
 * withdraws the engine request; a lost quorum that marked the request to be sent again meanwhile
 * makes the requesting thread withdraw it too, so the request exists once.
 *
 * <p>Thread-safe; never blocks (the route gate waits only while the protocol thread changes
 * routing, as on the general path).
 */
final class LocalPath {

    private final Address self;
    private final RouteGate gate;
    private final Map<TreeKey, Address> masterOf;
    private final BooleanSupplier open;
    private final Supplier<MasterTable> master;
    private final LeaseGuard leaseGuard;

    /**
     * @param self     this node
     * @param gate     the route gate, shut by the protocol thread while it changes routing
     * @param masterOf the route table: each tree's master as this node knows it
     * @param open     whether the node routes requests at all (false while a full rebuild runs)
     * @param master   this node's current master table (replaced when the node loses quorum)
     * @param lease    the quorum lease's guard, asked once per grant
     */
    LocalPath(Address self, RouteGate gate, Map<TreeKey, Address> masterOf, BooleanSupplier open,
              Supplier<MasterTable> master, LeaseGuard lease) {
        this.self = self;
        this.gate = gate;
        this.masterOf = masterOf;
        this.open = open;
        this.master = master;
        this.leaseGuard = lease;
    }

    /**
     * Makes {@code request}, the new request of {@code lock} (linked to its owner, not yet sent
     * anywhere), on this node's master if the local path takes it; its outcome then reaches the
     * copy as the general path's does (a grant made at once before this returns). False: nothing
     * was done. The request's fields are read from {@code request}, not from the copy, which a
     * clear may empty meanwhile.
     */
    boolean tryNew(ClusterLock lock, LockRequest request) {
        if (request.timeoutNanos() >= 0 || lock.tree.namespace().kind() == Namespace.Kind.LOCAL) {
            return false;
        }
        ClusterLock parent = lock.parent;
        MasterTable.Held parentEntry = parent == null ? null : parent.masterEntry;
        if (parent != null && parentEntry == null) {
            return false; // the parent's request went to another node (or through a rebuild)
        }
        RouteGate.Slot slot = gate.enter();
        try {
            if (!isHere(lock.tree)) {
                return false;
            }
            MasterTable table = master.get();
            if (parent == null && !table.trees().contains(lock.tree)) {
                return false; // dropped or never registered here: the general path asks again
            }
            lock.makeOn(table, self, leaseGuard, true, request.mode(), request.flagBits(), request.timeoutNanos(),
                    request.blockingHandler() != null);
            return true;
        } finally {
            gate.leave(slot);
        }
    }

    /**
     * Dequeues {@code copy} on this node's master if the local path takes it: its owner has just
     * let go of it ({@link ClusterLock#leave}, which returned {@code value}). False: nothing was
     * done, and the caller takes the general path.
     */
    boolean tryDequeue(ClusterLock copy, int valueLength, boolean abnormal, byte[] value) {
        MasterTable.Held entry = copy.masterEntry;
        if (entry == null) {
            return false;
        }
        if (copy.registered) {
            MasterTable.keepFindable(entry); // the copy leaves its list: the entry must stay findable
            return false;
        }
        RouteGate.Slot slot = gate.enter();
        try {
            if (!isHere(copy.tree)) {
                MasterTable.keepFindable(entry); // likewise: the tree's export (to come) must find it
                return false;
            }
            if (copy.sentWhenLeft) {
                master.get().dequeue(self, copy.owner.id(), copy.id, entry, valueLength, abnormal, value);
            }
            return true;
        } finally {
            gate.leave(slot);
        }
    }

    /** Whether the node serves requests and its route table names this node the master of {@code tree}. Inside the gate. */
    private boolean isHere(TreeKey tree) {
        if (!open.getAsBoolean()) {
            return false;
        }
        Address m = masterOf.get(tree);
        return m == self || m != null && m.equals(self);
    }
}
