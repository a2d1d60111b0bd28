package dev.locksmith.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history checker of the stress tests: callers note, on one global clock, intervals during
 * which an owner certainly held a mode on a resource (from just after a grant returned to just
 * before the call that could lower it), which lie inside the real hold intervals; the checker
 * then finds any two incompatible modes of different owners held at once on a resource.
 * Thread-safe: many workers (on many nodes of an in-JVM cluster) record into one history.
 */
public final class HoldHistory {
    /** {@code owner} certainly held {@code mode} on {@code resource} from {@code from} to {@code to}. */
    public record Held(String resource, String owner, LockMode mode, long from, long to) {
    }

    private final AtomicLong clock = new AtomicLong();
    private final ConcurrentLinkedQueue<Held> history = new ConcurrentLinkedQueue<>();

    /** The next tick of the global clock. */
    public long tick() {
        return clock.incrementAndGet();
    }

    /** Notes that {@code owner} held {@code mode} on {@code resource} from tick {@code from} to {@code to}. */
    public void record(String resource, String owner, LockMode mode, long from, long to) {
        history.add(new Held(resource, owner, mode, from, to));
    }

    /** How many intervals were recorded. */
    public int size() {
        return history.size();
    }

    /** Sweeps each resource's intervals in start order and returns every overlapping incompatible pair. */
    public List<String> incompatibleOverlaps() {
        Map<String, List<Held>> byResource = new HashMap<>();
        for (Held h : history) {
            byResource.computeIfAbsent(h.resource(), k -> new ArrayList<>()).add(h);
        }
        List<String> violations = new ArrayList<>();
        for (List<Held> intervals : byResource.values()) {
            intervals.sort(Comparator.comparingLong(Held::from));
            List<Held> active = new ArrayList<>();
            for (Held h : intervals) {
                active.removeIf(a -> a.to() <= h.from());
                for (Held a : active) {
                    if (!a.owner().equals(h.owner()) && !a.mode().compatibleWith(h.mode())) {
                        violations.add(a + " overlaps " + h);
                    }
                }
                active.add(h);
            }
        }
        return violations;
    }
}
