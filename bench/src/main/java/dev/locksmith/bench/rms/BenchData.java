package dev.locksmith.bench.rms;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * The benchmark's data set — {@value #RECORDS} records of {@value #RECORD_SIZE} bytes whose first
 * {@value #KEY_SIZE} bytes are the key — and the three stores holding it: a Locksmith indexed file,
 * an H2 SQL table (same MVStore engine underneath) and a raw MVStore map. Built once per data
 * directory and reused by every benchmark fork. Not thread-safe.
 */
final class BenchData {
    static final int RECORDS = Integer.getInteger("locksmith.bench.records", 1_000_000);
    static final int RECORD_SIZE = 100;
    static final int KEY_SIZE = 16;
    static final int BUCKET_BLOCKS = Integer.getInteger("locksmith.bench.bucketBlocks", 8);
    static final int CACHE_MEGABYTES = 512;
    static final String H2_OPTIONS = ";CACHE_SIZE=" + (CACHE_MEGABYTES * 1024);
    private static final Logger LOG = System.getLogger(BenchData.class.getName());

    private BenchData() {
    }

    static Path directory() {
        return Path.of(System.getProperty("locksmith.bench.dir", "target/rms-bench-data"))
                .resolve(RECORDS + "-records-" + BUCKET_BLOCKS + "-blocks").toAbsolutePath();
    }

    static Path rmsFile() {
        return directory().resolve("records.rms");
    }

    static String h2Url() {
        return "jdbc:h2:file:" + directory().resolve("h2sql") + H2_OPTIONS;
    }

    static Path rawFile() {
        return directory().resolve("raw.mv");
    }

    /** Key of record {@code index}: 8 well-mixed bytes (random order) then the index. */
    static byte[] key(int index) {
        byte[] key = new byte[KEY_SIZE];
        putLong(key, 0, mix(index));
        putLong(key, 8, index);
        return key;
    }

    /** Record {@code index} at {@code version}: the key, then bytes that change with the version. */
    static byte[] record(int index, int version) {
        byte[] record = Arrays.copyOf(key(index), RECORD_SIZE);
        for (int i = KEY_SIZE; i < RECORD_SIZE; i++) {
            record[i] = (byte) (index * 31 + i + version);
        }
        return record;
    }

    /** Builds the three stores unless a previous run finished building them. */
    static void ensureBuilt() {
        Path done = directory().resolve("complete");
        if (Files.exists(done)) {
            return;
        }
        try {
            Files.createDirectories(directory());
            try (var files = Files.list(directory())) {
                for (Path leftover : files.toList()) {
                    Files.delete(leftover);
                }
            }
            int[] order = sortedOrder();
            time("Locksmith RMS", () -> buildRms(order));
            time("H2 SQL", () -> buildH2(order));
            time("raw MVStore map", () -> buildRaw(order));
            Files.writeString(done, "built\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FileDefinition definition() {
        return FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED).recordSize(RECORD_SIZE)
                .bucketSize(BUCKET_BLOCKS)
                .key(KeyDefinition.builder(0).name("KEY").segment(0, KEY_SIZE).build())
                .build();
    }

    private static void buildRms(int[] order) {
        try (RmsFile file = RmsFile.create(rmsFile(), definition(), new RmsFile.Options(CACHE_MEGABYTES, 1000))) {
            RecordStream stream = file.stream();
            List<byte[]> batch = new ArrayList<>();
            for (int index : order) {
                batch.add(record(index, 0));
                if (batch.size() == 1000) {
                    stream.putAll(batch);
                    batch.clear();
                }
            }
            stream.putAll(batch);
        }
    }

    private static void buildH2(int[] order) {
        try (Connection connection = DriverManager.getConnection(h2Url())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE RECORDS(K BINARY(16) PRIMARY KEY, R BINARY(100) NOT NULL)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO RECORDS(K, R) VALUES (?, ?)")) {
                int pending = 0;
                for (int index : order) {
                    insert.setBytes(1, key(index));
                    insert.setBytes(2, record(index, 0));
                    insert.addBatch();
                    if (++pending == 1000) {
                        insert.executeBatch();
                        connection.commit();
                        pending = 0;
                    }
                }
                insert.executeBatch();
                connection.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("building the H2 table failed", e);
        }
    }

    private static void buildRaw(int[] order) {
        try (MVStore store = openRaw()) {
            MVMap<byte[], byte[]> map = rawMap(store);
            for (int index : order) {
                map.put(key(index), record(index, 0));
            }
            store.commit();
        }
    }

    static MVStore openRaw() {
        return new MVStore.Builder().fileName(rawFile().toString()).cacheSize(CACHE_MEGABYTES).open();
    }

    static MVMap<byte[], byte[]> rawMap(MVStore store) {
        return store.openMap("records", new MVMap.Builder<byte[], byte[]>()
                .keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    /** Record indexes in key order, so every store is loaded sorted (its fastest load). */
    private static int[] sortedOrder() {
        long[] mixed = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            mixed[i] = mix(i) ^ Long.MIN_VALUE;
        }
        Integer[] indexes = new Integer[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            indexes[i] = i;
        }
        Arrays.sort(indexes, (a, b) -> Long.compare(mixed[a], mixed[b]));
        return Arrays.stream(indexes).mapToInt(Integer::intValue).toArray();
    }

    private static void time(String what, Runnable build) {
        long start = System.nanoTime();
        build.run();
        LOG.log(Level.INFO, "built {0} with {1} records in {2} s", what, RECORDS, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** SplitMix64's finalizer: a bijection, so keys are unique, in an order unrelated to the index. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void putLong(byte[] bytes, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            bytes[offset + i] = (byte) (value >>> (56 - 8 * i));
        }
    }
}
