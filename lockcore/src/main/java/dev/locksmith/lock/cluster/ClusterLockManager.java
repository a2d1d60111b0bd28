package dev.locksmith.lock.cluster;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.TreeActivity;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.View;

/**
 * The cluster-wide lock manager: the {@link LockManager} contract over a JGroups cluster, after
 * the OpenVMS distributed lock manager.
 *
 * <ul>
 *   <li><b>Directory.</b> Each resource tree (a root resource and its sublocks) has a directory
 *       node, chosen by weighted rendezvous hashing of (namespace, root name) over the current
 *       view; a node's weight is its {@link Builder#directoryWeight} (0 = holds no entries unless
 *       every node has 0; {@link DirectoryHash}). The directory records the tree's master: the first
 *       node that asked ({@link Directory}).</li>
 *   <li><b>Masters.</b> Each node runs one embedded engine ({@link MasterTable}) for the trees it
 *       masters. Other nodes' owners appear there as proxy owners; their requests arrive as
 *       messages ({@link Wire}) and outcomes, blocking callbacks and value blocks go back. A node
 *       keeps its own copy of each of its locks: the {@link Lock} its user sees; its requests go
 *       to their masters and their outcomes come back by {@link OwnerRequests}.</li>
 *   <li><b>Zero messages for a node's own trees.</b> After the first directory lookup (none when
 *       this node is the directory node), requests on a tree mastered here are direct calls.
 *       {@link Namespace#LOCAL} trees never leave the node and never touch the directory.</li>
 *   <li><b>Rebuild.</b> On a view change only the affected trees wait. Locks of departed nodes
 *       are aborted on their masters (their waiters are granted, their PW/EX value blocks become
 *       not valid); masters re-register their trees with the (new) directory nodes; every
 *       survivor re-sends its copies in trees it knows no live master for to the tree's directory
 *       node ({@link CopyResend}), which masters it and installs granted, then converting, then waiting locks once
 *       every member reported done, smallest trees first. Meanwhile trees mastered by survivors
 *       keep granting, and directory entries of live masters keep being answered; only lookups
 *       of trees without an entry wait for the rebuild. The first view, regained quorum and
 *       merges rebuild everything with all requests held ({@link Rebuild}).</li>
 *   <li><b>Empty trees.</b> When a tree's last lock goes (after {@link Builder#emptyTreeRetention}),
 *       its master forgets it and sends DROP to its directory node, which forgets the entry.
 *       A root request still sent to the old master is refused (NOTMASTER) and looked up again,
 *       so a request racing with the drop makes exactly one new master.</li>
 *   <li><b>Remastering</b> (as VMS 5.5–6.1 did it). Each master counts requests per tree and requesting node
 *       and folds them every second into the smoothed activity {@code act -= (act - new) / 8}.
 *       When another node's activity beats the master's by the remaster margin
 *       ({@link Builder#remasterWeight}), the tree moves: every member parks its requests for it
 *       and acknowledges (so none is in flight to the old master), the old master exports the
 *       queues in order with their value blocks and drops them without granting anything, the
 *       new master installs them and announces itself (MOVED), and every member sends the parked
 *       requests there. A view change before that announcement leaves the tree to the rebuild:
 *       the new master registers it if it installed it, otherwise the members' copies rebuild it
 *       ({@link Remastering}).</li>
 *   <li><b>Deadlocks.</b> Each engine finds cycles among the requests it masters. For cycles
 *       across masters, every master reports the requests that waited the deadlock wait to the
 *       view's coordinator, which fails one waiter per cycle with DEADLOCK (lowest deadlock
 *       priority first; {@link CrossNodeDeadlocks}).</li>
 *   <li><b>Security.</b> With {@link Builder#sharedSecret} or {@link Builder#keyStore} every
 *       message is encrypted and authenticated by JGroups' SYM_ENCRYPT; a node without the key
 *       stays outside ({@link ClusterSecurity}).</li>
 *   <li><b>Quorum.</b> A view holding fewer than {@code expectedVotes / 2 + 1} nodes grants
 *       nothing: the node drops the trees it mastered and its copies of granted locks (owners'
 *       {@link dev.locksmith.lock.ClearListener}s are told, as the majority frees them), holds
 *       every request until quorum returns (requests with a timeout time out), then re-sends its
 *       waiting requests as new ones.</li>
 *   <li><b>Quorum lease.</b> A minority learns it is one only when its failure detector excludes
 *       the majority, seconds later. So a master grants only while it holds a {@link QuorumLease}:
 *       a majority of the expected votes answered one of its pings (sent every quarter of the
 *       {@link Builder#quorumLease} term) within the term. Without it, grants and blocking
 *       callbacks wait, in order, until the lease returns or the view changes (a refused or timed
 *       out request is still told at once), both those its masters make and those other masters
 *       send to its copies; and the moment it runs out, the node clears its own granted locks
 *       (abnormal dequeues; clear listeners are told). The survivors of a view change wait,
 *       before they free the departed nodes' locks or rebuild their trees, until every lease
 *       their answers gave those nodes has run out, plus a fifth of the term (each member's DONE
 *       says how long that is for it), so a cut-off node's holders have let go, and its last
 *       grants are over, before anyone else grants against them. Pings and their answers carry the
 *       view they were sent in and count only there, so a node that was paused (a long GC,
 *       SIGSTOP) while the others excluded it regains no lease in the view it missed; if it
 *       merges back with its lease run out, it gives up its trees and the grants held back for
 *       the lease, as a minority does, since the others may have rebuilt those trees meanwhile.
 *       Lock messages a node sent before the others excluded it (a grant it checked against its
 *       lease just before it was paused, say), arriving only after it merged back, are dropped:
 *       what they asked or granted is void, its trees rebuilt from the owners' copies.
 *       Fencing tokens ({@link Lock#fencingToken()}) keep growing across all of this. The
 *       node's side of the lease is {@link LeaseGuard}.</li>
 *   <li><b>Channel.</b> A node makes its own JGroups channel from a stack, or rides a fork of a
 *       channel the caller owns ({@link Builder#channel}), sharing its transport and membership
 *       ({@link ClusterChannel}). A node making its own channel announces the lock wire version
 *       it speaks ({@link Wire#VERSION}) in its address; a member of another version is refused
 *       with an error naming both versions and takes no part in the lock cluster (quorum,
 *       directory, rebuild), rather than have its messages misread. (A fork's address is the
 *       main channel's and announces none: there the version travels in each member's DONE, and
 *       a fork of another version is refused from the moment its DONE arrives, left out of the
 *       next view installed; the rebuild of the view it joined in waits until it leaves.) A
 *       fork's close leaves the view as it is, so before its fork closes the node closes its
 *       owners, hands the trees it masters to other members ({@link Remastering#handOverAll}), and
 *       tells them it leaves (LEAVING), so that no later move waits for it; its share of the
 *       directory and its part of later rebuilds stay its until its main channel leaves.</li>
 * </ul>
 *
 * <p><b>Ordering.</b> The protocol relies on JGroups delivering the messages of one sender to
 * one receiver in the order they were sent, without loss, while both stay in the view (UNICAST3
 * over TCP), and on nothing across senders: a request reaches the master after the request
 * sent before it by the same node; a node's REGISTER and RESEND messages reach their directory
 * node before its DONE; GRANTED reaches the owner before the answer to a later CANCEL; a
 * master's DROP reaches the directory node before any later LOOKUP or REGISTER of that master.
 * Races between senders (a directory answer and a master's DROP, a new master's MOVED and a
 * directory answer) are settled by NOTMASTER refusals and by re-resolving after view changes.
 *
 * <p>Thread-safe. Synchronous requests block their caller until the master answers (the thread
 * that handles the answer wakes the caller directly). Incoming messages ({@link Incoming}) and
 * view changes are handled one at a time, in order, by the protocol executor
 * ({@link ProtocolExecutor}): on its thread, or — for a lock request or outcome arriving while nothing else is queued — on the
 * JGroups thread that received it, which saves a thread hand-off per remote message. Callbacks
 * and completions run on one callback thread, never while internal locks are held, and never on
 * JGroups or protocol threads (a request's completion stage that {@link Lock#completion()} never
 * handed out has no user code to run: the thread that ends the request completes it). Errors are
 * {@link LockException}s with a status naming the bad argument; requests to a closed manager
 * fail with {@link LockStatus#SHUTDOWN}.
 */
public final class ClusterLockManager implements LockManager, ClusterLockManagerMXBean {
    private static final System.Logger LOG = System.getLogger(ClusterLockManager.class.getName());

    private final String name;
    private final int expectedVotes;
    private final ClusterChannel channel;
    private final Address self;
    private final MasterTable localTable;
    private volatile MasterTable master;
    private final Duration deadlockWait;
    private final ProtocolExecutor protocol;
    private final ExecutorService callbacks;
    /** The cross-node deadlocks this node broke as the view's coordinator (issue 18). */
    private final dev.locksmith.lock.engine.DeadlockLog deadlocks;
    private final ScheduledExecutorService timer;
    private final AdminCapability adminCapability = AdminCapability.issuedBy(this);
    /**
     * This manager's lock and owner ids count up from its start time, in milliseconds since the
     * epoch times 2<sup>20</sup>, rather than from 0: a manager made again on the same address
     * (a fork of a channel it shares, whose view does not change when the fork closes) never
     * names a lock or owner as the one before it did, so a late message for the old one's lock
     * (a GRANTED or BLOCKING still on its way) or an old proxy on a master matches nothing of the
     * new one. Ids of two managers made one after the other could meet only if the first made
     * more than 2<sup>20</sup> ids per millisecond of its life, or the clock went back between.
     */
    private final long firstId = System.currentTimeMillis() << 20;
    private final AtomicLong lockIds = new AtomicLong(firstId);
    private final AtomicLong ownerIds = new AtomicLong(firstId);
    private final ConcurrentSkipListMap<Long, ClusterOwner> owners = new ConcurrentSkipListMap<>();
    /** What this node knows of masters; valid while {@link #open}. */
    private final Map<TreeKey, Address> masterOf = new ConcurrentHashMap<>();
    /** Guards the fast path against a view change: readers route, the protocol thread pauses. */
    private final RouteGate gate = new RouteGate();
    /**
     * Whether requests are routed: the view has quorum and no full rebuild is under way (first
     * view, quorum regained, merge). An ordinary view change keeps it open: only the trees it
     * affects wait.
     */
    private volatile boolean open;
    /** Whether the node is open and the rebuild for its current view is complete. */
    private volatile boolean ready;
    private volatile boolean closed;
    /**
     * Fork mode: {@link #close()} began, before the fork closes: no new owner is made, and the
     * node takes no tree for load; it goes on answering the others while it hands its trees on.
     */
    private volatile boolean closing;
    /** Fork mode: this node told the others it leaves (LEAVING), its last message: it sends none after it. */
    private volatile boolean saidLeaving;
    private final CountDownLatch firstView = new CountDownLatch(1);
    /** The lock wire version this node speaks ({@link Wire#VERSION} but in tests). */
    private final int wireVersion;
    /** Members of the view refused for speaking another wire version, each logged once; protocol thread. */
    private final Set<Address> refused = new HashSet<>();
    /**
     * Fork mode: members whose DONE announced another wire version (see {@link RebuildHost#refusesVersion});
     * nothing they send is read. Written on the protocol thread, read by the receiving threads.
     */
    private final Set<Address> refusedForks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // ---- the installed view: written on the protocol thread by the view change (RebuildHost) ------
    private List<Address> members = List.of();
    private volatile long viewId = -1;
    /** The size of {@link #members}, for threads other than the protocol thread. */
    private volatile int viewSize;
    private volatile boolean quorum;
    /** Members that came back after the others excluded them: what they sent before is void. */
    private final Rejoins rejoins = new Rejoins();

    private final QuorumLease lease;
    private final LeaseGuard leaseGuard;
    /** This node as its protocol concerns and its request path see it. */
    private final Node node = new Node();
    /** The path of this node's own requests to their masters and back to their copies. */
    final OwnerRequests requests;
    private final CrossNodeDeadlocks crossNodeDeadlocks;
    private final LongAdder messagesSent = new LongAdder();
    private final Remastering remastering;
    /** The owning side of a rebuild: this node's copies in trees whose master left go to their directory nodes. */
    private final CopyResend copyResend;
    /** Which node masters each tree: lookups, directory entries, empty trees. */
    private final Directory directory;
    /** View changes and the rebuilds they start. */
    private final Rebuild rebuild;
    /** Incoming lock messages, each to the concern it belongs to. */
    private final Incoming incoming;
    /** New requests and dequeues of locks whose tree this node masters, made by the caller's thread. */
    private final LocalPath localPath;

    private ClusterLockManager(Builder b) throws Exception {
        String stackXml = b.mainChannel == null ? b.stackXml() : null;
        this.name = b.nodeName;
        this.expectedVotes = b.expectedVotes();
        this.deadlockWait = b.deadlockWait;
        this.protocol = new ProtocolExecutor(daemon("locksmith-cluster-" + name));
        this.callbacks = Executors.newSingleThreadExecutor(daemon("locksmith-callbacks-" + name));
        this.deadlocks = new dev.locksmith.lock.engine.DeadlockLog(callbacks);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("locksmith-cluster-timer-" + name));
        this.lease = new QuorumLease(b.quorumLease.toNanos(), expectedVotes);
        this.crossNodeDeadlocks = new CrossNodeDeadlocks(node, deadlockWait.toNanos(), deadlocks);
        this.directory = new Directory(node, masterOf, gate, b.remasterWeight, b.emptyTreeRetention.toNanos());
        this.remastering = directory.remastering();
        this.channel = b.mainChannel != null ? ClusterChannel.fork(b.mainChannel, b.forkStackId, b.forkChannelId)
                : ClusterChannel.own(stackXml, name, b.directoryWeight, b.remasterWeight, b.clusterKey, b.wireVersion);
        this.wireVersion = b.wireVersion;
        this.leaseGuard = new LeaseGuard(name, lease, channel, this::executeOnProtocol, () -> closed,
                this::clearGrantsForLapsedLease);
        this.requests = new OwnerRequests(node, node, protocol, this::executeOnProtocol, timer, directory, leaseGuard,
                masterOf, gate, owners, name, deadlockWait);
        this.localTable = requests.localTable();
        this.master = requests.newMasterTable();
        this.copyResend = new CopyResend(node, requests::register, requests::cancelAfterRebuild);
        this.rebuild = new Rebuild(node, new RebuildHost(), directory, crossNodeDeadlocks, lease, leaseGuard,
                this::executeOnProtocol, timer, expectedVotes);
        this.incoming = new Incoming(node, requests.outcomes(), directory, rebuild, remastering, crossNodeDeadlocks,
                leaseGuard);
        channel.connect(b.clusterName, protocol, new ClusterChannel.Handler() {
            @Override
            public boolean leaseMessage(Address from, Wire in) {
                return isRefusedFork(from) || leaseGuard.handle(from, in); // a refused fork's: dropped
            }

            @Override
            public void message(Address from, Wire in) {
                if (!isRefusedFork(from)) {
                    incoming.handle(from, in);
                }
            }

            @Override
            public void view(View view) {
                rebuild.onView(view);
            }

            @Override
            public boolean isSmall(byte type) {
                return Incoming.isSmall(type);
            }
        });
        this.self = channel.address();
        requests.connected(self);
        this.localPath = new LocalPath(self, gate, masterOf, () -> open, () -> master, leaseGuard);
        if (channel.isFork()) {
            // members whose fork was not there yet dropped this node's part of the current
            // rebuild and it theirs: each asks the others once for theirs (see Rebuild#answerHello)
            protocol.execute(rebuild::sayHello);
        }
        timer.scheduleAtFixedRate(() -> protocol.execute(this::foldActivity), 1, 1, TimeUnit.SECONDS);
        leaseGuard.start(timer, b.quorumLease.toNanos());
        if (!deadlockWait.isZero()) {
            long period = Math.max(deadlockWait.toMillis(), 100);
            timer.scheduleAtFixedRate(() -> protocol.execute(crossNodeDeadlocks::reportWaits), period, period,
                    TimeUnit.MILLISECONDS);
        }
        if (!firstView.await(b.joinTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            channel.close();
            throw new LockException(LockStatus.SHUTDOWN, "node '" + name + "' did not finish joining cluster '"
                    + b.clusterName + "' within " + b.joinTimeout);
        }
    }

    /** A builder for a cluster node. */
    public static Builder builder() {
        return new Builder();
    }

    private static java.util.concurrent.ThreadFactory daemon(String threadName) {
        return r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- LockManager ----------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockOwner newOwner(String ownerName, int group, int deadlockPriority) {
        if (ownerName == null) {
            throw new LockException(LockStatus.BADPARAM, "name must not be null");
        }
        checkRunning();
        if (closing) {
            throw new LockException(LockStatus.SHUTDOWN, "the lock manager is shutting down");
        }
        ClusterOwner owner = new ClusterOwner(this, ownerIds.incrementAndGet(), ownerName, group, deadlockPriority);
        owners.put(owner.id(), owner);
        return owner;
    }

    /** Every lock mastered on this node, cluster trees then LOCAL ones (proxy owners are named owner@node). */
    @Override
    public List<LockInfo> locks() {
        List<LockInfo> all = new ArrayList<>(master.engine().locks());
        all.addAll(localTable.engine().locks());
        return all;
    }

    /** Every resource mastered on this node. */
    @Override
    public List<ResourceInfo> resources() {
        List<ResourceInfo> all = new ArrayList<>(master.engine().resources());
        all.addAll(localTable.engine().resources());
        return all;
    }

    /** The resource, if mastered on this node. */
    @Override
    public Optional<ResourceInfo> resource(Namespace namespace, List<String> path) {
        if (namespace == null) {
            throw new LockException(LockStatus.BADPARAM, "namespace must not be null");
        }
        return requests.tableFor(namespace).engine().resource(namespace, path);
    }

    /** Counters of the engines mastering trees on this node (cluster and LOCAL trees summed). */
    @Override
    public LockStatistics statistics() {
        LockStatistics a = master.engine().statistics();
        LockStatistics b = localTable.engine().statistics();
        return new LockStatistics(a.newRequests() + b.newRequests(), a.conversions() + b.conversions(),
                a.dequeues() + b.dequeues(), a.waits() + b.waits(), a.notQueued() + b.notQueued(),
                a.timeouts() + b.timeouts(), a.cancels() + b.cancels(), a.deadlockSearches() + b.deadlockSearches(),
                a.deadlockVictims() + b.deadlockVictims(), a.blockingCallbacks() + b.blockingCallbacks(),
                a.resources() + b.resources(), a.locks() + b.locks());
    }

    /** The cluster counters: messages, lookups, rebuilds, trees mastered, quorum and lease. */
    public ClusterStatistics clusterStatistics() {
        return new ClusterStatistics(getMessagesSent(), getMessagesReceived(), getDirectoryLookups(), getRebuilds(),
                getRemasters(), getTreesMastered(), getDirectoryEntries(), quorum, lease.isHeld());
    }

    @Override
    public boolean isLeaseHeld() {
        return lease.isHeld();
    }

    @Override
    public long getMessagesSent() {
        return messagesSent.sum();
    }

    @Override
    public long getMessagesReceived() {
        return channel.received();
    }

    @Override
    public long getDirectoryLookups() {
        return directory.lookups();
    }

    @Override
    public long getRebuilds() {
        return rebuild.rebuilds();
    }

    @Override
    public long getRemasters() {
        return remastering.remasters();
    }

    @Override
    public int getTreesMastered() {
        return master.trees().size();
    }

    @Override
    public int getDirectoryEntries() {
        return directory.entries();
    }

    @Override
    public boolean isQuorum() {
        return quorum;
    }

    @Override
    public List<TreeActivity> hottestTrees(int n) {
        List<TreeActivity> all = new ArrayList<>(master.engine().hottestTrees(n));
        all.addAll(localTable.engine().hottestTrees(n));
        all.sort(Comparator.comparingDouble(TreeActivity::perSecond).reversed());
        return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
    }

    @Override
    public List<LockOwner> owners() {
        return new ArrayList<>(owners.values());
    }

    /** The cross-node deadlocks this node broke while it coordinated the view. */
    @Override
    public List<dev.locksmith.lock.DeadlockReport> recentDeadlocks() {
        return deadlocks.recent();
    }

    @Override
    public void addDeadlockListener(java.util.function.Consumer<dev.locksmith.lock.DeadlockReport> listener) {
        deadlocks.addListener(listener);
    }

    @Override
    public void removeDeadlockListener(java.util.function.Consumer<dev.locksmith.lock.DeadlockReport> listener) {
        deadlocks.removeListener(listener);
    }

    @Override
    public AdminCapability adminCapability() {
        return adminCapability;
    }

    /** Clears lock {@code lockId} of an owner of this node (the id its {@link Lock} shows). */
    @Override
    public int clearLock(AdminCapability capability, long lockId) {
        AdminCapability.check(capability, this);
        for (ClusterOwner owner : owners.values()) {
            ClusterLock lock = owner.find(lockId);
            if (lock != null && !lock.isDead()) {
                return lock.owner.clear(lock);
            }
        }
        throw new LockException(LockStatus.IVLOCKID, "lockId: no live lock of this node has id " + lockId);
    }

    @Override
    public int clearOwner(AdminCapability capability, long ownerId) {
        AdminCapability.check(capability, this);
        ClusterOwner owner = owners.get(ownerId);
        if (owner == null) {
            throw new LockException(LockStatus.BADPARAM, "ownerId: no open owner has id " + ownerId);
        }
        return owner.clear(null);
    }

    /** Trees whose master this node knows (a cache, kept while a copy here uses the tree); for tests. */
    int knownMasters() {
        return masterOf.size();
    }

    /** For tests: returns once this node's timer has run every task that was due when called. */
    void awaitDueTimerTasks() throws Exception {
        timer.schedule(() -> { }, 0, TimeUnit.NANOSECONDS).get(30, TimeUnit.SECONDS);
    }

    /** This node's JGroups address. */
    public Address address() {
        return self;
    }

    /** The members of the view this node last rebuilt for (those of its lock wire version: see the class comment). */
    public List<Address> members() {
        return onProtocolThread(() -> List.copyOf(members));
    }

    /** Whether the node is serving requests: its view has quorum and the last rebuild finished. */
    public boolean isReady() {
        return ready;
    }

    /** The JGroups channel, for tests and tools that inject faults; do not send on it. */
    public JChannel channel() {
        return channel.jgroups();
    }

    /** Leaves the cluster and shuts down: pending requests fail with SHUTDOWN. Idempotent. */
    @Override
    public void close() {
        shutdown(false);
    }

    /**
     * Simulates a crash for tests: the channel stops without leaving, so the others find the node
     * dead; this node handles no view or message from then on, and shuts down as {@link #close()}
     * does.
     */
    public void crashForTest() {
        shutdown(true);
    }

    private synchronized void shutdown(boolean crash) {
        if (closed) {
            return;
        }
        if (!crash && channel.isFork()) {
            closing = true;
            closeOwnersBeforeTheForkCloses();
            handOverTreesBeforeTheForkCloses();
            sayLeaving();
        }
        closed = true;
        open = false;
        ready = false;
        if (crash) {
            channel.crash();
        } else {
            channel.close();
        }
        protocol.shutdownNow();
        for (ClusterLock lock : requests.liveCopies()) {
            lock.abandonPending(LockStatus.SHUTDOWN);
        }
        master.discard();
        localTable.discard();
        timer.shutdownNow();
        callbacks.shutdown();
    }

    /**
     * Fork mode: the others see no view change when this node's fork closes (its main channel
     * stays), so they would keep its locks granted on their masters until that channel leaves.
     * Its owners are closed first, as their users would (their locks dequeued, their proxies
     * dropped), and the protocol thread's queue is drained, for at most
     * {@value #FORK_CLOSE_DRAIN_SECONDS} s, so that those messages leave before the fork closes.
     */
    private void closeOwnersBeforeTheForkCloses() {
        for (ClusterOwner owner : List.copyOf(owners.values())) {
            try {
                owner.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, name + ": closing owner " + owner.name() + " before the fork closes failed", e);
            }
        }
        awaitOnProtocol(CountDownLatch::countDown, FORK_CLOSE_DRAIN_SECONDS,
                "the owners' dequeues were not all sent within " + FORK_CLOSE_DRAIN_SECONDS + " s; the fork closes anyway");
    }

    private static final int FORK_CLOSE_DRAIN_SECONDS = 5;

    /**
     * Fork mode, once the owners are closed: the others see no view change when this node's fork
     * closes, so the trees it masters would not be rebuilt, and requests for them (the others'
     * waiters, new requests, conversions) would wait until its main channel leaves. So it hands
     * them to other members first, each as a move for load does ({@link Remastering#handOverAll}):
     * the locks, queues, value blocks and fencing tokens go as they are, with nothing granted
     * twice, since the members hold their requests for a tree until its new master announces
     * itself. At most {@value #HANDOVER_IN_FLIGHT} trees move at a time; a rebuild under way (a
     * view change) is waited for, and the trees it leaves here are handed on after it. If not all
     * are handed on within {@value #FORK_CLOSE_HANDOVER_SECONDS} s, the fork closes anyway (logged):
     * those trees wait for the main channel to leave, as before.
     */
    private void handOverTreesBeforeTheForkCloses() {
        awaitOnProtocol(this::handOverStep, FORK_CLOSE_HANDOVER_SECONDS, "not every tree mastered here was handed"
                + " to another member within " + FORK_CLOSE_HANDOVER_SECONDS + " s; the fork closes anyway, and the"
                + " trees left wait for its main channel to leave");
    }

    /**
     * One step of the hand-over, on the protocol thread: done once nothing is mastered here (a
     * node without quorum masters nothing), else the next trees start moving and the step runs
     * again shortly; while a rebuild is under way, only the latter.
     */
    private void handOverStep(CountDownLatch handedOver) {
        if (closed) {
            return;
        }
        if (!quorum || (ready && remastering.handOverAll(HANDOVER_IN_FLIGHT))) {
            handedOver.countDown();
            return;
        }
        try {
            timer.schedule(() -> executeOnProtocol(() -> handOverStep(handedOver)), HANDOVER_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "hand-over step dropped: the lock manager is shut down");
        }
    }

    /**
     * Fork mode, last: tells the others (LEAVING) that this node sends nothing more, so that their
     * moves of trees wait for no ACK of it and go to it no more ({@link Remastering#memberLeft});
     * without it, every later move would wait for it until its main channel leaves, its tree's
     * requests held meanwhile. Nothing is sent after it. Waits, for at most
     * {@value #FORK_CLOSE_DRAIN_SECONDS} s, until it went.
     */
    private void sayLeaving() {
        awaitOnProtocol(said -> {
            for (Address m : members) {
                if (!m.equals(self)) {
                    send(m, Wire.message(Wire.LEAVING, viewId));
                }
            }
            saidLeaving = true;
            said.countDown();
        }, FORK_CLOSE_DRAIN_SECONDS, "LEAVING was not sent within " + FORK_CLOSE_DRAIN_SECONDS
                + " s; the fork closes anyway");
    }

    /**
     * A step of the fork's close: runs {@code step} on the protocol thread, which counts the latch
     * it is given down when it is done (perhaps from a later task), and waits for that for at most
     * {@code seconds}; if it was not done by then, logs {@code notDone} and returns, as the close
     * goes on regardless. Returns at once if the protocol thread has shut down or the caller is
     * interrupted (the flag stays set for the caller).
     */
    private void awaitOnProtocol(java.util.function.Consumer<CountDownLatch> step, int seconds, String notDone) {
        CountDownLatch done = new CountDownLatch(1);
        try {
            protocol.execute(() -> step.accept(done));
            if (!done.await(seconds, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, name + ": " + notDone);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closes at once; the flag stays for the caller
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "close step dropped: the lock manager is shut down");
        }
    }

    private static final int FORK_CLOSE_HANDOVER_SECONDS = 10;
    private static final int HANDOVER_IN_FLIGHT = 64;
    private static final int HANDOVER_POLL_MILLIS = 10;

    @Override
    public String toString() {
        return "ClusterLockManager[" + name + "]";
    }

    // ---- for this node's owners and copies ----------------------------------------------------

    long nextLockId() {
        return lockIds.incrementAndGet();
    }

    LocalPath localPath() {
        return localPath;
    }

    /** This node's master table of cluster trees (tests reach its seam through it). */
    MasterTable masterTable() {
        return master;
    }

    /** This node's lease guard (tests reach its seam through it). */
    LeaseGuard leaseGuard() {
        return leaseGuard;
    }

    void checkRunning() {
        if (closed) {
            throw new LockException(LockStatus.SHUTDOWN, "the lock manager is shut down");
        }
    }

    void deliver(Runnable task) {
        try {
            callbacks.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, "lock callback failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "callback dropped: the lock manager is shut down");
        }
    }

    /**
     * Why a request timed out before it reached a master: waiting for quorum (the view is too
     * small for the expected votes), for the rebuild of a new view, or for its master's answer.
     */
    private String unsentTimeout() {
        if (!quorum) {
            int size = viewSize;
            return "timed out waiting for quorum: the view has " + size + " node" + (size == 1 ? "" : "s") + " of the "
                    + (expectedVotes / 2 + 1) + " needed (expectedVotes " + expectedVotes + ")";
        }
        return ready ? "timed out before it could be sent to its master"
                : "timed out while the cluster rebuilt its lock database after a view change";
    }

    // ---- protocol thread -----------------------------------------------------------------------

    private void executeOnProtocol(Runnable task) {
        try {
            protocol.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "task dropped: the lock manager is shut down");
        }
    }

    /** Every second: the trees' activity, then the trees that stayed empty go, then perhaps a tree moves. */
    private void foldActivity() {
        if (closed) {
            return;
        }
        remastering.fold();
        directory.dropEmptyTrees(requests::liveCopies);
        if (ready && !closing) {
            remastering.moveOneIfWorthIt();
        }
    }

    /** What a view change changes here: routing, the master table, this node's copies. */
    private final class RebuildHost implements Rebuild.Host {
        /**
         * The trees whose master this node knew and that left in the view change under way (none
         * after a merge, whose other side may still master them): their copies go to the
         * rebuild marked so ({@link CopyResend#resend}).
         */
        private Set<TreeKey> mastersLost = Set.of();

        @Override
        public void install(View view, List<Address> now, boolean partial, boolean nowQuorum) {
            long stamp = gate.writeLock();
            try {
                ready = false;
                open = partial;
                long id = view.getViewId().getId();
                rejoins.viewInstalled(members, now, id, nowQuorum);
                members = now;
                viewSize = now.size();
                viewId = id;
                // trees whose master left: this node's requests for them wait for the rebuild. After a
                // merge, any other member may have given up its trees (its masters were stale), so
                // every copy here is re-sent; the directory drops those of trees a master registers.
                boolean merge = view instanceof MergeView;
                Set<TreeKey> lost = new HashSet<>();
                masterOf.entrySet().removeIf(e -> {
                    boolean forget = merge ? !e.getValue().equals(self) : !now.contains(e.getValue());
                    if (forget && !merge) {
                        lost.add(e.getKey());
                    }
                    return forget;
                });
                mastersLost = lost;
            } finally {
                gate.unlockWrite(stamp);
            }
            quorum = nowQuorum;
        }

        @Override
        public void serve() {
            open = true;
            ready = true;
            firstView.countDown();
        }

        @Override
        public void joined() {
            firstView.countDown();
        }

        @Override
        public Address address() {
            return channel.address();
        }

        @Override
        public List<Address> lockMembers(View view) {
            List<Address> all = view.getMembers();
            if (channel.isFork()) {
                // the main channel's addresses announce no version: the members' DONEs do
                refusedForks.retainAll(all);
                return all.stream().filter(m -> !refusedForks.contains(m)).toList();
            }
            List<Address> speaking = new ArrayList<>(all.size());
            for (Address m : all) {
                if (!refuses(m)) {
                    speaking.add(m);
                } else if (refused.add(m)) {
                    logRefusal(m, ClusterChannel.wireVersion(m));
                }
            }
            refused.retainAll(all);
            return List.copyOf(speaking);
        }

        private void logRefusal(Address member, int theirs) {
            LOG.log(Level.ERROR, name + ": member " + member + " is refused: it speaks lock wire version " + theirs
                    + (theirs == 0 ? " (none announced: an older build)" : "") + ", this node version "
                    + wireVersion + ". Nodes of different versions cannot share a lock cluster: it takes no"
                    + " part in this node's quorum, directory or rebuild, and its messages are not read"
                    + (channel.isFork() ? " (fork mode: from the next view on; this view's rebuild waits until it"
                            + " leaves the channel)" : ""));
        }

        @Override
        public boolean refuses(Address member) {
            return channel.isFork() ? isRefusedFork(member) : ClusterChannel.wireVersion(member) != wireVersion;
        }

        @Override
        public int wireVersion() {
            return wireVersion;
        }

        @Override
        public boolean refusesVersion(Address member, int version) {
            if (!channel.isFork() || version == wireVersion) {
                return false; // a node's own channel: its address announced its version (lockMembers)
            }
            if (refusedForks.add(member)) {
                logRefusal(member, version);
            }
            return true;
        }

        @Override
        public MasterTable replaceMaster() {
            MasterTable old = master;
            master = requests.newMasterTable();
            return old;
        }

        @Override
        public void dropCopies() {
            requests.dropCopiesForLostQuorum();
        }

        @Override
        public List<MasterTable.Resend> resendOrphans() {
            return copyResend.resend(owners.values(), requests.orphans(), mastersLost);
        }
    }

    /** Whether {@code member} is a fork refused for its wire version (cheap while none is). */
    private boolean isRefusedFork(Address member) {
        return !refusedForks.isEmpty() && refusedForks.contains(member);
    }

    /** The directory node of {@code tree} in this node's view (see {@link DirectoryHash}). */
    private Address directoryOf(TreeKey tree) {
        return DirectoryHash.nodeOf(tree, members);
    }

    private void send(Address to, Wire w) {
        if (saidLeaving) {
            return; // LEAVING was this node's last message (fork mode)
        }
        if (to.equals(self)) {
            incoming.handle(self, Wire.read(w.toBytes(), 0, w.size()));
            return;
        }
        if (channel.send(to, w)) {
            messagesSent.increment();
        }
    }

    /** The lease ran out: every owner's grants go (see {@link ClusterOwner#clearGrantsForLapsedLease}). */
    private int clearGrantsForLapsedLease() {
        int cleared = 0;
        for (ClusterOwner owner : owners.values()) {
            cleared += owner.clearGrantsForLapsedLease();
        }
        return cleared;
    }

    private <T> T onProtocolThread(java.util.concurrent.Callable<T> task) {
        try {
            return protocol.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockException(LockStatus.CANCELLED, "interrupted while reading cluster state");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            throw new LockException(LockStatus.SHUTDOWN, "the lock manager is shut down");
        }
    }

    /** The node state the protocol concerns read, on the protocol thread, and its request path reads. */
    private final class Node implements ProtocolNode, OwnerRequests.Host {
        @Override
        public boolean routing() {
            return open;
        }

        @Override
        public void checkRunning() {
            ClusterLockManager.this.checkRunning();
        }

        @Override
        public String unsentTimeout() {
            return ClusterLockManager.this.unsentTimeout();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Address> members() {
            return members;
        }

        @Override
        public long viewId() {
            return viewId;
        }

        @Override
        public boolean sentBeforeRejoining(Address from, long msgView) {
            return rejoins.sentBeforeRejoining(from, msgView);
        }

        @Override
        public boolean serving() {
            return !closed && open;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public boolean quorum() {
            return quorum;
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public MasterTable master() {
            return master;
        }

        @Override
        public Address self() {
            return self;
        }

        @Override
        public Address directoryOf(TreeKey tree) {
            return ClusterLockManager.this.directoryOf(tree);
        }

        @Override
        public void send(Address to, Wire w) {
            ClusterLockManager.this.send(to, w);
        }
    }

    /**
     * Settings for a cluster node. Not thread-safe; build once. {@link #build()} blocks until the
     * node has joined and finished its first rebuild (or found its view without quorum).
     */
    public static final class Builder {
        private String clusterName = "locksmith";
        private String nodeName;
        private String stackResource = "dev/locksmith/lock/cluster/tcp.xml";
        private String bindAddress = "127.0.0.1";
        private int bindPort = 7800;
        private String initialHosts;
        /** 0: not set, the number of initial hosts. */
        private int expectedVotes;
        private int directoryWeight = 1;
        private int remasterWeight = 5;
        private SecretKey clusterKey;
        private Duration deadlockWait = Duration.ofSeconds(1);
        private Duration joinTimeout = Duration.ofSeconds(30);
        private Duration emptyTreeRetention = Duration.ofSeconds(1);
        private Duration quorumLease = Duration.ofMillis(500);
        private int wireVersion = Wire.VERSION;
        private JChannel mainChannel;
        private String forkStackId;
        private String forkChannelId;
        /** The settings {@link #channel} leaves to the main channel, named as set, to refuse them together. */
        private final List<String> ownChannelSettings = new ArrayList<>();

        Builder() {
        }

        /**
         * Rides an existing JGroups channel instead of making one: the node sends and receives
         * over a {@link org.jgroups.fork.ForkChannel} (fork stack {@code forkStackId}, fork channel
         * {@code forkChannelId}) of {@code main}, so it shares the main channel's transport,
         * discovery, failure detection, membership and security with the application's other
         * clustered services (a WildFly HA profile's channel, say). The main channel's stack must
         * contain {@code FORK}, and it must be connected. Its view is the lock cluster's: every
         * member of it must run a node on the same fork ids (a member without one holds up every
         * rebuild until it starts one or leaves), and {@link #expectedVotes} must be set. The
         * node's address is the main channel's, so directory and remaster weights are the defaults
         * (1 and 5). {@link ClusterLockManager#close()} closes the fork only; the main channel
         * stays the caller's, and the node counts as a member until the main channel leaves. So
         * that the others do not keep its locks granted on their masters till then, its close
         * closes its owners first (dequeuing their locks), then hands the trees it masters to
         * other members as remastering moves them (their locks, queues, value blocks and fencing
         * tokens as they are; at most 10 s, then it closes anyway and the trees left wait for the
         * main channel to leave), and last tells them it leaves, so that no later move of a tree
         * waits for its answer. Not handed on: its share of the directory (lookups of trees whose
         * directory node it is wait until the main channel leaves; once a node is made again on
         * the fork, new lookups are answered there) and its part of a rebuild (a view change before then waits for it as for a member
         * without a node). A node made again on the
         * same fork takes lock and owner ids the one before never used, so a late message for the
         * old one's locks reaches none of its own.
         * Not combinable with the settings of a channel of its own ({@link #stackResource},
         * {@link #bindAddress}, {@link #bindPort}, {@link #initialHosts}, {@link #directoryWeight},
         * {@link #remasterWeight}, {@link #sharedSecret}, {@link #keyStore}): {@link #build()}
         * refuses them with BADPARAM.
         */
        public Builder channel(JChannel main, String forkStackId, String forkChannelId) {
            if (main == null) {
                throw new LockException(LockStatus.BADPARAM, "channel: the main channel must not be null");
            }
            this.forkStackId = requireText(forkStackId, "forkStackId");
            this.forkChannelId = requireText(forkChannelId, "forkChannelId");
            this.mainChannel = main;
            return this;
        }

        /** The JGroups cluster to join (default {@code "locksmith"}). */
        public Builder clusterName(String name) {
            this.clusterName = requireText(name, "clusterName");
            return this;
        }

        /** This node's name: the manager's name and the JGroups logical name. Required. */
        public Builder nodeName(String name) {
            this.nodeName = requireText(name, "nodeName");
            return this;
        }

        /**
         * A JGroups stack XML on the class path (default: TCP + TCPPING on 127.0.0.1). The text may
         * use {@code @BIND_ADDR@}, {@code @BIND_PORT@} and {@code @INITIAL_HOSTS@}, replaced with
         * this builder's settings.
         */
        public Builder stackResource(String resource) {
            this.stackResource = requireText(resource, "stackResource");
            ownChannelSettings.add("stackResource");
            return this;
        }

        /** The address to bind to (default 127.0.0.1). */
        public Builder bindAddress(String address) {
            this.bindAddress = requireText(address, "bindAddress");
            ownChannelSettings.add("bindAddress");
            return this;
        }

        /** The TCP port to bind to (default 7800). */
        public Builder bindPort(int port) {
            if (port <= 0 || port > 65535) {
                throw new LockException(LockStatus.BADPARAM, "bindPort must be 1..65535, was " + port);
            }
            this.bindPort = port;
            ownChannelSettings.add("bindPort");
            return this;
        }

        /** TCPPING initial hosts, e.g. {@code 127.0.0.1[7800],127.0.0.1[7801]} (default: this node only). */
        public Builder initialHosts(String hosts) {
            this.initialHosts = requireText(hosts, "initialHosts");
            ownChannelSettings.add("initialHosts");
            return this;
        }

        /**
         * Expected votes (one per node): a view needs {@code votes / 2 + 1} nodes to grant.
         * Default: the number of hosts in {@link #initialHosts} (1 when none is given), so a node
         * that cannot reach the others it was told of — a wrong key, a firewall — grants nothing
         * instead of granting on its own; requests waiting for quorum that time out say so.
         */
        public Builder expectedVotes(int votes) {
            if (votes < 1) {
                throw new LockException(LockStatus.BADPARAM, "expectedVotes must be at least 1, was " + votes);
            }
            this.expectedVotes = votes;
            return this;
        }

        /** Directory weight, like LOCKDIRWT: 0 holds no directory entries (default 1, at most 127). */
        public Builder directoryWeight(int weight) {
            if (weight < 0 || weight > 127) {
                throw new LockException(LockStatus.BADPARAM, "directoryWeight must be 0..127, was " + weight);
            }
            this.directoryWeight = weight;
            ownChannelSettings.add("directoryWeight");
            return this;
        }

        /**
         * Remaster weight, like VMS LOCKRMWT (0..10, default 5): a tree moves from its master to a
         * node whose activity on it (its smoothed requests per second) exceeds the
         * master's by {@code 13% * masterWeight / thisWeight}; 0 means this node never takes a
         * tree (and, as a master, gives a tree to any busier node).
         */
        public Builder remasterWeight(int weight) {
            if (weight < 0 || weight > 10) {
                throw new LockException(LockStatus.BADPARAM, "remasterWeight must be 0..10, was " + weight);
            }
            this.remasterWeight = weight;
            ownChannelSettings.add("remasterWeight");
            return this;
        }

        /** How long a request waits before a deadlock search starts from it on its master (default 1 s). */
        public Builder deadlockWait(Duration wait) {
            if (wait == null || wait.isNegative()) {
                throw new LockException(LockStatus.BADPARAM, "deadlockWait must be zero or positive, was " + wait);
            }
            this.deadlockWait = wait;
            return this;
        }

        /**
         * How long a tree mastered here stays after its last lock went before the master and its
         * directory entry forget it (default 1 s; checked once a second, so up to a second more;
         * zero = at once). Until then a tree used again costs no lookup.
         */
        public Builder emptyTreeRetention(Duration retention) {
            if (retention == null || retention.isNegative()) {
                throw new LockException(LockStatus.BADPARAM, "emptyTreeRetention must be zero or positive, was "
                        + retention);
            }
            this.emptyTreeRetention = retention;
            return this;
        }

        /**
         * The quorum lease term (default 500 ms): a master grants only while a majority of the
         * expected votes answered one of its pings within it, a node whose lease runs out clears
         * its own granted locks (its owners' clear listeners are told), and the survivors of a
         * node's departure wait out what is left of that node's lease (plus a fifth) before they
         * free its locks; nodes may be set to different terms (a ping carries its sender's term,
         * and the survivors wait out the longer of it and their own). A request whose grant is held back waits for the lease or the next view,
         * past its timeout if need be. Shorter brings a crashed node's locks back sooner; it must stay well above a
         * round trip and well below the failure detector's timeout ({@code locksmith.fd.timeout},
         * 10 s by default), or a partition's majority would wait for it too.
         */
        public Builder quorumLease(Duration term) {
            if (term == null || term.isNegative() || term.isZero()) {
                throw new LockException(LockStatus.BADPARAM, "quorumLease must be positive, was " + term);
            }
            this.quorumLease = term;
            return this;
        }

        /** For tests: the node announces and speaks lock wire version {@code version} instead of {@link Wire#VERSION}. */
        Builder wireVersion(int version) {
            this.wireVersion = version;
            return this;
        }

        /** How long {@link #build()} waits for the first view and rebuild (default 30 s). */
        public Builder joinTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new LockException(LockStatus.BADPARAM, "joinTimeout must be positive, was " + timeout);
            }
            this.joinTimeout = timeout;
            return this;
        }

        /**
         * A cluster secret: all traffic is encrypted and authenticated with an AES key derived
         * from it (JGroups SYM_ENCRYPT), so a node without the same secret cannot join the
         * cluster or inject requests. Default: none (plain traffic, for a trusted loopback or
         * private network). See also {@link #keyStore}.
         */
        public Builder sharedSecret(char[] secret) {
            if (secret == null || secret.length < 8) {
                throw new LockException(LockStatus.BADPARAM, "sharedSecret must be at least 8 characters");
            }
            this.clusterKey = ClusterSecurity.keyFromSecret(secret);
            ownChannelSettings.add("sharedSecret");
            return this;
        }

        /**
         * The cluster key from a key store, for operators who manage keys rather than pass
         * secrets: the AES secret key entry {@code alias} of a PKCS12 file ({@code .jceks}: JCEKS),
         * store and entry protected by {@code password}. Traffic is then encrypted and
         * authenticated as with {@link #sharedSecret}, which this replaces. The file is read here,
         * so a missing file, wrong password or alias fails at once with BADPARAM naming it.
         */
        public Builder keyStore(java.nio.file.Path file, String alias, char[] password) {
            if (file == null || alias == null || alias.isBlank() || password == null) {
                throw new LockException(LockStatus.BADPARAM, "keyStore: file, alias and password must all be given");
            }
            this.clusterKey = ClusterSecurity.keyFromStore(file, alias, password);
            ownChannelSettings.add("keyStore");
            return this;
        }

        /** Starts the node and joins the cluster. */
        public ClusterLockManager build() {
            if (nodeName == null) {
                throw new LockException(LockStatus.BADPARAM, "nodeName must be set");
            }
            if (mainChannel != null) {
                checkForkSettings();
            }
            try {
                return new ClusterLockManager(this);
            } catch (LockException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockException(LockStatus.CANCELLED, "interrupted while joining cluster '" + clusterName + "'");
            } catch (Exception e) {
                LOG.log(Level.WARNING, "node '" + nodeName + "' could not start", e);
                throw new LockException(LockStatus.BADPARAM, "could not start node '" + nodeName
                        + "' in cluster '" + clusterName + "' with stack " + stackResource + ": " + e);
            }
        }

        private void checkForkSettings() {
            if (!ownChannelSettings.isEmpty()) {
                throw new LockException(LockStatus.BADPARAM, "channel: a node riding an existing channel takes its"
                        + " stack, addresses and security from it; not combinable with "
                        + String.join(", ", new java.util.LinkedHashSet<>(ownChannelSettings)));
            }
            if (expectedVotes == 0) {
                throw new LockException(LockStatus.BADPARAM, "expectedVotes must be set for a node riding an"
                        + " existing channel (there are no initial hosts to count)");
            }
            if (!mainChannel.isConnected()) {
                throw new LockException(LockStatus.BADPARAM, "channel: the main channel must be connected first");
            }
            if (mainChannel.getProtocolStack().findProtocol(org.jgroups.protocols.FORK.class) == null) {
                throw new LockException(LockStatus.BADPARAM, "channel: the main channel's stack has no FORK protocol");
            }
        }

        /** The expected votes set, or by default the number of initial hosts. */
        int expectedVotes() {
            if (expectedVotes > 0) {
                return expectedVotes;
            }
            if (initialHosts == null) {
                return 1;
            }
            int hosts = 0;
            for (String host : initialHosts.split(",")) {
                hosts += host.isBlank() ? 0 : 1;
            }
            return Math.max(hosts, 1);
        }

        /**
         * The JGroups stack XML this builder's node would make its own channel from: the
         * {@link #stackResource} with {@link #bindAddress}, {@link #bindPort} and
         * {@link #initialHosts} filled in. For an application that makes the channel nodes then
         * ride a fork of ({@link #channel}) from the same stack, with FORK added on top. Changes
         * nothing.
         *
         * @throws LockException BADPARAM if the stack resource is not on the class path
         * @throws IOException   if it cannot be read
         */
        public String stackXml() throws IOException {
            String xml;
            try (InputStream in = ClusterLockManager.class.getClassLoader().getResourceAsStream(stackResource)) {
                if (in == null) {
                    throw new LockException(LockStatus.BADPARAM, "stackResource '" + stackResource
                            + "' is not on the class path");
                }
                xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String hosts = initialHosts != null ? initialHosts : bindAddress + "[" + bindPort + "]";
            return xml.replace("@BIND_ADDR@", bindAddress).replace("@BIND_PORT@", Integer.toString(bindPort))
                    .replace("@INITIAL_HOSTS@", hosts);
        }

        private static String requireText(String value, String argument) {
            if (value == null || value.isBlank()) {
                throw new LockException(LockStatus.BADPARAM, argument + " must not be null or blank");
            }
            return Objects.requireNonNull(value);
        }
    }
}
