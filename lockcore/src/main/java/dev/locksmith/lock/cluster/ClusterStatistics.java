package dev.locksmith.lock.cluster;

/**
 * Cluster counters of one node since it started. Counters only grow.
 *
 * @param messagesSent     lock-protocol messages this node sent (a batch counts once)
 * @param messagesReceived lock-protocol messages this node received
 * @param directoryLookups directory lookups sent to another node
 * @param rebuilds         lock database rebuilds completed (one per view change)
 * @param remasters        trees this node gave to a busier node (dynamic remastering)
 * @param treesMastered    resource trees mastered here now, LOCAL trees excluded
 * @param directoryEntries resource trees whose directory entry this node holds now
 * @param hasQuorum        whether this node's view holds a majority of the expected votes
 * @param hasLease         whether a majority of the expected votes answered this node's pings
 *                         within the quorum lease term, so it may grant (see {@link QuorumLease})
 */
public record ClusterStatistics(long messagesSent, long messagesReceived, long directoryLookups, long rebuilds, long remasters,
                                int treesMastered, int directoryEntries, boolean hasQuorum,
                                boolean hasLease) {
}
