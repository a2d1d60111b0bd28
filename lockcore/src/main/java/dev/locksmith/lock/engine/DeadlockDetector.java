package dev.locksmith.lock.engine;

import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds wait-for cycles among owners, conversion deadlocks included, and fails exactly one
 * request per cycle with {@link LockStatus#DEADLOCK}.
 *
 * <p>A search starts from a request that has waited the deadlock wait. It walks the owner
 * graph depth first, reading each waiting request's blockers under that request's stripe
 * only, so the graph it sees may be stale. A cycle found that way is therefore verified with
 * every stripe on it held at once (taken in index order, the one place several stripe locks are
 * held): only if every edge still stands is the victim chosen — the owner with the lowest
 * deadlock priority, the youngest among equals — and its request failed. A request searches
 * again every deadlock wait for as long as it waits. A real deadlock
 * cannot dissolve while those locks are held, so a verified cycle is a deadlock and no cycle
 * loses two requests. The cycle, as verified, goes to the victim's exception and the engine's
 * {@link DeadlockLog} as a {@link DeadlockReport}. Runs on the engine's timer thread, one search
 * at a time.
 */
final class DeadlockDetector {
    private final Engine engine;

    DeadlockDetector(Engine engine) {
        this.engine = engine;
    }

    /** One edge of the wait-for graph: {@code waiter}'s request (still {@code pending}) waits for {@code blocker}. */
    private record Edge(LockBlock waiter, Pending pending, LockBlock blocker) {
    }

    void search(LockBlock start, Pending pending) {
        if (start.pending() != pending || pending.outcome != null || engine.isShutdown()) {
            return;
        }
        engine.countDeadlockSearch();
        List<Edge> cycle = new ArrayList<>();
        Set<Owner> visited = new HashSet<>();
        visited.add(start.owner);
        if (walk(start.owner, start.owner, cycle, visited)) {
            breakCycle(cycle);
        }
        // Search again while the request waits, even after breaking a cycle through another
        // request: grants can close a new cycle without anyone starting a new wait.
        if (pending.outcome == null) {
            engine.scheduleDeadlockSearch(start, pending);
        }
    }

    /** Depth-first from {@code owner}; on success {@code path} holds the edges of a cycle back to {@code origin}. */
    private boolean walk(Owner owner, Owner origin, List<Edge> path, Set<Owner> visited) {
        for (LockBlock waiter : owner.pendingLocks()) {
            Pending p = waiter.pending();
            if (p == null || waiter.has(LockBlock.F_NODLCKWT)) {
                continue;
            }
            for (LockBlock blocker : engine.blockersSnapshot(waiter, p)) {
                Owner next = blocker.owner;
                if (blocker.has(LockBlock.F_NODLCKBLK)) {
                    continue;
                }
                path.add(new Edge(waiter, p, blocker));
                if (next == origin) {
                    return true;
                }
                if (visited.add(next) && walk(next, origin, path, visited)) {
                    return true;
                }
                path.remove(path.size() - 1);
            }
        }
        return false;
    }

    private void breakCycle(List<Edge> cycle) {
        TreeSet<Stripe> held = new TreeSet<>(Comparator.comparingInt(s -> s.index));
        for (Edge e : cycle) {
            held.add(engine.stripeOf(e.waiter));
        }
        Events events = null;
        DeadlockReport report = null;
        List<Stripe> locked = new ArrayList<>(held.size());
        try {
            for (Stripe s : held) {
                s.lock();
                locked.add(s);
            }
            for (Edge e : cycle) {
                if (e.waiter.pending() != e.pending || !engine.blockersOf(e.waiter).contains(e.blocker)) {
                    return;
                }
            }
            Edge victim = cycle.get(0);
            for (Edge e : cycle) {
                Owner o = e.waiter.owner;
                Owner v = victim.waiter.owner;
                if (o.deadlockPriority() < v.deadlockPriority()
                        || (o.deadlockPriority() == v.deadlockPriority() && o.sequence > v.sequence)) {
                    victim = e;
                }
            }
            List<DeadlockReport.Wait> waits = new ArrayList<>(cycle.size());
            for (Edge e : cycle) {
                waits.add(Engine.waitOf(e.waiter, e.blocker));
            }
            report = new DeadlockReport(Instant.now(), engine.name, waits, cycle.indexOf(victim));
            victim.pending.report = report;
            events = engine.fail(engine.stripeOf(victim.waiter), victim.waiter, LockStatus.DEADLOCK, null);
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).unlock();
            }
            engine.dispatch(events);
        }
        if (report != null) {
            engine.deadlocks.record(report);
        }
    }
}
