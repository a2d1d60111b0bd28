package dev.locksmith.bench.sql;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.fields.RecordDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Prepared keyed SQL on one thread, auto-commit: {@code SELECT name, qty FROM items WHERE id = ?}
 * and {@code UPDATE items SET qty = qty + 1 WHERE id = ?} on a random one of 10,000 rows, through
 * Locksmith's JDBC driver (Calcite planning once per prepared statement, the key pushed down to a
 * keyed get) against H2's own SQL on the same rows in an H2 file database (the same MVStore engine).
 * H2 runs with {@code WRITE_DELAY=0}, writing at each commit as the store's journal does. The issue's
 * target is at least 1× H2 for both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqlVersusH2Benchmark {
    static final int ROWS = 10_000;

    Path directory;
    Connection locksmith;
    PreparedStatement locksmithSelect;
    PreparedStatement locksmithUpdate;
    Connection h2;
    PreparedStatement h2Select;
    PreparedStatement h2Update;
    final SplittableRandom random = new SplittableRandom(21);

    /**
     * The items file's FDL {@code GLOBAL_BUFFER_COUNT}: 0 (none) or enough for all its buckets, so
     * that a keyed read uses a cached bucket whose PR bucket lock stays held (issue 19).
     */
    @Param({"0"})
    public int globalBuffers;

    @Setup(Level.Trial)
    public void open() throws IOException, SQLException {
        directory = Files.createTempDirectory("locksmith-sql-bench");
        Path store = directory.resolve("store");
        FileDefinition items = FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED).recordSize(32)
                .key(KeyDefinition.builder(0).type(KeyType.INT8).segment(0, 8).build()).globalBufferCount(globalBuffers).build();
        try (LockManager locks = LockManager.builder().name("sql-bench").registerMBean(false).build();
             RecordStore created = RecordStore.open(store, locks)) {
            RmsFile file = created.create("items.rms", items);
            file.defineRecords(RecordDefinition.parse("ID INTEGER 0 8; NAME TEXT 8 20; QTY INTEGER 28 4", items));
        }
        locksmith = DriverManager.getConnection("jdbc:locksmith:" + store);
        h2 = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("h2") + ";WRITE_DELAY=0");
        try (Statement s = h2.createStatement()) {
            s.execute("CREATE TABLE ITEMS(ID BIGINT PRIMARY KEY, NAME VARCHAR(20) NOT NULL, QTY INT NOT NULL)");
        }
        for (Connection c : new Connection[] {locksmith, h2}) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "item " + i);
                    insert.setInt(3, 0);
                    insert.executeUpdate();
                }
            }
            c.commit();
            c.setAutoCommit(true);
        }
        locksmithSelect = locksmith.prepareStatement("SELECT name, qty FROM items WHERE id = ?");
        locksmithUpdate = locksmith.prepareStatement("UPDATE items SET qty = qty + 1 WHERE id = ?");
        h2Select = h2.prepareStatement("SELECT name, qty FROM items WHERE id = ?");
        h2Update = h2.prepareStatement("UPDATE items SET qty = qty + 1 WHERE id = ?");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, SQLException {
        locksmith.close();
        h2.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int select(PreparedStatement select, long id) throws SQLException {
        select.setLong(1, id);
        try (ResultSet r = select.executeQuery()) {
            if (!r.next()) {
                throw new IllegalStateException("row " + id + " is missing");
            }
            return r.getInt(2);
        }
    }

    private static int update(PreparedStatement update, long id) throws SQLException {
        update.setLong(1, id);
        return update.executeUpdate();
    }

    @Benchmark
    public int selectLocksmith() throws SQLException {
        return select(locksmithSelect, random.nextInt(ROWS));
    }

    @Benchmark
    public int selectH2() throws SQLException {
        return select(h2Select, random.nextInt(ROWS));
    }

    @Benchmark
    public int updateLocksmith() throws SQLException {
        return update(locksmithUpdate, random.nextInt(ROWS));
    }

    @Benchmark
    public int updateH2() throws SQLException {
        return update(h2Update, random.nextInt(ROWS));
    }
}
