package dev.locksmith.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Apache Curator lock recipes on ZooKeeper: an in-process ZooKeeper ({@code curator-test}
 * {@link TestingServer}) whose client port listens on 127.0.0.1 only (admin server off), and one
 * {@link CuratorFramework} client shared by all threads, as an application has one.
 *
 * <p>Two recipes: {@link InterProcessMutex} (exclusive only) and {@link InterProcessReadWriteLock}
 * (its write lock for exclusive, its read lock for shared). Each thread keeps its recipe object
 * per name, so a lock is the recipe's acquire and release: a sequential ephemeral znode created
 * and deleted, plus a children listing, per lock.
 */
public final class CuratorService implements LockService {
    private static final String ROOT = "/locksmith-bench/";

    private final boolean readWrite;
    private final TestingServer server;
    private final CuratorFramework client;

    /**
     * Starts ZooKeeper and connects the client.
     *
     * @param readWrite true for {@link InterProcessReadWriteLock}, false for {@link InterProcessMutex}
     * @throws Exception when ZooKeeper does not start or the client cannot connect
     */
    public CuratorService(boolean readWrite) throws Exception {
        this.readWrite = readWrite;
        Map<String, Object> zkProperties = Map.of(
                "clientPortAddress", Loopback.ADDRESS,
                "admin.enableServer", "false");
        InstanceSpec spec = new InstanceSpec(Files.createTempDirectory("locksmith-bench-zk").toFile(),
                Loopback.freePort(), -1, -1, true, 1, 2000, 1000, zkProperties, Loopback.ADDRESS);
        server = new TestingServer(spec, true);
        boolean started = false;
        CuratorFramework c = null;
        try {
            c = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
            c.start();
            if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Curator did not connect to " + server.getConnectString());
            }
            started = true;
        } finally {
            if (!started) {
                if (c != null) {
                    c.close();
                }
                server.close();
            }
        }
        client = c;
    }

    @Override
    public boolean supportsShared() {
        return readWrite;
    }

    @Override
    public Session session(int thread) {
        Map<String, InterProcessMutex> mutexes = new HashMap<>();
        Map<String, InterProcessReadWriteLock> rwLocks = new HashMap<>();
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) throws Exception {
                InterProcessMutex m;
                if (readWrite) {
                    InterProcessReadWriteLock rw = rwLocks.computeIfAbsent(name, n -> new InterProcessReadWriteLock(client, ROOT + n));
                    m = shared ? rw.readLock() : rw.writeLock();
                } else {
                    LockService.refuseShared(shared, "Curator InterProcessMutex");
                    m = mutexes.computeIfAbsent(name, n -> new InterProcessMutex(client, ROOT + n));
                }
                m.acquire();
                return m;
            }

            @Override
            public void unlock(Object held) throws Exception {
                ((InterProcessMutex) held).release();
            }
        };
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
