package dev.locksmith.lock.cluster;

import java.util.List;
import org.jgroups.Address;

/**
 * Which member holds a tree's directory entry: weighted rendezvous hashing of (namespace, root
 * name) over the view, so every member computes the same answer from the same view, and a view
 * change moves only the entries of the trees whose node left or whose new member now scores
 * highest. A member's weight is its directory weight (VMS LOCKDIRWT, carried in its address:
 * {@link ClusterChannel#directoryWeight}); a member of weight 0 holds no entry unless every member
 * has weight 0, when all count as 1.
 *
 * <p>Stateless and thread-safe.
 */
final class DirectoryHash {
    private DirectoryHash() {
    }

    /**
     * The directory node of {@code tree} among {@code members}: the member with the highest
     * weighted rendezvous score (null only if there are no members).
     */
    static Address nodeOf(TreeKey tree, List<Address> members) {
        boolean anyWeight = false;
        for (Address m : members) {
            anyWeight |= ClusterChannel.directoryWeight(m) > 0;
        }
        long treeHash = tree.namespace().kind().ordinal() * 1_000_003L + tree.namespace().group() * 31L
                + tree.rootName().hashCode();
        Address best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Address m : members) {
            int w = anyWeight ? ClusterChannel.directoryWeight(m) : 1;
            if (w == 0) {
                continue;
            }
            long h = mix(treeHash * 0x9E3779B97F4A7C15L + m.hashCode());
            double u = ((h >>> 11) + 1) * 0x1.0p-53;
            double score = -w / Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = m;
            }
        }
        return best;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
