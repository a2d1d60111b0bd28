package dev.locksmith.bench.lock;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread, no contention: an EX enqueue and its dequeue, on 1,024 distinct resources in turn
 * and on one resource, against the same work with {@link ReentrantReadWriteLock}s kept in a
 * {@link ConcurrentHashMap} by name (the floor). Locksmith creates and deletes the resource
 * each time, as VMS does; the floor keeps its locks in the map.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class UncontendedBenchmark {
    private static final int NAMES = 1024;

    private final String[] names = new String[NAMES];
    private final ConcurrentHashMap<String, ReentrantReadWriteLock> floor = new ConcurrentHashMap<>();
    private LockManager manager;
    private LockOwner owner;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < NAMES; i++) {
            names[i] = "RESOURCE-" + i;
        }
        manager = LockManager.builder().name("uncontended").deadlockWait(Duration.ZERO).build();
        owner = manager.newOwner("bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    private String nextName() {
        return names[next++ & (NAMES - 1)];
    }

    @Benchmark
    public Lock locksmithDistinct() throws InterruptedException {
        Lock l = owner.enqueue(nextName(), LockMode.EX);
        owner.dequeue(l);
        return l;
    }

    @Benchmark
    public Lock locksmithSame() throws InterruptedException {
        Lock l = owner.enqueue("HOT", LockMode.EX);
        owner.dequeue(l);
        return l;
    }

    @Benchmark
    public ReentrantReadWriteLock jdkDistinct() {
        ReentrantReadWriteLock l = floor.computeIfAbsent(nextName(), k -> new ReentrantReadWriteLock());
        l.writeLock().lock();
        l.writeLock().unlock();
        return l;
    }

    @Benchmark
    public ReentrantReadWriteLock jdkSame() {
        ReentrantReadWriteLock l = floor.computeIfAbsent("HOT", k -> new ReentrantReadWriteLock());
        l.writeLock().lock();
        l.writeLock().unlock();
        return l;
    }
}
