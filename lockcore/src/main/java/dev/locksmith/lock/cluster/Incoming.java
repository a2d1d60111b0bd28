package dev.locksmith.lock.cluster;

import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.lang.System.Logger.Level;
import org.jgroups.Address;

/**
 * A node's incoming lock messages ({@link Wire}), each handed to the concern it belongs to:
 * rebuild messages to {@link Rebuild}, lookups and drops to {@link Directory}, remastering to
 * {@link Remastering}, deadlock reports to {@link CrossNodeDeadlocks}, lock requests to the
 * node's master table, and their outcomes to this node's copies.
 *
 * <ul>
 *   <li><b>Members only.</b> A request, outcome, lookup, HELLO or DROP from a node outside the
 *       view this node installed is dropped; remastering and deadlock messages count only in the
 *       view they were sent in; rebuild messages are kept for the view they were sent in. A
 *       member's LEAVING (its fork closed, its main channel stays) counts in any view; any other
 *       message from it afterwards is a new fork on that channel ({@link Remastering#rejoined}).</li>
 *   <li><b>Held requests.</b> Requests to this node's master (and lookups) wait while it serves
 *       nothing or waits for a remastered tree's INSTALL ({@link Directory#hold}); grants and
 *       blocking callbacks for this node's copies wait while it holds no quorum lease
 *       ({@link LeaseGuard#hold}), and are dropped if their master left meanwhile.</li>
 *   <li><b>Refusals.</b> A root request, a conversion or a cancel for a tree this node does not
 *       master (any more: it moved or was dropped since its sender routed it) is refused with
 *       NOTMASTER, so its sender looks the tree up again and sends it there. A node that masters
 *       the tree never refuses, so a refused message goes round at most until its sender's
 *       directory names the real master.</li>
 * </ul>
 *
 * <p>Runs on the node's protocol thread, or for the small messages of {@link #isSmall} on the
 * receiving JGroups thread while the protocol executor is idle ({@link ProtocolExecutor#runIfIdle});
 * either way one message at a time, in order.
 */
final class Incoming {
    private static final System.Logger LOG = System.getLogger(Incoming.class.getName());

    /** The outcomes other masters send for this node's copies, by lock id; a copy no longer here ignores them. */
    interface Copies {
        /**
         * GRANTED: request number {@code request} of copy {@code lockId} was granted in
         * {@code mode}; applied unless a lapse of the lease began clearing grants since the clear
         * epoch was {@code epoch} ({@link LeaseGuard#UNCHECKED}: not checked), else held back.
         */
        void granted(long lockId, int request, LockMode mode, LockStatus status, long fence, byte[] value, long epoch);

        /** FAILED: request number {@code request} of copy {@code lockId} ended without a grant. */
        void failed(long lockId, int request, LockStatus status, String message, DeadlockReport report);

        /**
         * BLOCKING: copy {@code lockId} blocks a request for {@code mode}. Not checked against the
         * clear epoch or the view, unlike a grant, because a stale one cannot reach the wrong lock
         * and grants nothing: it names its copy by id, a node never reuses an id (one counter per
         * lock manager), and a copy a lapsed lease's clear, an administrative clear or a lost
         * quorum dequeued ignores it, so a lock made after that hears only of its own blocking
         * ({@code ClusterStaleBlockingTest}). A copy that survives (a rebuild or a remastering
         * carries its grant, unchanged, to its new master) may hear of a blocking its old master
         * saw, or one sent for the grant before its last conversion; like a VMS blocking AST it is
         * a hint about the lock as it is now, on which its handler acts (a down-conversion, a
         * dequeue) only if the lock's mode still blocks. It is not dropped for a copy whose grant
         * is not applied yet either: held back under the lease, a grant may be applied after the
         * BLOCKING its master sent next, and dropping that one would leave the waiter unserved.
         */
        void blocking(long lockId, LockMode mode);

        /**
         * NOTMASTER: {@code refusedBy} does not master the tree of copy {@code lockId}, so it
         * refused the copy's message of type {@code refused} (ENQUEUE, CONVERT or CANCEL) for
         * request number {@code request}.
         */
        void notMaster(long lockId, byte refused, int request, Address refusedBy);
    }

    private final ProtocolNode node;
    private final Copies copies;
    private final Directory directory;
    private final Rebuild rebuild;
    private final Remastering remastering;
    private final CrossNodeDeadlocks crossNodeDeadlocks;
    private final LeaseGuard leaseGuard;

    Incoming(ProtocolNode node, Copies copies, Directory directory, Rebuild rebuild, Remastering remastering,
             CrossNodeDeadlocks crossNodeDeadlocks, LeaseGuard leaseGuard) {
        this.node = node;
        this.copies = copies;
        this.directory = directory;
        this.rebuild = rebuild;
        this.remastering = remastering;
        this.crossNodeDeadlocks = crossNodeDeadlocks;
        this.leaseGuard = leaseGuard;
    }

    /**
     * Whether a request or outcome {@code from} sent in view {@code msgView} counts: its sender is
     * a member, and did not send it before the others excluded it and it came back (what it asked
     * or granted then is void). A non-member cannot inject requests.
     */
    private boolean fromLiveMember(Address from, long msgView) {
        return node.members().contains(from) && !node.sentBeforeRejoining(from, msgView);
    }

    /**
     * Lock requests to this node's master and their outcomes back to their owners: handled on
     * the receiving JGroups thread when the protocol executor is idle (they take microseconds and
     * send at most the outcomes they cause, small messages), instead of waking the protocol
     * thread for each. Anything larger (rebuild,
     * migration, lookups, owner rundown) always goes to the protocol thread, so a receiving
     * thread keeps reading while it is handled.
     */
    static boolean isSmall(byte type) {
        return type == Wire.ENQUEUE || type == Wire.CONVERT || type == Wire.DEQUEUE || type == Wire.CANCEL
                || type == Wire.GRANTED || type == Wire.FAILED || type == Wire.BLOCKING;
    }

    private static boolean isMasterRequest(byte type) {
        return type == Wire.LOOKUP || type == Wire.ENQUEUE || type == Wire.CONVERT || type == Wire.DEQUEUE
                || type == Wire.CANCEL;
    }

    /** Handles {@code in}, a lock message from {@code from} (this node itself included). */
    void handle(Address from, Wire in) {
        if (node.closed()) {
            return;
        }
        long msgView = in.viewId();
        if (remastering.hasLeft(from) && in.type() != Wire.LEAVING) {
            remastering.rejoined(from); // a new fork on the channel of one that left
        }
        switch (in.type()) {
            case Wire.REGISTER, Wire.RESEND, Wire.DONE -> rebuild.handle(from, in, msgView);
            case Wire.LEAVING -> {
                if (node.members().contains(from)) { // of any view: it sends nothing more
                    remastering.memberLeft(from);
                }
            }
            case Wire.WAITS, Wire.VICTIM -> {
                if (msgView == node.viewId() && node.members().contains(from)) {
                    crossNodeDeadlocks.handle(from, in);
                }
            }
            case Wire.MIGRATING, Wire.ACK, Wire.INSTALL, Wire.MOVED -> {
                if (msgView == node.viewId() && node.members().contains(from)) {
                    remastering.handle(from, in);
                }
            }
            case Wire.HELLO -> {
                if (node.members().contains(from)) {
                    rebuild.answerHello(from, msgView);
                }
            }
            case Wire.DROP -> {
                if (node.members().contains(from)) {
                    TreeKey tree = in.getTree();
                    directory.dropped(from, tree, in.getLong());
                    rebuild.dropped(from, tree);
                }
            }
            default -> {
                if (!fromLiveMember(from, msgView)) {
                    return;
                }
                if ((!node.serving() || remastering.anyIncoming()) && isMasterRequest(in.type())) {
                    directory.hold(() -> handle(from, in));
                    return;
                }
                long epoch = LeaseGuard.UNCHECKED;
                if (in.type() == Wire.GRANTED || in.type() == Wire.BLOCKING) {
                    epoch = leaseGuard.clearEpoch(); // before the lease check: see LeaseGuard, "Clear epoch"
                    if (!leaseGuard.letsThrough()) {
                        // no grant reaches a holder here without the lease: applied once it returns,
                        // unless its master left meanwhile (the rebuild then re-sends the request)
                        leaseGuard.hold(released -> {
                            if (fromLiveMember(from, msgView)) {
                                handleRequest(from, in, msgView, released);
                            }
                        });
                        return;
                    }
                }
                handleRequest(from, in, msgView, epoch);
            }
        }
    }

    /** {@code epoch}: the lease guard's clear epoch read before a GRANTED's lease check, which its apply checks. */
    private void handleRequest(Address from, Wire in, long msgView, long epoch) {
        MasterTable master = node.master();
        switch (in.type()) {
            case Wire.LOOKUP -> directory.answerLookup(from, in.getTree(), msgView);
            case Wire.MASTER -> directory.answered(in.getTree(), in.getInt(), in.getLong(), msgView);
            case Wire.ENQUEUE -> {
                MasterTable.OwnerRef owner = new MasterTable.OwnerRef(in.getLong(), in.getInt(), in.getInt(),
                        in.getString());
                long lockId = in.getLong();
                long parentId = in.getLong();
                LockMode mode = LockMode.ofOrdinal(in.getByte());
                int flags = in.getInt();
                long timeout = in.getLong();
                boolean handler = in.getByte() != 0;
                String resource = in.getString();
                TreeKey tree = parentId == 0 ? new TreeKey(namespaceOf(flags, owner.group()), resource) : null;
                if (tree != null && !master.trees().contains(tree)) {
                    // dropped (or given away) since the sender learned this node was its master
                    refuse(from, lockId, Wire.ENQUEUE, MasterTable.NEW_REQUEST);
                    return;
                }
                master.enqueue(from, owner, lockId, parentId, mode, flags, timeout, handler, resource, tree);
            }
            case Wire.CONVERT -> {
                long ownerId = in.getLong();
                long lockId = in.getLong();
                int conversion = in.getInt();
                LockMode mode = LockMode.ofOrdinal(in.getByte());
                int flags = in.getInt();
                long timeout = in.getLong();
                boolean handler = in.getByte() != 0;
                byte[] value = in.getBytes();
                if (master.trees().contains(in.getTree())) {
                    master.convert(from, ownerId, lockId, conversion, mode, flags, timeout, handler, value);
                } else {
                    // misrouted (the tree moved or was dropped since the owner routed it): failed
                    // here as an unknown lock, it would end while its lock is granted at the real master
                    refuse(from, lockId, Wire.CONVERT, conversion);
                }
            }
            case Wire.DEQUEUE -> master.dequeue(from, in.getLong(), in.getLong(), in.getByte(), in.getByte() != 0,
                    in.getBytes());
            case Wire.CANCEL -> {
                long ownerId = in.getLong();
                long lockId = in.getLong();
                int request = in.getInt();
                if (master.trees().contains(in.getTree())) {
                    master.cancel(from, ownerId, lockId, request); // ignored unless that request is pending here
                } else {
                    // misrouted (the tree moved or was dropped since the owner routed it): dropped,
                    // the request would wait for ever at its real master
                    refuse(from, lockId, Wire.CANCEL, request);
                }
            }
            case Wire.CLOSE -> master.closeOwner(from, in.getLong());
            case Wire.GRANTED -> {
                long lockId = in.getLong();
                int request = in.getInt();
                LockMode mode = LockMode.ofOrdinal(in.getByte());
                LockStatus status = LockStatus.values()[in.getByte()];
                long fence = in.getLong();
                byte[] value = in.getBytes();
                copies.granted(lockId, request, mode, status, fence, value, epoch);
            }
            case Wire.FAILED -> {
                long lockId = in.getLong();
                int request = in.getInt();
                LockStatus status = LockStatus.values()[in.getByte()];
                String message = in.getString();
                var report = in.getReport();
                copies.failed(lockId, request, status, message.isEmpty() ? null : message, report);
            }
            case Wire.BLOCKING -> copies.blocking(in.getLong(), LockMode.ofOrdinal(in.getByte()));
            case Wire.NOTMASTER -> copies.notMaster(in.getLong(), (byte) in.getByte(), in.getInt(), from);
            default -> LOG.log(Level.WARNING, "unknown lock message type " + in.type() + " from " + from);
        }
    }

    /** NOTMASTER to {@code from}: this node refused its {@code type} message for request {@code request} of copy {@code lockId}. */
    private void refuse(Address from, long lockId, byte type, int request) {
        node.send(from, Wire.notMaster(node.viewId(), lockId, type, request));
    }

    private static Namespace namespaceOf(int flags, int group) {
        if ((flags & (1 << LockFlag.SYSTEM.ordinal())) != 0) {
            return Namespace.SYSTEM;
        }
        return Namespace.group(group);
    }
}
