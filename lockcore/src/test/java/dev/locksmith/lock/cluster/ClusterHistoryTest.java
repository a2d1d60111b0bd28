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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers on every node of a three-node TCP cluster make random requests on a few trees
 * (mastered wherever they were first used) and record what they certainly held into one
 * {@link HoldHistory}; the checker proves no two incompatible modes were held at once anywhere.
 * Cross-node deadlocks are broken by the requests' timeouts. In the second test node 2 crashes
 * half-way: its holds count until the moment of the crash, and the survivors go on. In the third
 * node 2 is cut off half-way and its workers go on too: its holds count until their locks are
 * cleared there (its quorum lease ran out), while the majority takes over its trees and locks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterHistoryTest {
    private static final String[] RESOURCES = {"H0", "H1", "H2", "H3"};
    private static final int WORKERS_PER_NODE = 2;

    private enum Fate { NONE, CRASH, CUT }

    private final HoldHistory history = new HoldHistory();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    /** When each of node 2's locks was cleared there, by tick. */
    private final Map<Lock, Long> clearedAt = new ConcurrentHashMap<>();
    private volatile long crashTick = Long.MAX_VALUE;

    @Test
    void incompatibleLocksAreNeverHeldAtOnceAcrossNodes() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-" + System.nanoTime(), 3, 3)) {
            run(cluster, Fate.NONE, Duration.ofSeconds(3));
        }
        assertThat(granted.get()).as("grants").isGreaterThan(50);
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    @Test
    void incompatibleLocksAreNeverHeldAtOnceWhenANodeCrashesMidRun() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-crash-" + System.nanoTime(), 3, 2)) {
            run(cluster, Fate.CRASH, Duration.ofSeconds(3));
        }
        assertThat(granted.get()).as("grants").isGreaterThan(50);
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    @Test
    void incompatibleLocksAreNeverHeldAtOnceWhenANodeIsCutOffMidRun() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-cut-" + System.nanoTime(), 3, 3)) {
            // long enough for the majority to notice (2 s), wait out the lease and work on
            run(cluster, Fate.CUT, Duration.ofSeconds(7));
        }
        assertThat(clearedAt).as("node 2's locks cleared when cut off").isNotEmpty();
        assertThat(granted.get()).as("grants").isGreaterThan(50);
        assertThat(history.incompatibleOverlaps()).isEmpty();
    }

    private void run(ClusterTestSupport cluster, Fate fate, Duration runFor) throws Exception {
        DISCARD cut = new DISCARD();
        cluster.node(2).channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
        long deadline = System.nanoTime() + runFor.toNanos();
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int n = 0; n < 3; n++) {
            for (int w = 0; w < WORKERS_PER_NODE; w++) {
                boolean doomed = fate != Fate.NONE && n == 2;
                LockOwner owner = cluster.node(n).newOwner("n" + n + "w" + w);
                owner.addClearListener((o, locks) -> {
                    long tick = history.tick();
                    locks.forEach(l -> clearedAt.putIfAbsent(l, tick));
                });
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
        if (fate != Fate.NONE) {
            Thread.sleep(runFor.toMillis() / 2);
            if (fate == Fate.CRASH) {
                crashTick = history.tick();
                cluster.node(2).crashForTest();
            } else {
                cut.discardAll(true);
                // node 2's workers go on (their requests time out or wait) until the deadline;
                // then its node stops, which ends any request of theirs still waiting
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                crashTick = history.tick();
                cluster.node(2).crashForTest();
            }
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
                if (lock != null && clearedAt.containsKey(lock)) {
                    record(resource, owner, since.get(resource), lock, history.tick(), doomed);
                    held.remove(resource);
                } else if (lock == null) {
                    Lock l = request(() -> owner.enqueue(options(LockRequest.of(resource, mode), random)), null);
                    if (l != null) {
                        held.put(resource, l);
                        since.put(resource, new long[] {history.tick(), mode.ordinal()});
                    }
                } else if (random.nextInt(10) < 5) {
                    record(resource, owner, since.get(resource), lock, history.tick(), doomed);
                    Lock l = request(() -> owner.convert(lock, options(LockRequest.conversionTo(mode), random)), lock);
                    LockMode now = l != null ? mode : lock.grantedMode();
                    if (now == null) {
                        held.remove(resource); // cleared while converting: a gone lock shows no mode
                    } else {
                        since.put(resource, new long[] {history.tick(), now.ordinal()});
                    }
                } else {
                    record(resource, owner, since.get(resource), lock, history.tick(), doomed);
                    dequeue(owner, lock);
                    held.remove(resource);
                }
            }
            for (Map.Entry<String, Lock> e : held.entrySet()) {
                record(e.getKey(), owner, since.get(e.getKey()), e.getValue(), history.tick(), doomed);
            }
            owner.close();
        } catch (LockException e) {
            if (!doomed || e.status() != LockStatus.SHUTDOWN) {
                throw e;
            }
            for (Map.Entry<String, Lock> e2 : held.entrySet()) {
                record(e2.getKey(), owner, since.get(e2.getKey()), e2.getValue(), crashTick, true);
            }
        }
    }

    /** Dequeues {@code lock} unless it was cleared meanwhile (then it is gone already). */
    private void dequeue(LockOwner owner, Lock lock) {
        try {
            owner.dequeue(lock);
        } catch (LockException e) {
            if (!wasCleared(lock, e)) {
                throw e;
            }
        }
    }

    /**
     * Whether {@code e} says {@code lock} is gone because its node cleared it: the clear
     * listener that records that runs on the callback thread, so it may come just after.
     */
    private boolean wasCleared(Lock lock, LockException e) {
        if (e.status() != LockStatus.IVLOCKID) {
            return false;
        }
        ClusterTestSupport.awaitTrue("the clear of " + lock + " is recorded", () -> clearedAt.containsKey(lock));
        return true;
    }

    private static LockRequest options(LockRequest r, SplittableRandom random) {
        return random.nextInt(4) == 0 ? r.withFlags(LockFlag.NOQUEUE)
                : r.withTimeout(Duration.ofMillis(20 + random.nextInt(80)));
    }

    private interface Request {
        Lock make() throws InterruptedException;
    }

    /** Makes a request; null if it was refused as a request may be (or its lock, {@code on}, was cleared). */
    private Lock request(Request r, Lock on) throws InterruptedException {
        requests.incrementAndGet();
        try {
            Lock l = r.make();
            granted.incrementAndGet();
            return l;
        } catch (LockException e) {
            if (e.status() == LockStatus.SHUTDOWN) {
                throw e;
            }
            if (on != null && wasCleared(on, e)) {
                return null;
            }
            assertThat(e.status()).as(e.getMessage()).isIn(LockStatus.NOTQUEUED, LockStatus.TIMEOUT,
                    LockStatus.DEADLOCK, LockStatus.CANCELLED);
            return null;
        }
    }

    /** Records a hold of {@code lock} from {@code since} until {@code until}, cut short by a crash or a clear. */
    private void record(String resource, LockOwner owner, long[] since, Lock lock, long until, boolean doomed) {
        long to = doomed ? Math.min(until, crashTick) : until;
        to = Math.min(to, clearedAt.getOrDefault(lock, Long.MAX_VALUE));
        if (since[0] < to) {
            history.record(resource, owner.name(), LockMode.ofOrdinal((int) since[1]), since[0], to);
        }
    }
}
