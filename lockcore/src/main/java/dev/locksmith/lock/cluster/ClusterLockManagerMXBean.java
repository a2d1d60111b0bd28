package dev.locksmith.lock.cluster;

/**
 * The JMX view of a {@link ClusterLockManager}'s cluster counters, the same figures as
 * {@link ClusterLockManager#clusterStatistics()}. Register the manager itself, e.g. under
 * {@code dev.locksmith:type=Cluster,name=<node>}. Read-only; each attribute is a fresh reading,
 * safe from any thread.
 */
public interface ClusterLockManagerMXBean {
    /** Lock-protocol messages sent. */
    long getMessagesSent();

    /** Lock-protocol messages received. */
    long getMessagesReceived();

    /** Directory lookups sent to other nodes. */
    long getDirectoryLookups();

    /** Lock database rebuilds completed. */
    long getRebuilds();

    /** Trees given to busier nodes. */
    long getRemasters();

    /** Trees mastered here now. */
    int getTreesMastered();

    /** Directory entries held here now. */
    int getDirectoryEntries();

    /** Whether this node's view has quorum. */
    boolean isQuorum();

    /** Whether this node holds its quorum lease (a majority answered its pings lately), so it may grant. */
    boolean isLeaseHeld();
}
