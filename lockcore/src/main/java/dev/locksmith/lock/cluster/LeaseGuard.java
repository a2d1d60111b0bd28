package dev.locksmith.lock.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.jgroups.Address;

/**
 * What the {@link QuorumLease} means for a node's grants: kept by pings, it decides whether a
 * grant or blocking callback may take effect now, holds back those that may not, and clears the
 * node's own grants the moment the lease runs out.
 *
 * <ul>
 *   <li><b>Pings.</b> Every quarter term the node pings the other members of its view (PING and
 *       PONG carry the view they were sent in and count only there). Both are handled on the
 *       receiving thread, so a busy protocol thread cannot cost the node its lease, and are not
 *       lock messages.</li>
 *   <li><b>Hold-back.</b> Without the lease, grants and blocking callbacks — those the node's
 *       master table makes and those other masters send to its copies — wait in order
 *       ({@link #hold}) until the lease returns (released on the protocol thread, in order, while
 *       it lasts) or the node drops them ({@link #dropHeldBack}: it lost quorum). Refusals and
 *       failures never wait: they grant nothing.</li>
 *   <li><b>Lapse.</b> Checked every 25th of a term, well within the fifth of a term the survivors
 *       add to a departed node's lease: when the lease runs out, the node's grants are cleared
 *       once (the clear listeners are told), so a cut-off minority's holders let go before the
 *       majority, which waits the lease out, grants against them.</li>
 *   <li><b>Clear epoch.</b> A grant checked against the lease just before it ran out could reach
 *       its copy just after the lapse's clear walked past it (the node paused between the two),
 *       and would stay. So the watch raises {@link #clearEpoch} before it walks the copies; a
 *       grant site reads the epoch before its lease check and applies the grant under the copy's
 *       monitor only if the epoch, read inside that monitor, is unchanged
 *       ({@link #clearedSince}); otherwise the grant is held back as one that failed the check.
 *       Why that suffices: the epoch is volatile and raised before the walk, the walk reads each
 *       copy's state under the copy's monitor, and the apply reads the epoch inside the same
 *       monitor. Monitors on one copy are totally ordered: if the apply's monitor enter comes
 *       first, the walk sees the grant and clears it; if the walk's comes first, the raise
 *       (before it in the timer thread) happens-before the apply's read, which sees the new epoch.
 *       A copy is listed before its request is made — a root in its owner's list, a sublock in
 *       its parent's ({@link ClusterOwner#live} reads each list under its owner's or copy's
 *       monitor) — so the walk cannot miss it but by reading that list before the copy was
 *       linked; and then the raise came before the grant site's first read, whose lease check
 *       then fails (or the lease is held again, and the grant is a rightful one). (A sublock's
 *       parent is granted, so listed, before the sublock is linked under it: a walk that reads
 *       the parent's list reaches it, and one that missed the parent read the parent's own list
 *       earlier still.)</li>
 * </ul>
 *
 * <p>Thread-safe; nothing blocks. {@link #letsThrough} costs a clock read per grant, the epoch
 * one volatile read more.
 */
final class LeaseGuard {
    private static final System.Logger LOG = System.getLogger(LeaseGuard.class.getName());

    private final QuorumLease lease;
    private final ClusterChannel channel;
    private final Consumer<Runnable> onProtocol;
    private final BooleanSupplier closed;
    private final IntSupplier clearGrants;
    private final String nodeName;
    /** Grants and blocking callbacks held back, in order (see {@link #hold}). Guarded by itself. */
    private final ArrayDeque<LongConsumer> heldBack = new ArrayDeque<>();
    private volatile boolean anyHeldBack;
    /**
     * The lapse whose clear ran ({@link QuorumLease#lapsedAt}), {@link QuorumLease#FOREVER} for
     * none; set and read on the timer thread. A lapse is told apart by its end time rather than a
     * flag reset at a check that finds the lease held: a lease regained and lost again between
     * two checks is a new lapse, and its grants must go too.
     */
    private long clearedLapse = QuorumLease.FOREVER;
    /** How many times a lapse began clearing this node's grants; raised on the timer thread only. */
    private volatile long clearEpoch;
    /**
     * Test seam, null in production: run after every lease check that lets a grant through
     * ({@link #letsThrough}, {@link #hold}, {@link #release}), so that a test can hold a granting
     * thread between its lease check and its apply (where a paused JVM could stop it). Set before
     * the grant it is to hold is made; plain, to cost the grant path nothing.
     */
    Runnable afterLeaseCheck;
    /**
     * Test seam, null in production: told on the timer thread when a lapse's clear begins, before
     * {@link #clearEpoch} is raised (so before any copy is cleared or its dequeue sent), and when
     * it is over, failed or not. A clear's listeners are told after its dequeues went, on the
     * callback thread, so a history checker bounds with this when the holds it took ended.
     */
    volatile LapseClears lapseClears;

    /** See {@link #lapseClears}. */
    interface LapseClears {
        /** A lapse's clear begins: nothing of it happened yet. */
        void began();

        /** The clear that began last is over. */
        void ended();
    }

    /** {@link #clearedSince}: a grant not to be checked against the epoch (one the lease does not cover). */
    static final long UNCHECKED = -1;

    /**
     * @param onProtocol  runs a task on the node's protocol thread (a release of what was held back)
     * @param closed      whether the node is shut down (then it neither pings nor answers)
     * @param clearGrants clears the node's granted locks when the lease lapses; returns how many
     */
    LeaseGuard(String nodeName, QuorumLease lease, ClusterChannel channel, Consumer<Runnable> onProtocol,
               BooleanSupplier closed, IntSupplier clearGrants) {
        this.nodeName = nodeName;
        this.lease = lease;
        this.channel = channel;
        this.onProtocol = onProtocol;
        this.closed = closed;
        this.clearGrants = clearGrants;
    }

    QuorumLease lease() {
        return lease;
    }

    /** Starts pinging and watching on {@code timer} (nothing when the node is a majority on its own). */
    void start(ScheduledExecutorService timer, long termNanos) {
        if (lease.needsPings()) {
            timer.scheduleAtFixedRate(this::ping, termNanos / 4, Math.max(termNanos / 4, 1), TimeUnit.NANOSECONDS);
            timer.scheduleAtFixedRate(this::watch, termNanos / 25, Math.max(termNanos / 25, 1), TimeUnit.NANOSECONDS);
        }
    }

    /** Pings the other members now (after a view change: a joining member's lease need not wait a period). */
    void ping() {
        if (closed.getAsBoolean()) {
            return;
        }
        long now = System.nanoTime();
        long view = lease.viewId();
        for (Address m : lease.others()) {
            channel.send(m, Wire.message(Wire.PING, view).putLong(now).putLong(lease.termNanos()));
        }
    }

    /** PING is answered, PONG recorded (a held-back grant then goes); false if {@code in} is neither. */
    boolean handle(Address from, Wire in) {
        byte type = in.type();
        if (type == Wire.PING) {
            long sentAt = in.getLong();
            // the sender's term, appended (an older build's PING has none: taken as this node's)
            long senderTerm = in.hasMore() ? in.getLong() : lease.termNanos();
            if (!closed.getAsBoolean() && lease.answer(from, in.viewId(), senderTerm)) {
                channel.send(from, Wire.message(Wire.PONG, in.viewId()).putLong(sentAt));
            }
            return true;
        }
        if (type == Wire.PONG) {
            if (lease.answered(from, in.getLong(), in.viewId()) && anyHeldBack) {
                onProtocol.accept(this::release);
            }
            return true;
        }
        return false;
    }

    /**
     * On the timer: clears this node's grants once per lapse of the lease. Never throws: a
     * periodic task that threw would never run again, and the node would keep its grants through
     * every later lapse; a clear that failed is tried again on the next check.
     */
    void watch() {
        long lapse = lease.lapsedAt();
        if (lapse != QuorumLease.FOREVER && lapse != clearedLapse && !closed.getAsBoolean()) {
            clearedLapse = lapse;
            LapseClears seam = lapseClears;
            if (seam != null) {
                seam.began();
            }
            clearEpoch++; // before the walk: see the class comment
            int cleared;
            try {
                cleared = clearGrants.getAsInt();
            } catch (RuntimeException e) {
                clearedLapse = QuorumLease.FOREVER;
                LOG.log(System.Logger.Level.WARNING, nodeName + ": quorum lease ran out; clearing this node's"
                        + " locks failed, tried again at the next check", e);
                return;
            } finally {
                if (seam != null) {
                    seam.ended();
                }
            }
            if (cleared > 0) {
                LOG.log(System.Logger.Level.WARNING, nodeName + ": quorum lease ran out; cleared " + cleared
                        + " lock(s) of this node");
            }
        }
    }

    /**
     * Whether a grant or blocking callback may take effect now: the lease is held and none waits
     * before it. A grant site reads {@link #clearEpoch} before this.
     */
    boolean letsThrough() {
        boolean through = !anyHeldBack && lease.isHeld();
        passedLeaseCheck();
        return through;
    }

    private void passedLeaseCheck() {
        Runnable seam = afterLeaseCheck;
        if (seam != null) {
            seam.run();
        }
    }

    /** The clear epoch now: read by a grant site before its lease check, and passed to {@link #clearedSince}. */
    long clearEpoch() {
        return clearEpoch;
    }

    /**
     * Whether a lapse's clear began since {@code epoch} was read (never for {@link #UNCHECKED}):
     * read under the copy's monitor by the apply of a grant, which is then held back.
     */
    boolean clearedSince(long epoch) {
        return epoch != UNCHECKED && clearEpoch != epoch;
    }

    /**
     * Holds back the grant {@code grant} of {@code lock}, made by this node's master ({@link #hold}),
     * and again if a lapse's clear begins between its release and its apply.
     */
    void holdGrant(ClusterLock lock, dev.locksmith.lock.engine.LocalLockManager.Grant grant) {
        hold(epoch -> {
            if (lock.grantedUnlessCleared(this, epoch, grant.mode(), grant.status(), grant.fencingToken(),
                    grant.valueBlock())) {
                holdGrant(lock, grant);
            }
        });
    }

    /**
     * Runs {@code outcome} now if the lease allows, else once it returns, after those held back
     * before it. It is given the clear epoch read before the lease check that let it run: a grant
     * applies only if no lapse's clear began since ({@link #clearedSince}), else is held again.
     */
    void hold(LongConsumer outcome) {
        long epoch = clearEpoch;
        synchronized (heldBack) {
            if (anyHeldBack || !lease.isHeld()) {
                heldBack.add(outcome);
                anyHeldBack = true;
                return;
            }
        }
        passedLeaseCheck();
        outcome.accept(epoch);
    }

    /**
     * The lease is back: runs what was held back, in order, while it lasts (a grant a lapse's clear
     * overtook is held again, after the rest of its batch). On the protocol thread.
     */
    void release() {
        while (true) {
            long epoch = clearEpoch; // before the lease check, as at every grant site
            if (!lease.isHeld()) {
                return;
            }
            List<LongConsumer> batch;
            synchronized (heldBack) {
                if (heldBack.isEmpty()) {
                    anyHeldBack = false;
                    return;
                }
                batch = new ArrayList<>(heldBack);
                heldBack.clear();
            }
            passedLeaseCheck();
            for (LongConsumer outcome : batch) {
                outcome.accept(epoch);
            }
        }
    }

    /** The node lost quorum: nothing held back is ever applied (the majority frees those locks). */
    void dropHeldBack() {
        synchronized (heldBack) {
            heldBack.clear();
        }
    }
}
