package dev.locksmith.rms;

import static dev.locksmith.rms.RecordLockTest.awaitTrue;

import dev.locksmith.lock.cluster.ClusterLockManager;
import dev.locksmith.lock.cluster.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Test helper: a two-node {@link ClusterLockManager} on 127.0.0.1 with free ports, both members
 * ready; two votes expected. It may leave room for more members (a child JVM's node): they count
 * in the initial hosts, and the two here keep a majority without them.
 */
final class TwoNodes implements AutoCloseable {
    final ClusterLockManager node0;
    final ClusterLockManager node1;
    final String cluster;
    /** Every member's host and port, as JGroups' initial hosts. */
    final String hosts;

    /**
     * Transport ports for members outside this JVM (a child JVM's node), found with the two
     * here's in one {@link LoopbackPorts#free} call, so none is another member's transport or
     * failure-detection port; each is in {@link #hosts}.
     */
    final int[] otherPorts;

    TwoNodes() {
        this(0);
    }

    /** Two nodes here, and room in the initial hosts for {@code others} members that will bind {@link #otherPorts}. */
    TwoNodes(int others) {
        cluster = "rms-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int[] ports; // all kept apart from each other's failure-detection ports (LoopbackPorts)
        try {
            ports = LoopbackPorts.free(2 + others);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        otherPorts = Arrays.copyOfRange(ports, 2, ports.length);
        StringJoiner all = new StringJoiner(",");
        for (int port : ports) {
            all.add("127.0.0.1[" + port + "]");
        }
        hosts = all.toString();
        node0 = node(cluster, 0, ports[0], hosts);
        node1 = node(cluster, 1, ports[1], hosts);
        awaitTrue("both nodes see each other", () -> node0.isReady() && node1.isReady()
                && node0.members().size() == 2 && node1.members().size() == 2);
    }

    private static ClusterLockManager node(String cluster, int i, int port, String hosts) {
        return ClusterLockManager.builder().clusterName(cluster).nodeName("n" + i).bindAddress("127.0.0.1").bindPort(port)
                .initialHosts(hosts).expectedVotes(2).deadlockWait(Duration.ofMillis(200)).build();
    }

    /** Closes each of {@code closeables} in order, whatever the ones before threw (test tear-down). */
    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort: the next one must still close
            }
        }
    }

    @Override
    public void close() {
        node1.close();
        node0.close();
    }
}
