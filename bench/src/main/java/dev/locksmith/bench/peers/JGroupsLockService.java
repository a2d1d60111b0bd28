package dev.locksmith.bench.peers;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;

/**
 * JGroups' {@code LockService} over the CENTRAL_LOCK2 protocol (the coordinator grants locks in
 * arrival order), one or two channels in this JVM on a TCP stack bound to 127.0.0.1 (TCPPING
 * discovery of the members' ports, no multicast, no diagnostics). With two members, thread
 * {@code i} calls member {@code (i + 1) % 2}, so a single thread works on the member that is not
 * the coordinator and every lock and unlock is a round trip to it, as for any but one node of a
 * real cluster.
 *
 * <p>JGroups 5.5, which the rest of the project uses, no longer ships LockService, so this peer
 * needs JGroups 5.3 ({@code bench/target/peers/jgroups-lockservice.jar}) first on the class path
 * of a JVM of its own: {@link PeersComparison} starts that JVM. The class is therefore written
 * against no JGroups API at all; it builds the channel and the service by reflection, and the
 * locks it then uses are plain {@link Lock}s, so the measured path has no reflection in it.
 */
public final class JGroupsLockService implements LockService {
    private final List<Closeable> channels = new ArrayList<>();
    private final List<Object> services = new ArrayList<>();
    private final Method getLock;

    /**
     * Starts the channels, waits for one view holding all of them and opens a lock service on each.
     *
     * @param memberCount 1 or 2
     * @throws Exception when JGroups 5.3 is not on the class path or the members do not join
     */
    public JGroupsLockService(int memberCount) throws Exception {
        Class<?> channelType;
        Class<?> serviceType;
        try {
            channelType = Class.forName("org.jgroups.JChannel");
            serviceType = Class.forName("org.jgroups.blocks.locking.LockService");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("JGroups' LockService is not on the class path: this peer needs JGroups 5.3 "
                    + "(bench/target/peers/jgroups-lockservice.jar) in a JVM of its own, as PeersComparison runs it", e);
        }
        getLock = serviceType.getMethod("getLock", String.class);
        String cluster = "locksmith-bench-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            ports.add(Loopback.freePort());
        }
        try {
            for (int port : ports) {
                InputStream config = new ByteArrayInputStream(stack(port, ports).getBytes(StandardCharsets.UTF_8));
                Closeable channel = (Closeable) channelType.getConstructor(InputStream.class).newInstance(config);
                channels.add(channel);
                channelType.getMethod("setName", String.class).invoke(channel, "member-" + port);
                channelType.getMethod("connect", String.class).invoke(channel, cluster);
                services.add(serviceType.getConstructor(channelType).newInstance(channel));
            }
            awaitView(channelType, memberCount);
        } catch (InvocationTargetException e) {
            close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** A TCP stack on 127.0.0.1 with CENTRAL_LOCK2 on top. */
    private static String stack(int port, List<Integer> ports) {
        String hosts = ports.stream().map(p -> Loopback.ADDRESS + "[" + p + "]").collect(Collectors.joining(","));
        return """
                <config xmlns="urn:org:jgroups">
                  <TCP bind_addr="%s" bind_port="%d" port_range="0" diag.enabled="false"
                       thread_pool.min_threads="0" thread_pool.max_threads="50"/>
                  <TCPPING initial_hosts="%s" port_range="0"/>
                  <MERGE3 min_interval="10s" max_interval="30s"/>
                  <FD_ALL3 timeout="40s" interval="5s"/>
                  <VERIFY_SUSPECT2 timeout="1.5s"/>
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE desired_avg_gossip="50s" max_bytes="4M"/>
                  <pbcast.GMS print_local_addr="false" join_timeout="1s"/>
                  <MFC max_credits="10M" min_threshold="0.4"/>
                  <UFC max_credits="10M" min_threshold="0.4"/>
                  <FRAG4 frag_size="60K"/>
                  <CENTRAL_LOCK2/>
                </config>
                """.formatted(Loopback.ADDRESS, port, hosts);
    }

    private void awaitView(Class<?> channelType, int memberCount) throws Exception {
        Method view = channelType.getMethod("getView");
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (Object channel : channels) {
            while (true) {
                Object v = view.invoke(channel);
                int size = (int) v.getClass().getMethod("size").invoke(v);
                if (size == memberCount) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JGroups members did not form one view of " + memberCount + ": " + v);
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public boolean supportsShared() {
        return false;
    }

    @Override
    public Session session(int thread) {
        Object service = services.get((thread + 1) % services.size());
        Map<String, Lock> locks = new HashMap<>();
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) throws Exception {
                LockService.refuseShared(shared, "JGroups LockService");
                Lock l = locks.get(name);
                if (l == null) {
                    l = (Lock) getLock.invoke(service, name);
                    locks.put(name, l);
                }
                l.lock();
                return l;
            }

            @Override
            public void unlock(Object held) {
                ((Lock) held).unlock();
            }
        };
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (int i = channels.size() - 1; i >= 0; i--) {
            try {
                channels.get(i).close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        channels.clear();
        services.clear();
        if (first != null) {
            throw first;
        }
    }
}
