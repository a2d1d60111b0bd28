package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The copies this node received as a directory node for a view's rebuild ({@link CopyResend}),
 * held until every member's part is in and {@link Rebuild} takes them to install their trees —
 * and the timeouts of the requests among them.
 *
 * <p>A request that waited on a master that left counts as sent to its tree's directory node
 * once re-sent there, so its owner leaves its timeout to that node. The rebuild may hold it for
 * long (until every member said DONE, and the departed nodes' leases ran out), so its timeout
 * runs here: when it runs out the request ends as its master's engine would end it, with
 * FAILED TIMEOUT to its owner; a waiting request is left out of the install, a conversion is
 * installed granted in its old mode. Only copies marked {@code masterLost} are timed out here:
 * their owner knew their master and saw it leave, so no live master holds their requests. Any
 * other copy (after a merge, or in a tree that was being remastered) may be held by a live
 * master that registers its tree, times the request out itself and might grant it: ending it
 * here too would leave that grant to a copy that is gone. A copy re-sent carries what was left
 * of its timeout when it went; the copies taken for installing carry what is left of it now,
 * so their new master ends them when their owner's timeout runs out, not a whole timeout after
 * the rebuild. (Left open: a node still in the old view when the timeout runs out may end a
 * copy its owner already re-sent, unmarked, for a newer view, whose directory node installs it.)
 *
 * <p>Confined to the node's protocol thread: the timer only hands the sweep of run-out
 * timeouts to it. Never blocks.
 */
final class ResentCopies {
    private static final System.Logger LOG = System.getLogger(ResentCopies.class.getName());

    /** A held copy whose request has a timeout; {@code over} once it ended here or was taken. */
    private static final class Timed {
        final long view;
        final MasterTable.Resend copy;
        final long deadline;
        boolean over;

        Timed(long view, MasterTable.Resend copy, long deadline) {
            this.view = view;
            this.copy = copy;
            this.deadline = deadline;
        }
    }

    private final ProtocolNode node;
    /** Runs a task on the node's protocol thread (dropped once the node is shut down). */
    private final Consumer<Runnable> onProtocol;
    private final ScheduledExecutorService timer;
    private final Map<Long, List<MasterTable.Resend>> byView = new HashMap<>();
    /** Per view: the held copies whose requests have a timeout, by copy (identity). */
    private final Map<Long, Map<MasterTable.Resend, Timed>> timedByView = new HashMap<>();
    private final PriorityQueue<Timed> deadlines = new PriorityQueue<>((a, b) -> Long.signum(a.deadline - b.deadline));
    /** When the earliest sweep scheduled runs (System.nanoTime); meaningful while {@link #sweepScheduled}. */
    private long sweepAt;
    private boolean sweepScheduled;

    ResentCopies(ProtocolNode node, Consumer<Runnable> onProtocol, ScheduledExecutorService timer) {
        this.node = node;
        this.onProtocol = onProtocol;
        this.timer = timer;
    }

    /** Holds {@code copies} re-sent for view {@code view}'s rebuild, and starts their requests' timeouts. */
    void add(long view, List<MasterTable.Resend> copies) {
        if (copies.isEmpty()) {
            return;
        }
        byView.computeIfAbsent(view, v -> new ArrayList<>()).addAll(copies);
        long now = System.nanoTime();
        for (MasterTable.Resend e : copies) {
            if (e.masterLost() && e.timeoutNanos() > 0 && e.waits()) {
                Timed t = new Timed(view, e, now + e.timeoutNanos());
                timedByView.computeIfAbsent(view, v -> new IdentityHashMap<>()).put(e, t);
                deadlines.add(t);
            }
        }
        scheduleSweep();
    }

    /**
     * Takes the copies held for view {@code view}, to install: without the requests that timed
     * out here (a conversion's copy is granted in its old mode), the others with what is left of
     * their timeouts.
     */
    List<MasterTable.Resend> take(long view) {
        List<MasterTable.Resend> copies = byView.remove(view);
        Map<MasterTable.Resend, Timed> timed = timedByView.remove(view);
        if (copies == null || timed == null) {
            return copies == null ? List.of() : copies;
        }
        deadlines.removeIf(t -> t.view == view);
        long now = System.nanoTime();
        List<MasterTable.Resend> taken = new ArrayList<>(copies.size());
        for (MasterTable.Resend e : copies) {
            Timed t = timed.get(e);
            if (t == null) {
                taken.add(e);
            } else if (!t.over) {
                t.over = true;
                taken.add(e.withTimeout(Math.max(t.deadline - now, 1)));
            } else if (e.queue() == LockQueue.CONVERTING) {
                taken.add(e.withConversionEnded());
            }
        }
        return taken;
    }

    /** Forgets the copies held for views before {@code view}: their members re-send them for the new one. */
    void forgetBefore(long view) {
        byView.keySet().removeIf(v -> v < view);
        if (timedByView.keySet().removeIf(v -> v < view)) {
            deadlines.removeIf(t -> t.view < view);
        }
    }

    private void scheduleSweep() {
        Timed first = deadlines.peek();
        if (first == null || (sweepScheduled && sweepAt - first.deadline <= 0)) {
            return;
        }
        sweepScheduled = true;
        sweepAt = first.deadline;
        try {
            timer.schedule(() -> onProtocol.accept(this::sweep), Math.max(first.deadline - System.nanoTime(), 0),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "timeout sweep dropped: the lock manager is shut down");
        }
    }

    /** Ends the held requests whose timeouts ran out, then waits for the next to run out. */
    private void sweep() {
        sweepScheduled = false;
        long now = System.nanoTime();
        while (!deadlines.isEmpty() && deadlines.peek().deadline - now <= 0) {
            Timed t = deadlines.poll();
            if (!t.over && !node.closed()) {
                t.over = true;
                MasterTable.Resend e = t.copy;
                node.send(e.origin(), Wire.failed(node.viewId(), e.lockId(),
                        e.queue() == LockQueue.CONVERTING ? e.conversion() : 0, LockStatus.TIMEOUT,
                        "timed out while its tree was rebuilt after its master left", null));
            }
        }
        scheduleSweep();
    }
}
