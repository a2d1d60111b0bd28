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
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
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
 * Global buffers (seed 001) on {@link BenchData}'s records in a write-shared Locksmith indexed file:
 * a read-mostly mix — each operation is a keyed read (NQL: no record lock) with probability 0.95
 * or a read-then-update (default ROP with WAT) with 0.05 — with {@code globalBuffers} 0 (off: the
 * tree lock converted up and down per service) or a count, against the same mix on H2 SQL; and
 * updates alone against H2 SQL and the raw MVStore map's {@code put}. Run with {@code -t 2}: each
 * thread has its own stream (and lock owner) or H2 connection. The trial set-up logs the
 * lock-manager calls per read made by the reads of a one-thread mix, and those made by its updates.
 * The file's durability is deferred (commit interval 1 s), so with global buffers an update stays
 * dirty in them for up to half a second and a bucket's updates meanwhile cost one storage write.
 * The default count, 8192, holds every bucket of 100,000 records; with 1,000,000 records
 * ({@code -Dlocksmith.bench.records=1000000}) give one that holds the file, e.g.
 * {@code -p globalBuffers=0,65536}, or the reads measure evictions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GlobalBuffersBenchmark {
    private static final Logger LOG = System.getLogger(GlobalBuffersBenchmark.class.getName());
    private static final int CALIBRATION_OPERATIONS = 40_000;
    private static final int UPDATE_PERCENT = 5;

    /** Global buffers per node: 0 = off. */
    @Param({"0", "8192"})
    public int globalBuffers;

    private LockManager manager;
    private RmsFile file;
    private MVStore rawStore;
    private MVMap<byte[], byte[]> raw;
    private final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        BenchData.ensureBuilt();
        manager = LockManager.builder().name("bench").build();
        file = openFile(manager, globalBuffers);
        rawStore = BenchData.openRaw();
        raw = BenchData.rawMap(rawStore);
        logLockCallsPerRead();
    }

    /**
     * The benchmark's file, write-shared through {@code manager}, durability deferred (commit
     * interval 1 s), with {@code globalBuffers} buffers (0: none).
     */
    static RmsFile openFile(LockManager manager, int globalBuffers) {
        Sharing sharing = new Sharing(EnumSet.allOf(FileAccess.class), EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT,
                FileShare.SHRUPD, FileShare.SHRDEL), manager, ContentionPolicy.NEVER);
        return RmsFile.open(BenchData.rmsFile(), new RmsFile.Options(BenchData.CACHE_MEGABYTES, 1000)
                .withGlobalBuffers(globalBuffers), sharing);
    }

    /** One thread's mix with the counts of calls around each read and each update. */
    private void logLockCallsPerRead() {
        SplittableRandom random = new SplittableRandom(3);
        long readCalls = 0;
        long updateCalls = 0;
        int reads = 0;
        int updates = 0;
        try (RecordStream reader = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
             RecordStream writer = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.WAT)))) {
            // Warm the buffers as a running system would be: one pass over the index and data buckets.
            for (int i = 0; i < BenchData.RECORDS; i += 16) {
                reader.get(0, BenchData.key(i));
            }
            for (int i = 0; i < CALIBRATION_OPERATIONS; i++) {
                int index = random.nextInt(BenchData.RECORDS);
                boolean update = random.nextInt(100) < UPDATE_PERCENT;
                long before = calls(manager.statistics());
                if (update) {
                    writer.get(0, BenchData.key(index));
                    writer.update(BenchData.record(index, i));
                    updateCalls += calls(manager.statistics()) - before;
                    updates++;
                } else {
                    reader.get(0, BenchData.key(index));
                    readCalls += calls(manager.statistics()) - before;
                    reads++;
                }
            }
        }
        LOG.log(Logger.Level.INFO, "global buffers {0}: {1} lock-manager calls per read made by the {2} reads; {3} per"
                        + " update made by the {4} updates; {5} per read all told", globalBuffers,
                String.format("%.4f", (double) readCalls / reads), reads, String.format("%.2f", (double) updateCalls / updates),
                updates, String.format("%.4f", (double) (readCalls + updateCalls) / reads));
        file.bufferStatistics().ifPresent(s -> LOG.log(Logger.Level.INFO, "buffers after calibration: {0}", s));
    }

    private static long calls(LockStatistics s) {
        return s.newRequests() + s.conversions() + s.dequeues();
    }

    @TearDown(Level.Trial)
    public void close() {
        file.bufferStatistics().ifPresent(s -> LOG.log(Logger.Level.INFO, "buffers at the end of the trial: {0}", s));
        file.close();
        manager.close();
        rawStore.close();
    }

    /** One thread's streams and H2 connection. */
    @State(Scope.Thread)
    public static class PerThread {
        SplittableRandom random;
        RecordStream reader;
        RecordStream writer;
        H2Records h2;
        int version;

        @Setup(Level.Trial)
        public void open(GlobalBuffersBenchmark shared) throws SQLException {
            random = new SplittableRandom(17 + shared.threads.incrementAndGet());
            reader = shared.file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
            writer = shared.file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.WAT)));
            h2 = new H2Records();
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            reader.close();
            writer.close();
            h2.close();
        }

        int nextIndex() {
            return random.nextInt(BenchData.RECORDS);
        }

        boolean nextIsUpdate() {
            return random.nextInt(100) < UPDATE_PERCENT;
        }
    }

    /** 95% keyed reads, 5% read-then-update; reads/s is 0.95 of the score. */
    @Benchmark
    public byte[] readMostlyRms(PerThread t) {
        return t.nextIsUpdate() ? updateRms(t) : t.reader.get(0, BenchData.key(t.nextIndex()));
    }

    /** The same mix through H2 SQL (auto-commit). */
    @Benchmark
    public byte[] readMostlyH2Sql(PerThread t) throws SQLException {
        return t.nextIsUpdate() ? updateH2Sql(t) : t.h2.read(t.nextIndex());
    }

    @Benchmark
    public byte[] updateRms(PerThread t) {
        int index = t.nextIndex();
        t.writer.get(0, BenchData.key(index));
        byte[] record = BenchData.record(index, ++t.version);
        t.writer.update(record);
        return record;
    }

    @Benchmark
    public byte[] updateH2Sql(PerThread t) throws SQLException {
        int index = t.nextIndex();
        byte[] record = BenchData.record(index, ++t.version);
        t.h2.readAndUpdate(index, record);
        return record;
    }

    /** The floor for updates: a put into the raw MVStore map holding the same records. */
    @Benchmark
    public byte[] putRawMap(PerThread t) {
        int index = t.nextIndex();
        return raw.put(BenchData.key(index), BenchData.record(index, ++t.version));
    }
}
