package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Starts in-JVM clusters of real JGroups TCP nodes on 127.0.0.1, on ports found free at the
 * start (tried again on other ports, twice at most, if another process took one before the
 * node bound it), and closes them. Failure detection and merging are shortened through the stack's system
 * properties so crash and partition tests finish in seconds.
 */
final class ClusterTestSupport implements AutoCloseable {
    static {
        System.setProperty("java.net.preferIPv4Stack", "true");
        System.setProperty("locksmith.fd.timeout", "2000");
        System.setProperty("locksmith.fd.interval", "500");
        System.setProperty("locksmith.verify.timeout", "500");
        System.setProperty("locksmith.merge.min", "1000");
        System.setProperty("locksmith.merge.max", "2000");
        System.setProperty("locksmith.join.timeout", "500");
    }

    /**
     * What JGroups logs (through java.util.logging, when nothing else is on the class path):
     * looked through for nodes that gave up joining and formed a cluster of their own.
     */
    private static final LogCapture JGROUPS_LOG = LogCapture.install("org.jgroups", java.util.logging.Level.WARNING);

    final List<ClusterLockManager> nodes = new ArrayList<>();
    /** How much JGroups had logged when this cluster started (see {@link #awaitView}). */
    private final int logBefore = JGROUPS_LOG.messages().size();
    private final String clusterName;
    private final int[] ports;
    private final String initialHosts;

    private ClusterTestSupport(String clusterName, int size) throws IOException {
        this.clusterName = clusterName;
        this.ports = freePorts(size);
        StringJoiner hosts = new StringJoiner(",");
        for (int port : ports) {
            hosts.add("127.0.0.1[" + port + "]");
        }
        this.initialHosts = hosts.toString();
    }

    /**
     * The quorum lease term of tests whose subject is neither the lease nor a node leaving: long
     * enough that no scheduling delay of a loaded machine lapses it (the default half second
     * lapsed under load 7-10 on two cores, and the lapse's clear took locks the test held). Pings
     * go every quarter term, and one goes at once on every view change, so the lease is held as
     * soon as the view is; but survivors wait a departed node's lease out (plus a fifth) before
     * freeing its locks, so tests where nodes leave keep the default, and tests of the lease set
     * their own.
     */
    static final Duration UNHURRIED_LEASE = Duration.ofSeconds(10);

    /** A cluster of {@code size} nodes named n0.., expecting {@code expectedVotes}, all joined and ready. */
    static ClusterTestSupport start(String clusterName, int size, int expectedVotes) throws IOException {
        return startWith(clusterName, size, b -> b.expectedVotes(expectedVotes));
    }

    /**
     * As {@link #start} with the {@link #UNHURRIED_LEASE}, returned once every node holds its
     * lease: for tests whose subject is not the lease, and where no node leaves.
     */
    static ClusterTestSupport startUnhurried(String clusterName, int size, int expectedVotes) throws IOException {
        ClusterTestSupport cluster = startWith(clusterName, size,
                b -> b.expectedVotes(expectedVotes).quorumLease(UNHURRIED_LEASE));
        try {
            cluster.awaitLeases();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Waits until every live node holds its quorum lease (grants made before would only wait). */
    void awaitLeases() {
        awaitTrue("every node holds its quorum lease", () -> nodes.stream()
                .filter(n -> n.channel().isConnected()).allMatch(ClusterLockManager::isLeaseHeld));
    }

    /**
     * As {@link #start} with each node's builder adjusted by {@code settings}; ports are found for
     * one node more than started, so a test can add an outsider.
     */
    static ClusterTestSupport startWith(String clusterName, int size,
                                        java.util.function.UnaryOperator<ClusterLockManager.Builder> settings)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            ClusterTestSupport cluster = new ClusterTestSupport(clusterName + "-" + attempt, size + 1);
            try {
                for (int i = 0; i < size; i++) {
                    cluster.nodes.add(settings.apply(cluster.builder(i)).build());
                }
            } catch (dev.locksmith.lock.LockException e) {
                cluster.close();
                if (attempt < 3 && isPortTaken(e)) {
                    continue; // another process took a port between finding it free and binding it
                }
                throw e;
            }
            cluster.awaitView(size);
            return cluster;
        }
    }

    private static boolean isPortTaken(Exception e) {
        return String.valueOf(e.getMessage()).contains("BindException");
    }

    /** A cluster of one node per weight, node i with directory weight {@code weights[i]}. */
    static ClusterTestSupport startWeighted(String clusterName, int... weights) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ClusterTestSupport cluster = new ClusterTestSupport(clusterName + "-" + attempt, weights.length);
            try {
                for (int i = 0; i < weights.length; i++) {
                    cluster.nodes.add(cluster.builder(i).expectedVotes(weights.length).directoryWeight(weights[i]).build());
                }
            } catch (dev.locksmith.lock.LockException e) {
                cluster.close();
                if (attempt < 3 && isPortTaken(e)) {
                    continue;
                }
                throw e;
            }
            cluster.awaitView(weights.length);
            return cluster;
        }
    }

    /** A builder for node {@code i} of this cluster, not started. */
    ClusterLockManager.Builder builder(int i) {
        return ClusterLockManager.builder().clusterName(clusterName).nodeName("n" + i).bindAddress("127.0.0.1")
                .bindPort(ports[i]).initialHosts(initialHosts).deadlockWait(Duration.ofMillis(200));
    }

    String clusterName() {
        return clusterName;
    }

    String initialHosts() {
        return initialHosts;
    }

    int port(int i) {
        return ports[i];
    }

    ClusterLockManager node(int i) {
        return nodes.get(i);
    }

    /**
     * Waits until every live node sees {@code size} members and is ready. Fails at once, saying
     * so, if JGroups logged that a node gave up joining and became a singleton (a cluster of its
     * own): it would never see the others, and the wait would only time out.
     */
    void awaitView(int size) {
        awaitTrue("every node sees " + size + " members and is ready", () -> {
            List<String> logged = JGROUPS_LOG.messages();
            List<String> singletons = logged.subList(logBefore, logged.size()).stream()
                    .filter(m -> m.contains("too many JOIN attempts")).toList();
            if (!singletons.isEmpty()) {
                throw new AssertionError("a node of cluster " + clusterName + " could not join and formed a cluster of"
                        + " its own; JGroups logged: " + singletons + ". Its JOIN requests went unanswered: a port"
                        + " of the stack (TCP or FD_SOCK2, see freePorts) taken by another socket, or a coordinator"
                        + " that did not answer within the join timeout (locksmith.join.timeout) on a loaded machine");
            }
            return nodes.stream().filter(n -> n.channel().isConnected())
                    .allMatch(n -> n.isReady() && n.members().size() == size);
        });
    }

    /**
     * The lock-protocol messages sent and received by all live nodes, read once none is in flight
     * (sent and received totals agree), so messages of earlier steps are all counted.
     */
    long quietMessageCount() {
        long[] total = new long[1];
        awaitTrue("no lock message in flight", () -> {
            long sent = 0;
            long received = 0;
            for (ClusterLockManager n : nodes) {
                ClusterStatistics s = n.clusterStatistics();
                sent += s.messagesSent();
                received += s.messagesReceived();
            }
            total[0] = sent + received;
            return sent == received;
        });
        return total[0];
    }

    /**
     * Keeps {@code owner} taking and releasing EX sublocks {@code prefix}0..4 of {@code root} until
     * {@code stop} is set (60 s at the most): activity that draws its tree to the owner's node.
     */
    static void churn(LockOwner owner, Lock root, String prefix, AtomicBoolean stop) {
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int i = 0;
            while (!stop.get() && System.nanoTime() < deadline) {
                Lock sub = owner.enqueue(LockRequest.of(prefix + (i++ % 5), LockMode.EX).withParent(root));
                owner.dequeue(sub);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds {@code b}'s node on a thread of its own, for nodes that must start together (a build
     * waits for the others' part of the first rebuild; on two cores JDK 25's common pool would run
     * such tasks one at a time).
     */
    static java.util.concurrent.FutureTask<ClusterLockManager> buildOnItsOwnThread(ClusterLockManager.Builder b) {
        java.util.concurrent.FutureTask<ClusterLockManager> build = new java.util.concurrent.FutureTask<>(b::build);
        Thread thread = new Thread(build, "build");
        thread.setDaemon(true);
        thread.start();
        return build;
    }

    /** Builds the nodes of {@code builders} together, each on its own thread, and returns them once all are built. */
    static List<ClusterLockManager> buildTogether(List<ClusterLockManager.Builder> builders) throws Exception {
        List<java.util.concurrent.FutureTask<ClusterLockManager>> starting = new ArrayList<>();
        for (ClusterLockManager.Builder b : builders) {
            starting.add(buildOnItsOwnThread(b));
        }
        List<ClusterLockManager> built = new ArrayList<>();
        for (java.util.concurrent.FutureTask<ClusterLockManager> node : starting) {
            built.add(node.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        return built;
    }

    /**
     * The message for a worker thread {@code t} that did not end: where it is, and every live
     * node's locks still waiting as their owners see them, with the node's counters.
     */
    String stillRunning(Thread t) {
        StringBuilder out = new StringBuilder("worker " + t.getName() + " ended; it is still in\n");
        for (StackTraceElement e : t.getStackTrace()) {
            out.append("    at ").append(e).append('\n');
        }
        out.append("\nthe nodes' waiting requests:\n");
        for (ClusterLockManager node : nodes) {
            if (!node.channel().isConnected()) {
                continue;
            }
            for (LockOwner owner : node.owners()) {
                owner.locks().stream().filter(l -> l.status() == dev.locksmith.lock.LockStatus.PENDING)
                        .forEach(l -> out.append("    ").append(node.name()).append(' ').append(l).append('\n'));
            }
            out.append("    ").append(node.name()).append(": ").append(node.clusterStatistics()).append('\n');
        }
        return out.toString();
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s for: " + what).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** {@code n} transport ports for nodes on 127.0.0.1 ({@link LoopbackPorts#free}). */
    static int[] freePorts(int n) throws IOException {
        return LoopbackPorts.free(n);
    }

    @Override
    public void close() {
        for (ClusterLockManager n : nodes) {
            n.close();
        }
    }

    /**
     * Node {@code master} masters {@code root}'s tree, then drops it (with no empty-tree retention)
     * while its DROP is held, so the tree's directory node still names it the master. Returns the
     * hold; the caller releases it.
     */
    HoldMessages masteredThenDroppedWithDropHeld(int master, String root) throws Exception {
        HoldMessages drop = HoldMessages.install(node(master), Wire.DROP);
        LockOwner first = node(master).newOwner("first");
        first.dequeue(first.enqueue(root, LockMode.EX));
        awaitTrue("node " + master + " dropped the tree, its DROP held", () -> drop.heldCount() == 1);
        return drop;
    }

    /** A root name whose directory node among {@code members} is {@code node}. */
    static String rootDirectedTo(org.jgroups.Address node, List<org.jgroups.Address> members) {
        for (int i = 0; ; i++) {
            String name = "parked-" + i;
            if (DirectoryHash.nodeOf(new TreeKey(dev.locksmith.lock.Namespace.group(0), name), members).equals(node)) {
                return name;
            }
        }
    }
}
