package dev.locksmith.lock.cluster;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ports for several nodes on 127.0.0.1 of one machine (tests, benchmarks, a demo cluster), for
 * {@link ClusterLockManager.Builder#bindPort} with the default stack: each TCP port is found free
 * together with the failure-detection ports its node binds after it (FD_SOCK2: {@code offset} 100
 * past the transport's port unless the {@code locksmith.fd_sock.offset} property says otherwise,
 * and the first free of the 6 from there), and none of them is one of another node's. A port
 * taken only by a node's failure detection, its own or another node's, made the node that wanted
 * it for its transport fail to start ({@link java.net.BindException}) or join alone.
 *
 * <p>All the ports are held while the others are found, then let go: another process may still
 * take one before its node binds it, so a caller that must start for sure retries with new ports.
 * Stateless and thread-safe; binds and closes server sockets only.
 */
public final class LoopbackPorts {
    private static final int FD_SOCK_OFFSET = Integer.getInteger("locksmith.fd_sock.offset", 100);
    private static final int FD_SOCK_PORTS = 6;

    private LoopbackPorts() {
    }

    /**
     * {@code n} transport ports as the class describes.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IOException              if the loopback address cannot be bound at all
     */
    public static int[] free(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, was " + n);
        }
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try {
            for (int i = 0; i < n; ) {
                ServerSocket s = new ServerSocket(0, 1, loopback);
                held.add(s);
                int port = s.getLocalPort();
                List<ServerSocket> detection = bindAll(loopback, port + FD_SOCK_OFFSET, FD_SOCK_PORTS, taken);
                if (detection == null || taken.contains(port)) {
                    continue; // the ephemeral port stays held, so it is not offered again
                }
                held.addAll(detection);
                taken.add(port);
                for (int k = 0; k < FD_SOCK_PORTS; k++) {
                    taken.add(port + FD_SOCK_OFFSET + k);
                }
                ports[i++] = port;
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    /** Binds {@code count} ports from {@code first}, or none and null if one is in use or in {@code taken}. */
    private static List<ServerSocket> bindAll(InetAddress address, int first, int count, Set<Integer> taken)
            throws IOException {
        List<ServerSocket> bound = new ArrayList<>();
        try {
            for (int port = first; port < first + count; port++) {
                if (port > 65535 || taken.contains(port)) {
                    throw new BindException("port " + port + " is not to be had");
                }
                bound.add(new ServerSocket(port, 1, address));
            }
            return bound;
        } catch (BindException e) {
            for (ServerSocket s : bound) {
                s.close();
            }
            return null;
        }
    }
}
