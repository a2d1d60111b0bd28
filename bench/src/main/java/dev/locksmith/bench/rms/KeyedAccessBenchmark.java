package dev.locksmith.bench.rms;

import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Random keyed reads and writes of {@link BenchData}'s records, one thread, in three stores: a
 * Locksmith indexed file (get by key; put with update-if-exists), H2 through SQL (a
 * PreparedStatement on the primary key, auto-commit) and a raw MVStore map (get/put: the floor).
 * A write replaces an existing record with a new version of the same size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeyedAccessBenchmark {
    private final SplittableRandom random = new SplittableRandom(17);
    private int version;

    private RmsFile rmsFile;
    private RecordStream rms;
    private Connection h2;
    private PreparedStatement h2Select;
    private PreparedStatement h2Update;
    private MVStore rawStore;
    private MVMap<byte[], byte[]> raw;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        BenchData.ensureBuilt();
        rmsFile = RmsFile.open(BenchData.rmsFile(), new RmsFile.Options(BenchData.CACHE_MEGABYTES, 1000));
        rms = rmsFile.stream();
        h2 = DriverManager.getConnection(BenchData.h2Url());
        h2Select = h2.prepareStatement("SELECT R FROM RECORDS WHERE K = ?");
        h2Update = h2.prepareStatement("UPDATE RECORDS SET R = ? WHERE K = ?");
        rawStore = BenchData.openRaw();
        raw = BenchData.rawMap(rawStore);
        checkAllStoresAgree();
    }

    /** Every store finds the same records (writes change their contents, never their keys). */
    private void checkAllStoresAgree() throws SQLException {
        for (int i = 0; i < 100; i++) {
            int index = random.nextInt(BenchData.RECORDS);
            byte[] expected = BenchData.key(index);
            byte[] fromRms = rms.get(0, expected);
            byte[] fromRaw = raw.get(expected);
            h2Select.setBytes(1, expected);
            byte[] fromH2;
            try (ResultSet result = h2Select.executeQuery()) {
                result.next();
                fromH2 = result.getBytes(1);
            }
            if (!Arrays.equals(Arrays.copyOf(fromRms, BenchData.KEY_SIZE), expected)
                    || !Arrays.equals(Arrays.copyOf(fromRaw, BenchData.KEY_SIZE), expected)
                    || !Arrays.equals(Arrays.copyOf(fromH2, BenchData.KEY_SIZE), expected)) {
                throw new IllegalStateException("the stores disagree on record " + index);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        rmsFile.close();
        h2.close();
        rawStore.close();
    }

    private int nextIndex() {
        return random.nextInt(BenchData.RECORDS);
    }

    @Benchmark
    public byte[] readRms() {
        return rms.get(0, BenchData.key(nextIndex()));
    }

    @Benchmark
    public byte[] readH2Sql() throws SQLException {
        h2Select.setBytes(1, BenchData.key(nextIndex()));
        try (ResultSet result = h2Select.executeQuery()) {
            result.next();
            return result.getBytes(1);
        }
    }

    @Benchmark
    public byte[] readRawMap() {
        return raw.get(BenchData.key(nextIndex()));
    }

    @Benchmark
    public Object writeRms() {
        return rms.putOrUpdate(BenchData.record(nextIndex(), ++version));
    }

    @Benchmark
    public int writeH2Sql() throws SQLException {
        int index = nextIndex();
        h2Update.setBytes(1, BenchData.record(index, ++version));
        h2Update.setBytes(2, BenchData.key(index));
        return h2Update.executeUpdate();
    }

    @Benchmark
    public byte[] writeRawMap() {
        int index = nextIndex();
        return raw.put(BenchData.key(index), BenchData.record(index, ++version));
    }
}
