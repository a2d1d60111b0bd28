package dev.locksmith.lock;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A deadlock that was broken: the wait-for cycle as it stood when it was verified, and the
 * request failed to break it. Carried by the victim's {@link LockException} ({@link
 * LockException#deadlock()}) and kept by the lock manager ({@link LockManager#recentDeadlocks()}).
 * Immutable and thread-safe.
 *
 * @param at      when the cycle was broken
 * @param manager the name of the lock manager (or cluster node) that broke it
 * @param cycle   the waits of the cycle in order: each owner waits for the next, the last for
 *                the first; at least one
 * @param victim  the index in {@code cycle} of the wait that was failed with {@link LockStatus#DEADLOCK}
 */
public record DeadlockReport(Instant at, String manager, List<Wait> cycle, int victim) {
    /**
     * One edge of the cycle: {@code owner} waits on {@code resource} for {@code wanted}, and is
     * blocked by {@code blocker}, which holds {@code blockerHolds} there (null if it holds
     * nothing: a new request queued ahead) and may itself wait there for {@code blockerWants}.
     *
     * @param owner        the waiting owner's name
     * @param ownerId      its id in its lock manager
     * @param node         the node the waiting owner lives on; null in an embedded lock manager
     * @param namespace    the namespace of the resource's tree
     * @param resource     the resource's full name: root resource first, then each sublevel
     * @param held         the mode the waiting lock holds on the resource (a conversion), or null (a new request)
     * @param wanted       the mode it waits for
     * @param blocker      the blocking owner's name
     * @param blockerNode  the node the blocking owner lives on; null in an embedded lock manager
     * @param blockerHolds the mode the blocking lock holds on the resource, or null if it holds none
     * @param blockerWants the mode the blocking lock waits for, or null if it does not wait
     */
    public record Wait(String owner, long ownerId, String node, Namespace namespace, List<String> resource,
                       LockMode held, LockMode wanted, String blocker, String blockerNode, LockMode blockerHolds,
                       LockMode blockerWants) {
        /** Copies the resource path; checks what must be present. */
        public Wait {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(namespace, "namespace");
            resource = List.copyOf(resource);
            Objects.requireNonNull(wanted, "wanted");
            Objects.requireNonNull(blocker, "blocker");
        }

        /** The root resource's name: the tree the resource is in. */
        public String tree() {
            return resource.get(0);
        }

        /** One line: who waits for what where, and who is in the way with what. */
        public String describe() {
            return "'" + owner + "'" + on(node) + " waits for " + wanted + " on " + String.join("/", resource)
                    + " [tree " + tree() + ", " + namespace + "]"
                    + (held == null ? ", holding nothing there" : ", holding " + held + " there")
                    + "; blocked by '" + blocker + "'" + on(blockerNode)
                    + (blockerHolds != null ? ", which holds " + blockerHolds : "")
                    + (blockerWants != null ? (blockerHolds != null ? " and" : ", which") + " itself waits for " + blockerWants : "");
        }

        private static String on(String node) {
            return node == null ? "" : " on node " + node;
        }
    }

    /** Copies the cycle; checks the victim index. */
    public DeadlockReport {
        Objects.requireNonNull(at, "at");
        cycle = List.copyOf(cycle);
        if (cycle.isEmpty() || victim < 0 || victim >= cycle.size()) {
            throw new IllegalArgumentException("victim " + victim + " is not a wait of a cycle of " + cycle.size());
        }
    }

    /** The wait that was failed to break the cycle. */
    public Wait victimWait() {
        return cycle.get(victim);
    }

    /** The report as text, one line for the cycle and one per wait, the victim's marked. */
    public String describe() {
        StringBuilder b = new StringBuilder("deadlock of ").append(cycle.size()).append(" owner(s) broken at ")
                .append(at).append(" by ").append(manager).append("; victim '").append(victimWait().owner())
                .append("', whose request for ").append(victimWait().wanted()).append(" on ")
                .append(String.join("/", victimWait().resource())).append(" failed with DEADLOCK:");
        for (int i = 0; i < cycle.size(); i++) {
            b.append(System.lineSeparator()).append(i == victim ? "  * " : "    ").append(cycle.get(i).describe());
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
