package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.HoldHistory;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers on every node of a three-node TCP cluster make random requests on a few trees
 * (mastered wherever they were first used) and record what they certainly held into one
 * {@link HoldHistory}; the checker proves no two incompatible modes were held at once anywhere.
 * Cross-node deadlocks are broken by the requests' timeouts. In the second test node 2 crashes
 * half-way: its holds count until the moment of the crash, and the survivors go on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterHistoryTest {
    private static final String[] RESOURCES = {"H0", "H1", "H2", "H3"};
    private static final int WORKERS_PER_NODE = 2;
    private static final Duration RUN_FOR = Duration.ofSeconds(3);

    private final HoldHistory history = new HoldHistory();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    private volatile long crashTick = Long.MAX_VALUE;

    @Test
    void incompatibleLocksAreNeverHeldAtOnceAcrossNodes() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-" + System.nanoTime(), 3, 3)) {
            run(cluster, false);
        }
        assertThat(granted.get()).as("grants").isGreaterThan(50);
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    @Test
    void incompatibleLocksAreNeverHeldAtOnceWhenANodeCrashesMidRun() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-crash-" + System.nanoTime(), 3, 2)) {
            run(cluster, true);
        }
        assertThat(granted.get()).as("grants").isGreaterThan(50);
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    private void run(ClusterTestSupport cluster, boolean crashNode2) throws Exception {
        long deadline = System.nanoTime() + RUN_FOR.toNanos();
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int n = 0; n < 3; n++) {
            for (int w = 0; w < WORKERS_PER_NODE; w++) {
                boolean doomed = crashNode2 && n == 2;
                LockOwner owner = cluster.node(n).newOwner("n" + n + "w" + w);
                long seed = 7 + 10L * n + w;
                Thread t = new Thread(() -> {
                    try {
                        work(owner, new SplittableRandom(seed), deadline, doomed);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, new AssertionError("worker " + owner.name() + " failed", e));
                    }
                }, "cluster-stress-" + owner.name());
                workers.add(t);
                t.start();
            }
        }
        if (crashNode2) {
            Thread.sleep(RUN_FOR.toMillis() / 2);
            crashTick = history.tick();
            cluster.node(2).crashForTest();
        }
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as("worker %s ended", t.getName()).isFalse();
        }
        assertThat(failure.get()).isNull();
    }

    private void work(LockOwner owner, SplittableRandom random, long deadline, boolean doomed) throws InterruptedException {
        Map<String, Lock> held = new HashMap<>();
        Map<String, long[]> since = new HashMap<>();
        try {
            while (System.nanoTime() < deadline) {
                String resource = RESOURCES[random.nextInt(RESOURCES.length)];
                LockMode mode = LockMode.ofOrdinal(random.nextInt(6));
                Lock lock = held.get(resource);
                if (lock == null) {
                    Lock l = request(() -> owner.enqueue(options(LockRequest.of(resource, mode), random)));
                    if (l != null) {
                        held.put(resource, l);
                        since.put(resource, new long[] {history.tick(), mode.ordinal()});
                    }
                } else if (random.nextInt(10) < 5) {
                    record(resource, owner, since.get(resource), history.tick(), doomed);
                    Lock l = request(() -> owner.convert(lock, options(LockRequest.conversionTo(mode), random)));
                    LockMode now = l != null ? mode : lock.grantedMode();
                    since.put(resource, new long[] {history.tick(), now.ordinal()});
                } else {
                    record(resource, owner, since.get(resource), history.tick(), doomed);
                    owner.dequeue(lock);
                    held.remove(resource);
                }
            }
            for (Map.Entry<String, Lock> e : held.entrySet()) {
                record(e.getKey(), owner, since.get(e.getKey()), history.tick(), doomed);
            }
            owner.close();
        } catch (LockException e) {
            if (!doomed || e.status() != LockStatus.SHUTDOWN) {
                throw e;
            }
            for (String resource : held.keySet()) {
                record(resource, owner, since.get(resource), crashTick, true);
            }
        }
    }

    private static LockRequest options(LockRequest r, SplittableRandom random) {
        return random.nextInt(4) == 0 ? r.withFlags(LockFlag.NOQUEUE)
                : r.withTimeout(Duration.ofMillis(20 + random.nextInt(80)));
    }

    private interface Request {
        Lock make() throws InterruptedException;
    }

    private Lock request(Request r) throws InterruptedException {
        requests.incrementAndGet();
        try {
            Lock l = r.make();
            granted.incrementAndGet();
            return l;
        } catch (LockException e) {
            if (e.status() == LockStatus.SHUTDOWN) {
                throw e;
            }
            assertThat(e.status()).as(e.getMessage()).isIn(LockStatus.NOTQUEUED, LockStatus.TIMEOUT, LockStatus.DEADLOCK,
                    LockStatus.CANCELLED);
            return null;
        }
    }

    private void record(String resource, LockOwner owner, long[] since, long until, boolean doomed) {
        long to = doomed ? Math.min(until, crashTick) : until;
        if (since[0] < to) {
            history.record(resource, owner.name(), LockMode.ofOrdinal((int) since[1]), since[0], to);
        }
    }
}
