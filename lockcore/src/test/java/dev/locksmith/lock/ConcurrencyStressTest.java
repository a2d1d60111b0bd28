package dev.locksmith.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads make random requests on a few resources for a few seconds. A recorder notes, on a global clock,
 * intervals during which each lock was certainly held in a mode (from just after a grant
 * returned to just before the call that could lower it), which are inside the real hold
 * intervals; the checker then proves that no two incompatible modes of different owners were
 * held at once on a resource, and that every request ended with one of the permitted statuses.
 */
class ConcurrencyStressTest {
    private static final int THREADS = 6;
    private static final Duration RUN_FOR = Duration.ofSeconds(3);
    private static final Duration HANG_GUARD = Duration.ofSeconds(90);
    private static final String[] RESOURCES = {"R0", "R1", "R2", "R3"};

    private final HoldHistory history = new HoldHistory();
    private final Map<LockStatus, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    /** A lock the worker holds and the clock tick from which its current mode is certain. */
    private static final class Holding {
        final Lock lock;
        LockMode mode;
        long since;

        Holding(Lock lock, LockMode mode, long since) {
            this.lock = lock;
            this.mode = mode;
            this.since = since;
        }
    }

    @ParameterizedTest
    @EnumSource(ContentionPolicy.class)
    void incompatibleLocksAreNeverHeldAtOnceAndEveryRequestEnds(ContentionPolicy policy) throws Exception {
        try (LockManager manager = LockManager.builder().name("stress-" + policy).deadlockWait(Duration.ofMillis(10))
                .contentionPolicy(policy).starvationBound(Duration.ofMillis(2)).build()) {
            long deadline = System.nanoTime() + RUN_FOR.toNanos();
            List<Thread> workers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < THREADS; t++) {
                LockOwner owner = manager.newOwner("w" + t);
                long seed = 42 + t;
                Thread worker = new Thread(() -> {
                    try {
                        work(owner, new SplittableRandom(seed), deadline);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "stress-" + t);
                workers.add(worker);
                worker.start();
            }
            for (Thread w : workers) {
                w.join(HANG_GUARD.toMillis());
                assertThat(w.isAlive()).as("worker %s ended; a worker failed with: %s%nengine state: %s %s%nthreads:%s",
                        w.getName(), stackOf(failure.get()), manager.statistics(), describe(manager), threads()).isFalse();
            }
            assertThat(failure.get()).isNull();

            long ended = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
            assertThat(ended).as("every request ended").isEqualTo(requests.get());
            assertThat(outcomes.keySet()).allMatch(s -> s.isGranted() || switch (s) {
                case NOTQUEUED, TIMEOUT, DEADLOCK, CANCELLED -> true;
                default -> false;
            });
            assertThat(requests.get()).as("requests made").isGreaterThan(THREADS * 100L);
            assertThat(outcomes.get(LockStatus.SYNCH)).isNotNull();
            assertThat(history.incompatibleOverlaps()).isEmpty();
            assertThat(manager.statistics().locks()).isZero();
            assertThat(manager.statistics().resources()).isZero();
        }
    }

    private static String describe(LockManager manager) {
        StringBuilder b = new StringBuilder();
        for (ResourceInfo r : manager.resources()) {
            b.append("\n").append(r.path()).append(':');
            for (List<LockInfo> q : List.of(r.granted(), r.converting(), r.waiting())) {
                for (LockInfo i : q) {
                    b.append("\n  ").append(i.queue()).append(' ').append(i.owner()).append(" id=").append(i.id())
                            .append(' ').append(i.grantedMode()).append("->").append(i.requestedMode())
                            .append(" blockedBy=").append(i.blockedBy());
                }
            }
        }
        return b.toString();
    }

    private static String stackOf(Throwable t) {
        if (t == null) {
            return "nothing";
        }
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    private static String threads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("stress-") || t.getName().startsWith("locksmith-")) {
                b.append("\n").append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement e : stack) {
                    b.append("\n    at ").append(e);
                }
            }
        });
        return b.toString();
    }

    private void work(LockOwner owner, SplittableRandom random, long deadline) throws InterruptedException {
        Map<String, Holding> held = new HashMap<>();
        while (System.nanoTime() < deadline) {
            String resource = RESOURCES[random.nextInt(RESOURCES.length)];
            LockMode mode = LockMode.ofOrdinal(random.nextInt(6));
            Holding h = held.get(resource);
            int choice = random.nextInt(10);
            if (h == null && choice < 2) {
                asyncThenCancel(owner, resource, mode, held);
            } else if (h == null) {
                Lock l = request(() -> owner.enqueue(options(LockRequest.of(resource, mode), random)));
                if (l != null) {
                    held.put(resource, new Holding(l, mode, history.tick()));
                }
            } else if (choice < 6) {
                long before = history.tick();
                record(resource, owner, h, before);
                Lock l = request(() -> owner.convert(h.lock, options(LockRequest.conversionTo(mode), random)));
                h.mode = l != null ? mode : h.mode;
                h.since = history.tick();
            } else {
                record(resource, owner, h, history.tick());
                owner.dequeue(h.lock);
                held.remove(resource);
            }
        }
        for (Map.Entry<String, Holding> e : held.entrySet()) {
            record(e.getKey(), owner, e.getValue(), history.tick());
        }
        owner.close();
    }

    private void asyncThenCancel(LockOwner owner, String resource, LockMode mode, Map<String, Holding> held) {
        requests.incrementAndGet();
        Lock l = owner.enqueueAsync(LockRequest.of(resource, mode));
        owner.cancel(l);
        try {
            LockManagerTestSupport.await(l.completion());
            count(l.status());
            held.put(resource, new Holding(l, mode, history.tick()));
        } catch (LockException e) {
            count(e.status());
        }
    }

    private static LockRequest options(LockRequest r, SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> r.withFlags(LockFlag.NOQUEUE);
            case 1 -> r.withTimeout(Duration.ofMillis(1 + random.nextInt(3)));
            default -> r;
        };
    }

    private interface Request {
        Lock make() throws InterruptedException;
    }

    private Lock request(Request r) throws InterruptedException {
        requests.incrementAndGet();
        try {
            Lock l = r.make();
            count(l.status());
            return l;
        } catch (LockException e) {
            count(e.status());
            return null;
        }
    }

    private void count(LockStatus s) {
        outcomes.computeIfAbsent(s, k -> new AtomicLong()).incrementAndGet();
    }

    private void record(String resource, LockOwner owner, Holding h, long until) {
        history.record(resource, owner.name(), h.mode, h.since, until);
    }
}
