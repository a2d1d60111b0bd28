package dev.locksmith.lock.cluster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;

/**
 * Which members came back after the others excluded them, and since which view: what such a
 * member sent before it came back is void. When a node installs a view with quorum, the members
 * that left it lose their locks here and their trees are rebuilt from the owners' copies; a
 * message one of them sent before that (a grant it checked against its lease just before it was
 * paused or cut off, say) may still arrive after it merged back, and must then grant or ask
 * nothing ({@link Incoming} drops it).
 *
 * <p>A member that never comes back (a restarted node has a new address) would be remembered for
 * good, so only the {@value #REMEMBERED} latest departures are: a member that left that many
 * departures ago and comes back only now is taken as one that never left.
 *
 * <p>Not thread-safe: confined to the node's protocol thread.
 */
final class Rejoins {
    static final int REMEMBERED = 4096;

    /** Members that left a view installed with quorum and have not come back since, oldest first. */
    private final Set<Address> left = new LinkedHashSet<>();
    /** Per member that came back after leaving so, the id of the view it came back in. */
    private final Map<Address, Long> backIn = new HashMap<>();

    /**
     * A view is installed: {@code before} were the members of the one before, {@code now} are
     * this one's, {@code viewId} its id; {@code quorum}: this node has quorum in it (only then did
     * the departures cost their locks here).
     */
    void viewInstalled(List<Address> before, List<Address> now, long viewId, boolean quorum) {
        if (quorum) {
            for (Address m : before) {
                if (!now.contains(m)) {
                    left.add(m);
                }
            }
            for (var oldest = left.iterator(); left.size() > REMEMBERED; ) {
                oldest.next();
                oldest.remove();
            }
        }
        backIn.keySet().retainAll(now);
        for (Address m : now) {
            if (left.remove(m)) {
                backIn.put(m, viewId);
            }
        }
    }

    /** Whether {@code from} sent a message of view {@code msgView} before the view it came back in. */
    boolean sentBeforeRejoining(Address from, long msgView) {
        Long back = backIn.get(from);
        return back != null && msgView < back;
    }
}
