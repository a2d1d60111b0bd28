package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jgroups.Address;

/**
 * The path of this node's own requests: from its owners ({@link ClusterOwner}) to the master of
 * their tree and back to their copies ({@link ClusterLock}), as in the VMS lock manager, where a
 * node keeps its own copy of each of its locks.
 *
 * <ul>
 *   <li><b>Routing.</b> A request goes to its tree's master: at once on the caller's thread when
 *       the node routes requests and knows the master ({@link #route}, read under the node's
 *       {@link RouteGate}), otherwise on the protocol thread once the {@link Directory} knows it.
 *       {@link Namespace#LOCAL} trees are mastered here, in a table of their own
 *       ({@link #localTable()}), and never leave the node.</li>
 *   <li><b>Sending.</b> A request for a tree mastered here is a direct call on the master table
 *       (a grant made at once is applied in the same step, under the quorum lease); for another
 *       master it is a message ({@link Wire}). A request held back on this node times out here
 *       when its timeout runs out before it is sent; once sent, its master times it out. A root
 *       request, a conversion or a cancel refused by a node that no longer masters its tree
 *       (NOTMASTER) is routed again, unless its request ended meanwhile.</li>
 *   <li><b>Outcomes.</b> What the master tables decide for this node's copies is applied to them
 *       directly, and sent to the owning node for others' ({@link #newMasterTable()}); outcomes
 *       other masters send arrive through {@link #outcomes()}. Copies whose id another node may
 *       name are entered in a registry by lock id ({@link #register}) before the id leaves the
 *       node.</li>
 *   <li><b>View changes.</b> The copies in trees without a live master are the rebuild's to
 *       re-send ({@link #orphans()}, {@link CopyResend}); without quorum, copies of granted locks
 *       are dropped and waiting requests held to be sent again ({@link #dropCopiesForLostQuorum()}).</li>
 * </ul>
 *
 * <p>Thread-safe. The {@code submit} methods and {@link #ownerClosed} are called by owners'
 * threads and never block: a request either runs on the caller's thread or is handed to the
 * protocol thread, and its caller waits on its copy. Outcomes arrive on JGroups, protocol or
 * master-table threads; {@link #dropCopiesForLostQuorum()}, {@link #orphans()} and the
 * routing after a refusal run on the protocol thread. A request to a shut-down node fails with
 * {@link LockStatus#SHUTDOWN} ({@link Host#checkRunning()}); one that cannot be sent ends its
 * copy CANCELLED or TIMEOUT; tasks handed to a protocol thread or timer that has shut down are
 * dropped.
 */
final class OwnerRequests {
    private static final System.Logger LOG = System.getLogger(OwnerRequests.class.getName());

    /** What the request path reads of the node beyond its protocol state ({@link ProtocolNode}). */
    interface Host {
        /**
         * Whether requests are routed: the view has quorum and no full rebuild is under way. An
         * ordinary view change keeps it open: only the trees it affects wait.
         */
        boolean routing();

        /** Throws SHUTDOWN if the node is shut down. */
        void checkRunning();

        /** Why a request held back on this node timed out: quorum, rebuild, or its master's answer. */
        String unsentTimeout();
    }

    private final ProtocolNode node;
    private final Host host;
    private final ProtocolExecutor protocol;
    /** Runs a task on the node's protocol thread (dropped once the node is shut down). */
    private final Consumer<Runnable> onProtocol;
    private final ScheduledExecutorService timer;
    private final Directory directory;
    /**
     * Test seam, null in production: run by the thread sending a new request to another node
     * after the request was marked sent and before its ENQUEUE goes, so that a test can close the
     * owner right there. Plain, to cost the remote path nothing but a field read.
     */
    Runnable beforeRemoteEnqueue;
    private final LeaseGuard leaseGuard;
    /** What this node knows of masters; valid while {@link Host#routing()}. Shared with the {@link Directory}. */
    private final Map<TreeKey, Address> masterOf;
    /** Guards the fast path against a view change: readers route, the protocol thread pauses. */
    private final RouteGate gate;
    /** The node's open owners, by id. */
    private final Map<Long, ClusterOwner> owners;
    private final String name;
    private final Duration deadlockWait;
    /** The master table of this node's {@link Namespace#LOCAL} trees. */
    private final MasterTable localTable;
    /**
     * Copies by lock id, for outcomes arriving from other nodes: only the copies whose id another
     * node may name, entered before the id leaves this node ({@link #register}) — sent to a
     * remote master, re-sent in a rebuild, or exported with a tree this node masters. A lock of a
     * tree mastered here that never left is not entered: its master table hands its outcomes to
     * the copy itself, and every live copy is reachable through its owner ({@link #liveCopies}).
     */
    private final Map<Long, ClusterLock> copies = new ConcurrentHashMap<>();
    /** This node's address, set once the channel is connected ({@link #connected}). */
    private Address self;

    /**
     * @param onProtocol runs a task on the protocol thread, dropping it once the node is shut down
     * @param masterOf   the node's routing map (tree to master), shared with its {@link Directory}
     * @param gate       the lock {@code masterOf} is read under on the fast path
     * @param owners     the node's open owners by id (this path removes a closed one)
     * @param name       the node's name, for its master tables
     */
    OwnerRequests(ProtocolNode node, Host host, ProtocolExecutor protocol, Consumer<Runnable> onProtocol,
                  ScheduledExecutorService timer, Directory directory, LeaseGuard leaseGuard,
                  Map<TreeKey, Address> masterOf, RouteGate gate, Map<Long, ClusterOwner> owners, String name,
                  Duration deadlockWait) {
        this.node = node;
        this.host = host;
        this.protocol = protocol;
        this.onProtocol = onProtocol;
        this.timer = timer;
        this.directory = directory;
        this.leaseGuard = leaseGuard;
        this.masterOf = masterOf;
        this.gate = gate;
        this.owners = owners;
        this.name = name;
        this.deadlockWait = deadlockWait;
        this.localTable = new MasterTable(name + "-local", deadlockWait, new Replies(false));
    }

    /**
     * The channel is connected: this node's address. Called by the constructing thread before
     * the node is handed out, so every owner's thread sees it.
     */
    void connected(Address address) {
        this.self = address;
    }

    /** The master table of this node's {@link Namespace#LOCAL} trees (its outcomes go straight to the copies). */
    MasterTable localTable() {
        return localTable;
    }

    /**
     * A new, empty master table for the cluster trees this node masters: its outcomes reach this
     * node's copies directly and other nodes' as messages, grants and blocking callbacks only under
     * the quorum lease.
     */
    MasterTable newMasterTable() {
        return new MasterTable(name, deadlockWait, new Replies(true));
    }

    /** Where outcomes other masters sent for this node's copies go ({@link Incoming}). */
    Incoming.Copies outcomes() {
        return new CopyOutcomes();
    }

    /** Sends a new request; {@code timeoutNanos} is its timeout as requested (none unless positive). */
    void submitNew(ClusterLock lock, long timeoutNanos) {
        if (timeoutNanos > 0) {
            timeOutWhileUnsent(lock); // a monitor enter and a timer task saved for most requests
        }
        route(lock.tree, m -> sendNew(lock, m));
    }

    /**
     * The master enforces a request's timeout once the request reaches it; this covers a request
     * (new or conversion) held back on this node — while the cluster rebuilds its tree, lacks
     * quorum, looks up its master or moves its tree: it fails TIMEOUT when its timeout runs out
     * if it has not been sent by then (a conversion leaves the lock in its granted mode). A request
     * sent meanwhile is left to its master.
     */
    private void timeOutWhileUnsent(ClusterLock lock) {
        long left = lock.timeoutLeftNanos();
        if (left == Long.MAX_VALUE) {
            return;
        }
        java.util.concurrent.CompletableFuture<Lock> request = lock.pendingStage();
        try {
            timer.schedule(() -> {
                if (lock.isUnsent(request)) {
                    lock.failed(LockStatus.TIMEOUT, host.unsentTimeout());
                }
            }, Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "timeout dropped: the lock manager is shut down");
        }
    }

    private void sendNew(ClusterLock lock, Address m) {
        if (lock.parent == null && isSelf(m) && lock.tree.namespace().kind() != Namespace.Kind.LOCAL
                && !node.master().trees().contains(lock.tree)) {
            if (lock.isPending()) {
                onProtocol.accept(() -> notMaster(lock, Wire.ENQUEUE, MasterTable.NEW_REQUEST, self));
            }
            return;
        }
        ClusterLock.Snapshot s = beginSend(lock, m);
        if (s == null) {
            return;
        }
        long parentId = lock.parent == null ? 0 : lock.parent.id;
        if (isSelf(m)) {
            MasterTable table = tableFor(lock.tree.namespace());
            lock.makeOn(table, self, table != localTable ? leaseGuard : null, false, s.requested(), s.flags(),
                    s.timeoutNanos(), s.blockingHandler()); // the LOCAL namespace's table grants without the lease
            return;
        }
        try {
            MasterTable.OwnerRef o = lock.owner.ref();
            lock.owner.noteRemoteMaster();
            register(lock);
            Runnable seam = beforeRemoteEnqueue;
            if (seam != null) {
                seam.run();
            }
            node.send(m, Wire.message(Wire.ENQUEUE, node.viewId()).putLong(o.id()).putInt(o.group()).putInt(o.priority())
                    .putString(o.name()).putLong(lock.id).putLong(parentId).putByte(s.requested().ordinal())
                    .putInt(s.flags()).putLong(s.timeoutNanos()).putByte(s.blockingHandler() ? 1 : 0)
                    .putString(lock.name));
            if (lock.owner.isClosed()) {
                // The owner closed while this thread sent its request: its close may have told the
                // master (CLOSE, from the protocol thread) before this ENQUEUE went, which would
                // then make the owner's proxy there again, with this lock in it, for good. Told
                // again after it: each node's messages arrive in order. (An owner closed after
                // this read saw the remote master noted above, and tells the master after this.)
                node.send(m, closeMessage(o.id()));
            }
        } finally {
            endSend(lock, m, s.conversion());
        }
    }

    /**
     * The request as it goes to {@code m} (the caller sends it, then calls {@link #endSend}), or
     * null if it is not to be sent: it ended, or was cancelled or timed out before it went (it
     * fails CANCELLED or TIMEOUT here).
     */
    private ClusterLock.Snapshot beginSend(ClusterLock lock, Address m) {
        ClusterLock.Sending sending = lock.beginSend(m);
        switch (sending.verdict()) {
            case SEND:
                return sending.request();
            case CANCEL:
                lock.failed(LockStatus.CANCELLED, "cancelled before it was sent to its master");
                return null;
            case TIMEOUT:
                lock.failed(LockStatus.TIMEOUT, host.unsentTimeout());
                return null;
            default:
                return null;
        }
    }

    /**
     * Request number {@code request} went to {@code m}; a cancel that came while it was being
     * sent follows it there.
     */
    private void endSend(ClusterLock lock, Address m, int request) {
        if (lock.endSend()) {
            sendCancel(lock, m, request);
        }
    }

    /** Cancels request number {@code request} of {@code lock} at {@code m}, its tree's master, if that request is pending there. */
    private void sendCancel(ClusterLock lock, Address m, int request) {
        if (m.equals(self)) {
            tableFor(lock.tree.namespace()).cancel(self, lock.owner.id(), lock.id, request);
        } else {
            register(lock);
            node.send(m, Wire.message(Wire.CANCEL, node.viewId()).putLong(lock.owner.id()).putLong(lock.id)
                    .putInt(request).putTree(lock.tree));
        }
    }

    void submitConversion(ClusterLock lock) {
        timeOutWhileUnsent(lock);
        route(lock.tree, m -> sendConversion(lock, m));
    }

    private void sendConversion(ClusterLock lock, Address m) {
        ClusterLock.Snapshot s = beginSend(lock, m);
        if (s == null) {
            return;
        }
        try {
            byte[] value = lock.stagedValue();
            if (m.equals(self)) {
                tableFor(lock.tree.namespace()).convertOwn(self, lock.owner.id(), lock.id, lock, s.conversion(),
                        s.requested(), s.flags(), s.timeoutNanos(), s.blockingHandler(), value);
            } else {
                register(lock);
                node.send(m, Wire.message(Wire.CONVERT, node.viewId()).putLong(lock.owner.id()).putLong(lock.id)
                        .putInt(s.conversion()).putByte(s.requested().ordinal()).putInt(s.flags()).putLong(s.timeoutNanos())
                        .putByte(s.blockingHandler() ? 1 : 0).putBytes(value).putTree(lock.tree));
            }
        } finally {
            endSend(lock, m, s.conversion());
        }
    }

    void submitDequeue(ClusterLock lock, int valueLength, boolean abnormal, byte[] value) {
        unregister(lock);
        route(lock.tree, m -> {
            if (!lock.isSent()) {
                return;
            }
            if (isSelf(m)) {
                tableFor(lock.tree.namespace()).dequeue(self, lock.owner.id(), lock.id, lock.masterEntry, valueLength,
                        abnormal, value);
            } else {
                node.send(m, Wire.message(Wire.DEQUEUE, node.viewId()).putLong(lock.owner.id()).putLong(lock.id)
                        .putByte(valueLength).putByte(abnormal ? 1 : 0).putBytes(value));
            }
        });
    }

    /**
     * Sends the cancel the owner requested ({@link ClusterLock#requestCancel()}) to the tree's
     * current master, which cancels the request if it still waits; if it was granted first, its
     * GRANTED is already on the way (each master's messages arrive in order). A request never
     * sent fails CANCELLED here; one being sent right now is followed by the cancel.
     */
    void submitCancel(ClusterLock lock) {
        route(lock.tree, m -> cancelAt(lock, m));
    }

    /**
     * A rebuild re-sent {@code lock}'s cancelled request unsettled ({@link CopyResend#resend}): its
     * cancel goes again once the node serves requests, to the tree's master then, which may be a
     * live master that held the request all along or the one that installs the copy. A second
     * CANCEL is harmless (a master cancels only a request still pending); a missing one would
     * leave the request waiting for ever if it has no timeout. Protocol thread.
     */
    void cancelAfterRebuild(ClusterLock lock) {
        if (lock.cancelAgain()) {
            // held as the view change's other requests are: routed after this node's rebuild messages
            directory.hold(() -> resolve(lock.tree, m -> cancelAt(lock, m)));
        }
    }

    /** Sends the owner's cancel of {@code lock}'s pending request to {@code m}, its tree's master, if it is still needed. */
    private void cancelAt(ClusterLock lock, Address m) {
        ClusterLock.Cancel target = lock.cancelTarget(m);
        if (target == ClusterLock.NOT_SENT) {
            lock.failed(LockStatus.CANCELLED, null);
        } else if (target != null) {
            sendCancel(lock, target.master(), target.request());
        }
    }

    /**
     * The owner ran down: its proxies go too — here at once, and on the other nodes (every one,
     * since its trees may have moved) only if it ever sent a request away or a lock of it moved
     * away with its tree. A request of it being sent on another thread meanwhile is followed by a
     * CLOSE of its own ({@link #sendNew}), so no master makes the proxy again after its CLOSE.
     */
    void ownerClosed(ClusterOwner owner) {
        owners.remove(owner.id());
        localTable.closeOwner(self, owner.id());
        try {
            protocol.execute(() -> {
                node.master().closeOwner(self, owner.id());
                if (owner.usedRemoteMaster()) {
                    for (Address m : node.members()) {
                        if (!m.equals(self)) {
                            node.send(m, closeMessage(owner.id()));
                        }
                    }
                }
                // A tree moving now may reach its new master (INSTALL, from the old one) after
                // this CLOSE, with the owner's locks in it, and its proxy there would be made
                // again; the owner's dequeues for it wait here for MOVED: so does a CLOSE, after them.
                Remastering remastering = directory.remastering();
                for (TreeKey tree : remastering.movingTrees()) {
                    remastering.parkIfMoving(tree, m -> node.send(m, closeMessage(owner.id())));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node shut down meanwhile (its master table and proxies went with it): an owner
            // closed at that moment is closed, not failed
            LOG.log(Level.DEBUG, "owner close not told: the lock manager is shut down");
        }
    }

    /** CLOSE of owner {@code ownerId}: its proxy on the receiving master goes, with whatever it holds there. */
    private Wire closeMessage(long ownerId) {
        return Wire.message(Wire.CLOSE, node.viewId()).putLong(ownerId);
    }

    /**
     * Runs {@code op} with the master of {@code tree}: at once on the caller's thread when the
     * master is known and the node is ready (the fast path: no message if it is this node),
     * otherwise on the protocol thread after a directory lookup or the current rebuild.
     */
    private void route(TreeKey tree, Consumer<Address> op) {
        host.checkRunning();
        if (tree.namespace().kind() == Namespace.Kind.LOCAL) {
            op.accept(self);
            return;
        }
        // not reentrant: nothing an op does routes again, and the protocol thread holds it alone
        RouteGate.Slot slot = gate.enter();
        try {
            Address m = host.routing() ? masterOf.get(tree) : null;
            if (m != null) {
                op.accept(m);
                return;
            }
        } finally {
            gate.leave(slot);
        }
        protocol.execute(() -> resolve(tree, op));
    }

    MasterTable tableFor(Namespace namespace) {
        return namespace.kind() == Namespace.Kind.LOCAL ? localTable : node.master();
    }

    private void resolve(TreeKey tree, Consumer<Address> op) {
        directory.resolve(tree, op);
    }

    /**
     * A message of type {@code refused} (a root ENQUEUE, a CONVERT or a CANCEL) for request number
     * {@code request} of {@code lock} reached a node that does not master its tree (any more: the
     * tree was dropped or moved after the message was routed): forget that master and, if that
     * request is still pending (for a CANCEL: with its cancel requested), send the message again
     * to the master found now; else it ended meanwhile (a refusal of a request the rebuild re-sent
     * elsewhere, say) and nothing is left to do. The directory may still name the old master until
     * its DROP or MOVED arrives, so repeated refusals back off a little. A request unsent again is
     * timed again: the timer set when it was submitted may have found it sent and left it to the
     * master that refused it. A master that has the tree never refuses, so the message ends there
     * once the directory names it. Protocol thread.
     */
    private void notMaster(ClusterLock lock, byte refused, int request, Address refusedBy) {
        masterOf.remove(lock.tree, refusedBy);
        Consumer<Address> send;
        if (refused == Wire.CANCEL) {
            if (!lock.cancelAgain(request)) {
                return;
            }
            send = m -> cancelAt(lock, m);
        } else {
            if (!lock.refusedWhilePending(request)) {
                return;
            }
            timeOutWhileUnsent(lock);
            send = request == MasterTable.NEW_REQUEST ? m -> sendNew(lock, m) : m -> sendConversion(lock, m);
        }
        retryAfterRefusal(lock, () -> resolve(lock.tree, send));
    }

    /**
     * Runs {@code retry} after a refusal of {@code lock}'s request or cancel: at once the first
     * time, then after a short pause growing with the refusals (the directory may still name the
     * node that refused until its DROP or MOVED arrives).
     */
    private void retryAfterRefusal(ClusterLock lock, Runnable retry) {
        int refusals = lock.refused();
        if (refusals <= 1) {
            retry.run();
        } else {
            try {
                timer.schedule(() -> onProtocol.accept(retry), Math.min(refusals, 50), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "retry dropped: the lock manager is shut down");
            }
        }
    }

    /**
     * Applies a master's grant of request number {@code request} to {@code lock} unless a lapse's
     * clear began since the clear epoch was read at {@code epoch} (before the lease check): then
     * it is held back as if the check had failed.
     */
    private void holdUnlessGranted(ClusterLock lock, int request, long epoch, LockMode mode, LockStatus status,
                                   long fence, byte[] value) {
        if (lock.grantedAnswer(request, leaseGuard, epoch, mode, status, fence, value)) {
            leaseGuard.hold(released -> holdUnlessGranted(lock, request, released, mode, status, fence, value));
        }
    }

    /** A master's answer: request number {@code request} of {@code lock} failed. */
    private void failCopy(ClusterLock lock, int request, LockStatus status, String message,
                          dev.locksmith.lock.DeadlockReport report) {
        lock.failedAnswer(request, status, message, report);
        if (lock.isDead()) {
            unregister(lock);
        }
    }

    /** Outcomes other masters sent for this node's copies. */
    private final class CopyOutcomes implements Incoming.Copies {
        @Override
        public void granted(long lockId, int request, LockMode mode, LockStatus status, long fence, byte[] value,
                            long epoch) {
            ClusterLock lock = copies.get(lockId);
            if (lock != null) {
                holdUnlessGranted(lock, request, epoch, mode, status, fence, value);
            }
        }

        @Override
        public void failed(long lockId, int request, LockStatus status, String message,
                           dev.locksmith.lock.DeadlockReport report) {
            ClusterLock lock = copies.get(lockId);
            if (lock != null) {
                failCopy(lock, request, status, message, report);
            }
        }

        @Override
        public void blocking(long lockId, LockMode mode) {
            ClusterLock lock = copies.get(lockId);
            if (lock != null) {
                lock.blocking(mode);
            }
        }

        @Override
        public void notMaster(long lockId, byte refused, int request, Address refusedBy) {
            ClusterLock lock = copies.get(lockId);
            if (lock != null) {
                OwnerRequests.this.notMaster(lock, refused, request, refusedBy);
            }
        }
    }

    /**
     * Quorum is lost (see {@link Rebuild#dropForLostQuorum}): this node knows no master any more,
     * its copies of granted locks are dropped and their owners told, and its waiting requests are
     * held to be sent again as new ones once it serves requests again.
     */
    void dropCopiesForLostQuorum() {
        masterOf.clear();
        for (ClusterOwner owner : owners.values()) {
            List<Lock> lost = new ArrayList<>();
            for (ClusterLock lock : ClusterOwner.deepestFirst(owner.live())) {
                if (lock.tree.namespace().kind() == Namespace.Kind.LOCAL) {
                    continue;
                }
                ClusterLock.Snapshot s = lock.snapshot();
                if (s == null) {
                    continue;
                }
                boolean parentLost = lock.parent != null && lock.parent.isDead();
                if (ClusterOwner.holdsGrant(s) || parentLost) {
                    lock.abandonPending(LockStatus.CANCELLED);
                    if (lock.die()) {
                        unregister(lock);
                        lost.add(lock);
                    }
                } else if (lock.cancelRequested()) {
                    lock.failed(LockStatus.CANCELLED, "cancelled while this node lacked quorum");
                } else {
                    // its master table is gone with any grant held back for it: it waits to be
                    // sent again, or times out meanwhile
                    lock.markUnsentUntilRebuilt();
                    timeOutWhileUnsent(lock);
                    directory.hold(() -> resolve(lock.tree, m -> sendNew(lock, m)));
                }
            }
            owner.tellCleared(lost);
        }
    }

    /**
     * The trees this node holds sent copies in without knowing a live master for them: their
     * master left, or a remastering or an earlier rebuild of them was interrupted. Its copies go
     * to each tree's directory node, which drops them if a live master registers the tree.
     */
    Set<TreeKey> orphans() {
        Set<TreeKey> orphans = new HashSet<>();
        for (ClusterLock lock : liveCopies()) {
            TreeKey tree = lock.tree;
            if (tree.namespace().kind() != Namespace.Kind.LOCAL && !orphans.contains(tree)
                    && !masterOf.containsKey(tree) && !node.master().trees().contains(tree) && lock.isSent()) {
                orphans.add(tree);
            }
        }
        return orphans;
    }

    /**
     * Outcomes from a master table: applied to the copy here, or sent to the owning node. The
     * cluster table's grants and blocking callbacks go only under the quorum lease; refusals
     * always go at once (they grant nothing, and a request's timeout must still be told).
     */
    private final class Replies implements MasterTable.Replies {
        private final boolean leased;

        Replies(boolean leased) {
            this.leased = leased;
        }

        @Override
        public void granted(Address origin, long lockId, Object copy, int request, LockMode mode, LockStatus status,
                            long fence, byte[] value) {
            long epoch = leased ? leaseGuard.clearEpoch() : LeaseGuard.UNCHECKED; // before the check
            if (!leased || leaseGuard.letsThrough()) {
                grant(origin, lockId, copy, request, mode, status, fence, value, epoch);
            } else {
                leaseGuard.hold(released -> grant(origin, lockId, copy, request, mode, status, fence, value, released));
            }
        }

        /** Applies or sends a grant; one applied here is checked against the clear epoch read at {@code epoch}. */
        private void grant(Address origin, long lockId, Object copy, int request, LockMode mode, LockStatus status,
                           long fence, byte[] value, long epoch) {
            if (isSelf(origin)) {
                ClusterLock lock = copyOf(lockId, copy);
                if (lock != null) {
                    holdUnlessGranted(lock, request, epoch, mode, status, fence, value);
                }
                return;
            }
            node.send(origin, Wire.granted(node.viewId(), lockId, request, mode, status, fence, value));
        }

        @Override
        public void failed(Address origin, long lockId, Object copy, int request, LockStatus status,
                           String message, dev.locksmith.lock.DeadlockReport report) {
            if (isSelf(origin)) {
                ClusterLock lock = copyOf(lockId, copy);
                if (lock != null) {
                    failCopy(lock, request, status, message, report);
                }
                return;
            }
            node.send(origin, Wire.failed(node.viewId(), lockId, request, status, message, report));
        }

        @Override
        public void blocking(Address origin, long lockId, Object copy, LockMode blockedMode) {
            if (!leased || leaseGuard.letsThrough()) {
                block(origin, lockId, copy, blockedMode);
            } else {
                leaseGuard.hold(released -> block(origin, lockId, copy, blockedMode));
            }
        }

        private void block(Address origin, long lockId, Object copy, LockMode blockedMode) {
            if (isSelf(origin)) {
                ClusterLock lock = copyOf(lockId, copy);
                if (lock != null) {
                    lock.blocking(blockedMode);
                }
                return;
            }
            node.send(origin, Wire.message(Wire.BLOCKING, node.viewId()).putLong(lockId).putByte(blockedMode.ordinal()));
        }

        @Override
        public void exported(Object copy) {
            ClusterLock lock = (ClusterLock) copy;
            register(lock);
            lock.owner.noteRemoteMaster(); // its lock goes to another master: so must its owner's CLOSE
        }

        @Override
        public void entryMade(Object copy, MasterTable.Held entry) {
            ((ClusterLock) copy).keepEntry(entry);
        }

        @Override
        public void forEachOwnEntry(Consumer<MasterTable.Held> action) {
            for (ClusterOwner owner : owners.values()) {
                for (ClusterLock copy : owner.listed()) {
                    MasterTable.Held entry = copy.publishedEntry();
                    if (entry != null) {
                        action.accept(entry);
                    }
                }
            }
        }

        @Override
        public MasterTable.Held ownEntry(Address origin, long ownerId, long lockId, Object copy) {
            if (!isSelf(origin)) {
                return null;
            }
            ClusterLock lock = copy != null ? (ClusterLock) copy : null;
            if (lock == null) {
                ClusterOwner owner = owners.get(ownerId);
                lock = owner == null ? null : owner.find(lockId);
            }
            return lock == null ? null : lock.publishedEntry();
        }

        @Override
        public void treeEmptied(TreeKey tree) {
            if (tree.namespace().kind() == Namespace.Kind.LOCAL) {
                localTable.forgetIfEmpty(tree); // never left the node: nothing to tell anyone
            } else if (!node.closed()) {
                onProtocol.accept(() -> directory.treeEmptied(tree));
            }
        }
    }

    /**
     * Enters {@code lock} in {@link #copies} before its id leaves this node, so the outcomes other
     * nodes send for it find it. Idempotent; a dead copy is not entered (nothing will be told about it).
     */
    void register(ClusterLock lock) {
        lock.registered = true;
        if (copies.putIfAbsent(lock.id, lock) == null && lock.isDead()) {
            copies.remove(lock.id, lock); // died meanwhile: its dequeue may have missed the entry
        }
    }

    /**
     * Takes a dead copy out of {@link #copies}; nothing to do (not even a map operation, which
     * the local path would pay on every dequeue) if it never entered.
     */
    private void unregister(ClusterLock lock) {
        if (lock.registered) {
            copies.remove(lock.id, lock);
        }
    }

    /** Every live copy of this node, owner by owner (a snapshot). */
    List<ClusterLock> liveCopies() {
        List<ClusterLock> all = new ArrayList<>();
        for (ClusterOwner owner : owners.values()) {
            all.addAll(owner.live());
        }
        return all;
    }

    /** This node's copy {@code lockId}: {@code copy} when the master table had it, else looked up (null: gone). */
    private ClusterLock copyOf(long lockId, Object copy) {
        return copy != null ? (ClusterLock) copy : copies.get(lockId);
    }

    /** Whether {@code node} is this node (a reference comparison first: the fast path asks on every request). */
    private boolean isSelf(Address node) {
        return node == self || node.equals(self);
    }
}
