package dev.locksmith.lock.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
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
 * </ul>
 *
 * <p>Thread-safe; nothing blocks. {@link #letsThrough} costs a clock read per grant.
 */
final class LeaseGuard {
    private static final System.Logger LOG = System.getLogger(LeaseGuard.class.getName());

    private final QuorumLease lease;
    private final ClusterChannel channel;
    private final Consumer<Runnable> onProtocol;
    private final BooleanSupplier closed;
    private final IntSupplier clearGrants;
    private final String nodeName;
    /** Grants and blocking callbacks held back, in order. Guarded by itself. */
    private final ArrayDeque<Runnable> heldBack = new ArrayDeque<>();
    private volatile boolean anyHeldBack;
    /** Whether the lease ran out and this node's grants were cleared; set and read on the timer thread. */
    private boolean lapsed;

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
            channel.send(m, Wire.message(Wire.PING, view).putLong(now));
        }
    }

    /** PING is answered, PONG recorded (a held-back grant then goes); false if {@code in} is neither. */
    boolean handle(Address from, Wire in) {
        byte type = in.type();
        if (type == Wire.PING) {
            if (!closed.getAsBoolean() && lease.answer(from, in.viewId())) {
                channel.send(from, Wire.message(Wire.PONG, in.viewId()).putLong(in.getLong()));
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
        if (lease.isHeld()) {
            lapsed = false;
        } else if (!lapsed && !closed.getAsBoolean()) {
            lapsed = true;
            int cleared;
            try {
                cleared = clearGrants.getAsInt();
            } catch (RuntimeException e) {
                lapsed = false;
                LOG.log(System.Logger.Level.WARNING, nodeName + ": quorum lease ran out; clearing this node's"
                        + " locks failed, tried again at the next check", e);
                return;
            }
            if (cleared > 0) {
                LOG.log(System.Logger.Level.WARNING, nodeName + ": quorum lease ran out; cleared " + cleared
                        + " lock(s) of this node");
            }
        }
    }

    /** Whether a grant or blocking callback may take effect now: the lease is held and none waits before it. */
    boolean letsThrough() {
        return !anyHeldBack && lease.isHeld();
    }

    /** Runs {@code outcome} now if the lease allows, else once it returns, after those held back before it. */
    void hold(Runnable outcome) {
        synchronized (heldBack) {
            if (anyHeldBack || !lease.isHeld()) {
                heldBack.add(outcome);
                anyHeldBack = true;
                return;
            }
        }
        outcome.run();
    }

    /** The lease is back: runs what was held back, in order, while it lasts. On the protocol thread. */
    void release() {
        while (lease.isHeld()) {
            List<Runnable> batch;
            synchronized (heldBack) {
                if (heldBack.isEmpty()) {
                    anyHeldBack = false;
                    return;
                }
                batch = new ArrayList<>(heldBack);
                heldBack.clear();
            }
            batch.forEach(Runnable::run);
        }
    }

    /** The node lost quorum: nothing held back is ever applied (the majority frees those locks). */
    void dropHeldBack() {
        synchronized (heldBack) {
            heldBack.clear();
        }
    }
}
