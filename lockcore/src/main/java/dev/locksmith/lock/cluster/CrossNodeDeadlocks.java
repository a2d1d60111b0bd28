package dev.locksmith.lock.cluster;

import dev.locksmith.lock.engine.DeadlockLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;

/**
 * Deadlocks whose cycle crosses masters (cycles inside one master are its engine's own
 * detector's business). Every deadlock wait, each master reports the requests it holds that have
 * waited that long, with what blocks them, to the view's coordinator (WAITS; nothing when none
 * waits, one empty report when the last waits ended). The coordinator joins the latest report of
 * every master into one wait-for graph and, for each cycle crossing at least two masters, fails
 * one waiter with DEADLOCK (VICTIM to its master): the lowest deadlock priority, then the highest
 * owner id. Reports are snapshots taken at different moments, so a victim's master fails it only
 * if it still waits, and the reports are forgotten after each victim, so one cycle never costs
 * two. The coordinator records every cycle it broke in the node's {@link DeadlockLog}.
 *
 * <p>Confined to the node's protocol thread; a view change forgets every report and victim.
 */
final class CrossNodeDeadlocks {
    private final ProtocolNode node;
    private final long deadlockWaitNanos;
    private final DeadlockLog log;
    /** Coordinator only: each master's last report of long waits. */
    private final Map<Address, List<MasterTable.WaitEdge>> waitReports = new HashMap<>();
    /** Coordinator only: waiting requests already chosen as victims (node, lock id), never chosen twice. */
    private final Set<Map.Entry<Address, Long>> victims = new HashSet<>();
    private boolean reportedWaits;

    CrossNodeDeadlocks(ProtocolNode node, long deadlockWaitNanos, DeadlockLog log) {
        this.node = node;
        this.deadlockWaitNanos = deadlockWaitNanos;
        this.log = log;
    }

    /** A new view: reports and victims of the last one no longer mean anything. */
    void viewChanged() {
        waitReports.clear();
        victims.clear();
        reportedWaits = false;
    }

    /**
     * Every deadlock wait: this master reports the requests that have waited that long to the
     * view's coordinator (nothing when none waits, one empty report when the last waits ended).
     * Cycles inside one master are the engine's own detector's business.
     */
    void reportWaits() {
        List<Address> members = node.members();
        if (!node.serving() || members.isEmpty()) {
            return;
        }
        long viewId = node.viewId();
        List<MasterTable.WaitEdge> edges = node.master().waitEdges(deadlockWaitNanos);
        if (edges.isEmpty() && !reportedWaits) {
            return;
        }
        reportedWaits = !edges.isEmpty();
        Wire w = Wire.message(Wire.WAITS, viewId).putInt(edges.size());
        for (MasterTable.WaitEdge e : edges) {
            w.putInt(members.indexOf(e.waiterNode())).putLong(e.waiterOwner()).putInt(e.waiterPriority())
                    .putLong(e.waiterLockId()).putInt(members.indexOf(e.blockerNode())).putLong(e.blockerOwner())
                    .putWait(e.reported());
        }
        node.send(members.get(0), w);
    }

    /** A WAITS report (this node coordinates) or a VICTIM order (for this node's master table). */
    void handle(Address from, Wire in) {
        List<Address> members = node.members();
        if (in.type() == Wire.VICTIM) {
            Address waiterNode = members.get(in.getInt());
            node.master().failAsDeadlockVictim(waiterNode, in.getLong(), in.getLong(), in.getReport());
            return;
        }
        int n = in.getInt();
        List<MasterTable.WaitEdge> edges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int waiterNode = in.getInt();
            long waiterOwner = in.getLong();
            int priority = in.getInt();
            long lockId = in.getLong();
            int blockerNode = in.getInt();
            long blockerOwner = in.getLong();
            var wait = in.getWait();
            if (waiterNode >= 0 && blockerNode >= 0) {
                edges.add(new MasterTable.WaitEdge(members.get(waiterNode), waiterOwner, priority, lockId,
                        members.get(blockerNode), blockerOwner, wait));
            }
        }
        waitReports.put(from, edges);
        breakOneCycle();
    }

    /**
     * Coordinator: looks for a wait-for cycle through the masters' reports that crosses at least
     * two masters, and fails one request on it, the waiter with the lowest deadlock priority
     * (then the highest owner id). Reports are snapshots taken at different moments, so the
     * victim's master fails it only if it still waits; the reports are then forgotten, so the
     * same cycle never costs a second victim.
     */
    private void breakOneCycle() {
        List<Address> members = node.members();
        record Owner(Address node, long id) {
        }
        record Edge(Address master, MasterTable.WaitEdge waiting) {
        }
        Map<Owner, List<Edge>> out = new HashMap<>();
        waitReports.forEach((masterNode, edges) -> edges.forEach(e -> {
            if (!victims.contains(Map.entry(e.waiterNode(), e.waiterLockId()))) {
                out.computeIfAbsent(new Owner(e.waiterNode(), e.waiterOwner()), o -> new ArrayList<>())
                        .add(new Edge(masterNode, e));
            }
        }));
        for (Owner start : out.keySet()) {
            List<Edge> cycle = findCycle(start, start, out, new HashSet<>(), new ArrayList<>(),
                    (e) -> new Owner(e.waiting().blockerNode(), e.waiting().blockerOwner()));
            if (cycle == null || cycle.stream().map(Edge::master).distinct().count() < 2) {
                continue;
            }
            Edge victim = cycle.get(0);
            for (Edge e : cycle) {
                int byPriority = Integer.compare(e.waiting().waiterPriority(), victim.waiting().waiterPriority());
                if (byPriority < 0 || (byPriority == 0 && e.waiting().waiterOwner() > victim.waiting().waiterOwner())) {
                    victim = e;
                }
            }
            MasterTable.WaitEdge w = victim.waiting();
            victims.add(Map.entry(w.waiterNode(), w.waiterLockId()));
            waitReports.clear();
            var report = new dev.locksmith.lock.DeadlockReport(java.time.Instant.now(), node.name(),
                    cycle.stream().map(e -> e.waiting().reported()).toList(), cycle.indexOf(victim));
            node.send(victim.master(), Wire.message(Wire.VICTIM, node.viewId()).putInt(members.indexOf(w.waiterNode()))
                    .putLong(w.waiterOwner()).putLong(w.waiterLockId()).putReport(report));
            log.record(report);
            return;
        }
    }

    /** Depth-first search for a path of edges from {@code at} back to {@code origin}. */
    private static <N, E> List<E> findCycle(N at, N origin, Map<N, List<E>> out, Set<N> visited, List<E> path,
                                            java.util.function.Function<E, N> target) {
        for (E e : out.getOrDefault(at, List.of())) {
            N next = target.apply(e);
            path.add(e);
            if (next.equals(origin)) {
                return path;
            }
            if (visited.add(next)) {
                List<E> found = findCycle(next, origin, out, visited, path, target);
                if (found != null) {
                    return found;
                }
            }
            path.remove(path.size() - 1);
        }
        return null;
    }
}
