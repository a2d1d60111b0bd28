package dev.locksmith.bench.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.rms.ContentionPolicy;
import dev.locksmith.rms.FileAccess;
import dev.locksmith.rms.FileShare;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.Sharing;
import dev.locksmith.rms.StreamOptions;
import java.lang.System.Logger;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What record locking costs: random keyed reads and read-then-update of {@link BenchData}'s
 * records in a Locksmith indexed file opened write-shared (record locks on: default ROP, an EX lock
 * per record read, released by the stream's next operation, plus the tree lock per service) or
 * exclusively (record locks off: today's unlocked path, tree lock only), against H2 through SQL.
 * Run it with {@code -t 1} and {@code -t 2}: each thread has its own stream (and its own lock
 * owner) or its own H2 connection. The trial set-up logs the lock-manager calls per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordLockingBenchmark {
    private static final Logger LOG = System.getLogger(RecordLockingBenchmark.class.getName());
    private static final int CALIBRATION_READS = 20_000;

    /** "on": write-shared, record locks; "off": exclusive, no record locks. */
    @Param({"on", "off"})
    public String recordLocks;

    private LockManager manager;
    private RmsFile file;
    private final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        BenchData.ensureBuilt();
        manager = LockManager.builder().name("bench").build();
        Sharing sharing = recordLocks.equals("on")
                ? new Sharing(EnumSet.allOf(FileAccess.class), EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD,
                        FileShare.SHRDEL), manager, ContentionPolicy.NEVER)
                : Sharing.EXCLUSIVE.withLockManager(manager);
        file = RmsFile.open(BenchData.rmsFile(), new RmsFile.Options(BenchData.CACHE_MEGABYTES, 1000), sharing);
        logLockCallsPerRead();
    }

    private void logLockCallsPerRead() {
        SplittableRandom random = new SplittableRandom(3);
        try (RecordStream stream = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.WAT)))) {
            stream.get(0, BenchData.key(0));
            LockStatistics before = manager.statistics();
            for (int i = 0; i < CALIBRATION_READS; i++) {
                stream.get(0, BenchData.key(random.nextInt(BenchData.RECORDS)));
            }
            LockStatistics after = manager.statistics();
            long calls = (after.newRequests() - before.newRequests()) + (after.conversions() - before.conversions())
                    + (after.dequeues() - before.dequeues());
            LOG.log(Logger.Level.INFO, "record locks {0}: {1} lock-manager calls per keyed read ({2} new requests, {3}"
                    + " conversions, {4} dequeues over {5} reads)", recordLocks, (double) calls / CALIBRATION_READS,
                    after.newRequests() - before.newRequests(), after.conversions() - before.conversions(),
                    after.dequeues() - before.dequeues(), CALIBRATION_READS);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        file.close();
        manager.close();
    }

    /** One thread's stream and H2 connection. */
    @State(Scope.Thread)
    public static class PerThread {
        SplittableRandom random;
        RecordStream stream;
        H2Records h2;
        int version;

        @Setup(Level.Trial)
        public void open(RecordLockingBenchmark shared) throws SQLException {
            random = new SplittableRandom(17 + shared.threads.incrementAndGet());
            stream = shared.file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.WAT)));
            h2 = new H2Records();
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            stream.close();
            h2.close();
        }

        int nextIndex() {
            return random.nextInt(BenchData.RECORDS);
        }
    }

    @Benchmark
    public byte[] readRms(PerThread t) {
        return t.stream.get(0, BenchData.key(t.nextIndex()));
    }

    @Benchmark
    public byte[] updateRms(PerThread t) {
        int index = t.nextIndex();
        t.stream.get(0, BenchData.key(index));
        byte[] record = BenchData.record(index, ++t.version);
        t.stream.update(record);
        return record;
    }

    @Benchmark
    public byte[] readH2Sql(PerThread t) throws SQLException {
        return t.h2.read(t.nextIndex());
    }

    @Benchmark
    public byte[] updateH2Sql(PerThread t) throws SQLException {
        int index = t.nextIndex();
        byte[] record = BenchData.record(index, ++t.version);
        t.h2.readAndUpdate(index, record);
        return record;
    }
}
