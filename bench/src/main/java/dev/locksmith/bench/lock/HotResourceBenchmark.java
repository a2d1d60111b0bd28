package dev.locksmith.bench.lock;

import dev.locksmith.lock.ContentionPolicy;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Threads on one hot resource, 80% reads (PR) and 20% writes (EX), in the mix of RMS write-shared files: even
 * threads keep an NL lock and convert it up and back down (RMS's cached global-buffer bucket lock),
 * odd threads make a new request each time and dequeue it. Under CONVERSIONS_FIRST the new
 * requests can be passed by conversions again and again; FAIR bounds that. The floor is one
 * {@link ReentrantReadWriteLock} (fair when the Locksmith policy is FAIR). Run with {@code -t 2}
 * and {@code -t 8}. Throughput mode also reports each thread's operation count ({@code t0}…
 * {@code t7}), from which the runner derives fairness: most over least operations per thread.
 * Sample mode gives the wait percentiles.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotResourceBenchmark {
    static final int MAX_THREADS = 8;
    private static final int WRITE_PERCENT = 20;

    /** The shared lock manager and floor. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"CONVERSIONS_FIRST", "FAIR"})
        public ContentionPolicy policy;

        LockManager manager;
        ReentrantReadWriteLock floor;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            manager = LockManager.builder().name("hot").deadlockWait(Duration.ZERO).contentionPolicy(policy)
                    .starvationBound(Duration.ZERO).build();
            floor = new ReentrantReadWriteLock(policy == ContentionPolicy.FAIR);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** One thread's owner, its cached NL lock and its random stream. */
    @State(Scope.Thread)
    public static class PerThread {
        LockOwner owner;
        Lock cached;
        SplittableRandom random;
        int index;

        @Setup(Level.Trial)
        public void setUp(Shared shared) throws InterruptedException {
            index = shared.threads.getAndIncrement() % MAX_THREADS;
            owner = shared.manager.newOwner("thread-" + index);
            cached = owner.enqueue("HOT", LockMode.NL);
            random = new SplittableRandom(index);
        }

        /** Even threads convert a cached lock, odd threads make new requests. */
        boolean converts() {
            return (index & 1) == 0;
        }

        LockMode nextMode() {
            return random.nextInt(100) < WRITE_PERCENT ? LockMode.EX : LockMode.PR;
        }
    }

    /** Operations per thread, reported as secondary results t0…t7. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class PerThreadOps {
        public long t0;
        public long t1;
        public long t2;
        public long t3;
        public long t4;
        public long t5;
        public long t6;
        public long t7;

        @Setup(Level.Iteration)
        public void reset() {
            t0 = t1 = t2 = t3 = t4 = t5 = t6 = t7 = 0;
        }

        void count(int index) {
            switch (index) {
                case 0 -> t0++;
                case 1 -> t1++;
                case 2 -> t2++;
                case 3 -> t3++;
                case 4 -> t4++;
                case 5 -> t5++;
                case 6 -> t6++;
                default -> t7++;
            }
        }
    }

    @Benchmark
    public Lock locksmith(PerThread t, PerThreadOps ops) throws InterruptedException {
        Lock l;
        if (t.converts()) {
            l = t.owner.convert(t.cached, t.nextMode());
            t.owner.convert(l, LockMode.NL);
        } else {
            l = t.owner.enqueue("HOT", t.nextMode());
            t.owner.dequeue(l);
        }
        ops.count(t.index);
        return l;
    }

    @Benchmark
    public ReentrantReadWriteLock jdk(Shared shared, PerThread t, PerThreadOps ops) {
        ReentrantReadWriteLock l = shared.floor;
        if (t.nextMode() == LockMode.EX) {
            l.writeLock().lock();
            l.writeLock().unlock();
        } else {
            l.readLock().lock();
            l.readLock().unlock();
        }
        ops.count(t.index);
        return l;
    }
}
