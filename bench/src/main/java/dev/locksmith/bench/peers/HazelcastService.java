package dev.locksmith.bench.peers;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hazelcast (open source) embedded: one or two members in the benchmark's JVM, joined over TCP-IP
 * on 127.0.0.1 only (multicast and auto-detection off, phone-home off, interfaces limited to
 * 127.0.0.1, a cluster name of its own). A lock is {@link IMap#lock} and {@link IMap#unlock} on a
 * map entry; the open-source edition has no shared mode and no FencedLock (the CP subsystem is
 * enterprise-only). With two members, thread {@code i} calls member {@code i % 2}, and names hash
 * to partitions owned by either member, so about half of the locks go to the other member.
 */
public final class HazelcastService implements LockService {
    private static final String MAP = "locksmith-bench-locks";
    /** Hazelcast logs through java.util.logging; its INFO lines would drown JMH's output. */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<IMap<String, Boolean>> maps = new ArrayList<>();

    /**
     * Starts the members and waits until they form one cluster.
     *
     * @param memberCount 1 or 2
     */
    public HazelcastService(int memberCount) {
        String cluster = "locksmith-bench-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            ports.add(Loopback.freePort());
        }
        try {
            for (int port : ports) {
                HazelcastInstance member = Hazelcast.newHazelcastInstance(config(cluster, port, ports));
                members.add(member);
                maps.add(member.getMap(MAP));
            }
            int seen = members.get(0).getCluster().getMembers().size();
            if (seen != memberCount) {
                throw new IllegalStateException("Hazelcast formed a cluster of " + seen + " members, expected " + memberCount);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Config config(String cluster, int port, List<Integer> ports) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(Loopback.ADDRESS);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int p : ports) {
            join.getTcpIpConfig().addMember(Loopback.ADDRESS + ":" + p);
        }
        return config;
    }

    @Override
    public boolean supportsShared() {
        return false;
    }

    @Override
    public Session session(int thread) {
        IMap<String, Boolean> map = maps.get(thread % maps.size());
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) {
                LockService.refuseShared(shared, "Hazelcast IMap.lock");
                map.lock(name);
                return name;
            }

            @Override
            public void unlock(Object held) {
                map.unlock((String) held);
            }
        };
    }

    @Override
    public void close() {
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).getLifecycleService().terminate();
        }
        members.clear();
        maps.clear();
    }
}
