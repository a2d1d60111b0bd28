package dev.locksmith.bench.cluster;

import dev.locksmith.lock.cluster.ClusterLockManager;
import dev.locksmith.lock.cluster.LoopbackPorts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * In-JVM clusters for the cluster benchmarks: real JGroups TCP nodes on 127.0.0.1, on ports found
 * free at the start, with FD_ALL3 shortened to 2 s unless given with -D (a killed node's closed
 * socket is noticed at once by FD_SOCK2 and checked by VERIFY_SUSPECT2 with the stack's default
 * wait, 200 ms). Not thread-safe; start, use, close. Public for the peers comparison
 * ({@code dev.locksmith.bench.peers.LocksmithClusterService}), which runs its cluster rows on it.
 */
public final class LoopbackCluster implements AutoCloseable {
    static {
        // defaults only: -D on the JMH command line (with -jvmArgsAppend) wins
        System.getProperties().putIfAbsent("java.net.preferIPv4Stack", "true");
        System.getProperties().putIfAbsent("locksmith.fd.timeout", "2000");
        System.getProperties().putIfAbsent("locksmith.fd.interval", "500");
        System.getProperties().putIfAbsent("locksmith.join.timeout", "500");
    }

    final List<ClusterLockManager> nodes = new ArrayList<>();

    /** Starts {@code size} nodes expecting {@code expectedVotes} and waits until all see each other. */
    LoopbackCluster(String name, int size, int expectedVotes) throws IOException, InterruptedException {
        this(name, size, expectedVotes, 5);
    }

    /** As above, node 0 with remaster weight {@code node0RemasterWeight} (0: it never takes a tree). */
    public LoopbackCluster(String name, int size, int expectedVotes, int node0RemasterWeight)
            throws IOException, InterruptedException {
        this(name, size, expectedVotes, node0RemasterWeight, Duration.ofSeconds(1));
    }

    /**
     * As above, every node with {@code deadlockWait} (the builder's default is 1 s; zero: no
     * deadlock search, as the peers comparison's embedded row runs).
     */
    public LoopbackCluster(String name, int size, int expectedVotes, int node0RemasterWeight, Duration deadlockWait)
            throws IOException, InterruptedException {
        int[] ports = freePorts(size);
        StringJoiner hosts = new StringJoiner(",");
        for (int port : ports) {
            hosts.add("127.0.0.1[" + port + "]");
        }
        for (int i = 0; i < size; i++) {
            nodes.add(ClusterLockManager.builder().clusterName(name).nodeName("n" + i).bindAddress("127.0.0.1")
                    .bindPort(ports[i]).initialHosts(hosts.toString()).expectedVotes(expectedVotes)
                    .remasterWeight(i == 0 ? node0RemasterWeight : 5).deadlockWait(deadlockWait).build());
        }
        awaitMembers(size);
    }

    /** {@code n} transport ports for the nodes ({@link LoopbackPorts#free}: their failure detection's ports free too). */
    static int[] freePorts(int n) throws IOException {
        return LoopbackPorts.free(n);
    }

    /** Node {@code index} (0 .. size - 1), in the order the nodes were started. */
    public ClusterLockManager node(int index) {
        return nodes.get(index);
    }

    /** Waits until every live node is ready with {@code size} members. */
    void awaitMembers(int size) throws InterruptedException {
        while (!nodes.stream().filter(n -> n.channel().isConnected())
                .allMatch(n -> n.isReady() && n.members().size() == size)) {
            Thread.sleep(5);
        }
    }

    /** Lock-protocol messages sent by all nodes so far. */
    public long messagesSent() {
        return nodes.stream().mapToLong(n -> n.clusterStatistics().messagesSent()).sum();
    }

    @Override
    public void close() {
        nodes.forEach(ClusterLockManager::close);
    }
}
