package dev.locksmith.bench.peers;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one workload definition every lock service runs, through {@link LockService}:
 * <ul>
 * <li>{@link #uncontended}: exclusive lock and unlock, each thread on its own 1,024 names in turn
 * (run with one thread);</li>
 * <li>{@link #hotName}: exclusive lock and unlock of one name shared by all threads (run with 2
 * and 8 threads);</li>
 * <li>{@link #readMostly}: one name, 90% shared and 10% exclusive locks, for the services that
 * have a shared mode (run with 8 threads).</li>
 * </ul>
 * Throughput mode gives operations per second (one operation is a lock and its unlock), sample
 * mode the latency percentiles. At the end of every iteration of the two contended rows the fork
 * prints what their threads did ({@link Contention}: each thread's share of the operations, the
 * requests that waited, the threads' parks and preemptions per operation), so that a row whose
 * forks disagree can be told apart by what happened in them. {@link PeersComparison} runs the plan and prints the table; run
 * directly, JMH uses the in-process peers below (the JGroups peers need a JVM of their own).
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Djava.net.preferIPv4Stack=true", "-Dhazelcast.phone.home.enabled=false"})
public class PeerBenchmark {
    static final int NAMES = 1024;
    static final int SHARED_PERCENT = 90;
    static final String HOT = "HOT";

    /** The lock service under test, started for the trial and stopped after it. */
    @State(Scope.Benchmark)
    public static class Service {
        @Param({"LOCKSMITH", "LOCKSMITH_SUBLOCKS", "JDK", "CURATOR_MUTEX", "CURATOR_RW", "HAZELCAST_1", "HAZELCAST_2", "CLUSTER_LOCAL", "CLUSTER_REMOTE"})
        public Peer peer;

        LockService service;
        final AtomicInteger threads = new AtomicInteger();
        /** The contended rows' counters of the current iteration, printed at its end ({@link Contention}). */
        final Contention.Tally contention = new Contention.Tally();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            service = peer.open();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            service.close();
        }
    }

    /** One benchmark thread: its session, its own names and its random stream. */
    @State(Scope.Thread)
    public static class PerThread {
        LockService.Session session;
        final String[] names = new String[NAMES];
        SplittableRandom random;
        int next;

        @Setup(Level.Trial)
        public void setUp(Service s) throws Exception {
            int index = s.threads.getAndIncrement();
            session = s.service.session(index);
            for (int i = 0; i < NAMES; i++) {
                names[i] = "T" + index + "-RESOURCE-" + i;
            }
            random = new SplittableRandom(index);
        }

        String nextName() {
            return names[next++ & (NAMES - 1)];
        }
    }

    @Benchmark
    public Object uncontended(PerThread t) throws Exception {
        Object held = t.session.lock(t.nextName(), false);
        t.session.unlock(held);
        return held;
    }

    @Benchmark
    public Object hotName(PerThread t, Contention c) throws Exception {
        c.operations++;
        Object held = t.session.lock(HOT, false);
        t.session.unlock(held);
        return held;
    }

    @Benchmark
    public Object readMostly(PerThread t, Contention c) throws Exception {
        c.operations++;
        Object held = t.session.lock(HOT, t.random.nextInt(100) < SHARED_PERCENT);
        t.session.unlock(held);
        return held;
    }
}
