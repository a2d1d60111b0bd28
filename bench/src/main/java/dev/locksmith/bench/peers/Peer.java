package dev.locksmith.bench.peers;

import java.util.Arrays;
import java.util.List;

/**
 * The lock services in the comparison, each with the label the results table shows, whether it
 * has a shared mode, and whether it must run in a JVM of its own (the JGroups 5.3 peers, whose
 * JGroups cannot share a class path with the project's JGroups 5.5), and whether it is a Locksmith
 * cluster row (which the quick mode runs on one workload only, since each trial starts three nodes).
 */
public enum Peer {
    /** Locksmith embedded: the lock manager in the caller's JVM. */
    LOCKSMITH("Locksmith embedded (EX / PR)", true, false),
    /**
     * Locksmith embedded on the cluster rows' workload: each thread's owner holds the root
     * {@value LocksmithClusterService#ROOT} in CR and every name is a sublock of it.
     */
    LOCKSMITH_SUBLOCKS("Locksmith embedded, sublocks of a CR root (the cluster rows' workload)", true, false),
    /** The floor: ReentrantReadWriteLocks by name in a ConcurrentHashMap. */
    JDK("JDK ReentrantReadWriteLock by name (floor)", true, false),
    /** Curator InterProcessMutex on an in-process ZooKeeper. */
    CURATOR_MUTEX("Curator InterProcessMutex, ZooKeeper in-process", false, false),
    /** Curator InterProcessReadWriteLock on an in-process ZooKeeper. */
    CURATOR_RW("Curator InterProcessReadWriteLock, ZooKeeper in-process", true, false),
    /** Hazelcast IMap.lock on a single embedded member. */
    HAZELCAST_1("Hazelcast IMap.lock, 1 member", false, false),
    /** Hazelcast IMap.lock on a two-member cluster in this JVM. */
    HAZELCAST_2("Hazelcast IMap.lock, 2 members", false, false),
    /** JGroups 5.3 LockService (CENTRAL_LOCK2), one member, in a JVM of its own. */
    JGROUPS_1("JGroups 5.3 LockService CENTRAL_LOCK2, 1 member (own JVM)", false, true),
    /** JGroups 5.3 LockService (CENTRAL_LOCK2), two members, calls from the non-coordinator. */
    JGROUPS_2("JGroups 5.3 LockService CENTRAL_LOCK2, 2 members (own JVM)", false, true),
    /** Locksmith on node 0 of a 3-node cluster, the locks' tree mastered on node 0. */
    CLUSTER_LOCAL("Locksmith, 3-node JGroups cluster, lock mastered locally", true, false),
    /** Locksmith on node 0 of a 3-node cluster, the locks' tree mastered on node 1 (node 0 never remasters it). */
    CLUSTER_REMOTE("Locksmith, 3-node JGroups cluster, lock mastered remotely", true, false);

    private final String label;
    private final boolean shared;
    private final boolean isolated;

    Peer(String label, boolean shared, boolean isolated) {
        this.label = label;
        this.shared = shared;
        this.isolated = isolated;
    }

    /** How the results table names this service. */
    public String label() {
        return label;
    }

    /** True when the service has a shared (read) mode, so it takes part in the read-mostly mix. */
    public boolean shared() {
        return shared;
    }

    /** True when the service must run in a JVM of its own. */
    public boolean isolated() {
        return isolated;
    }

    /**
     * Starts the service.
     *
     * @return the running service; the caller closes it
     * @throws Exception when it does not start
     */
    public LockService open() throws Exception {
        return switch (this) {
            case LOCKSMITH -> new LocksmithService(false);
            case LOCKSMITH_SUBLOCKS -> new LocksmithService(true);
            case JDK -> new JdkService();
            case CURATOR_MUTEX -> new CuratorService(false);
            case CURATOR_RW -> new CuratorService(true);
            case HAZELCAST_1 -> new HazelcastService(1);
            case HAZELCAST_2 -> new HazelcastService(2);
            case JGROUPS_1 -> new JGroupsLockService(1);
            case JGROUPS_2 -> new JGroupsLockService(2);
            case CLUSTER_LOCAL -> new LocksmithClusterService(false);
            case CLUSTER_REMOTE -> new LocksmithClusterService(true);
        };
    }

    /** True for the Locksmith cluster rows. */
    public boolean cluster() {
        return this == CLUSTER_LOCAL || this == CLUSTER_REMOTE;
    }

    /** The peers with {@link #isolated()} equal to the argument, in table order. */
    static List<Peer> where(boolean isolated) {
        return Arrays.stream(values()).filter(p -> p.isolated == isolated).toList();
    }
}
