package dev.locksmith.bench.tx;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.Durability;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import dev.locksmith.rms.TransactionMode;
import dev.locksmith.rms.TransactionStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
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
 * Update transactions per second: Locksmith store transactions (pessimistic and optimistic) against
 * the same work as H2 SQL transactions on the same engine (MVStore), with matching durability.
 *
 * <p>Each transaction adds 1 to the balance of {@code records} random accounts out of 10,000 and
 * commits. {@code durability=COMMIT}: Locksmith's journal is written (not synced) at every commit,
 * and H2 runs with {@code WRITE_DELAY=0}, which writes at every commit too; {@code DEFERRED}: both
 * write in the background. The two-phase benchmarks prepare under an xid and then commit: Locksmith's
 * prepare is always synced; H2's through its own {@code XAResource}. Run with {@code -t 1} and
 * {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransactionBenchmark {
    static final int ACCOUNTS = 10_000;
    static final String FILE = "accounts.rms";

    @Param({"1", "10"})
    public int records;

    @Param({"COMMIT"})
    public String durability;

    Path directory;
    LockManager locks;
    RecordStore store;
    String h2Url;
    JdbcDataSource h2Xa;
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong xids = new AtomicLong();

    @Setup(Level.Trial)
    public void open() throws Exception {
        directory = Files.createTempDirectory("locksmith-tx-bench");
        locks = LockManager.builder().name("tx-bench").build();
        store = RecordStore.open(directory.resolve("store"), locks,
                RecordStore.Options.DEFAULT.withJournalDurability(Durability.valueOf(durability)));
        store.create(FILE, FileDefinition.builder(Organization.INDEXED).recordSize(16).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 8).build()).build());
        Transaction load = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream stream = load.open(FILE);
        for (int i = 0; i < ACCOUNTS; i++) {
            stream.put(account(i, 0));
        }
        load.commit();

        h2Url = "jdbc:h2:file:" + directory.resolve("h2") + (durability.equals("COMMIT") ? ";WRITE_DELAY=0" : "");
        try (Connection c = DriverManager.getConnection(h2Url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ACCOUNTS(K BINARY(8) PRIMARY KEY, BALANCE BIGINT NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ACCOUNTS VALUES (?, 0)")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    insert.setBytes(1, key(i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        h2Xa = new JdbcDataSource();
        h2Xa.setURL(h2Url);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        System.out.println("\nLocksmith optimistic restarts: " + restarts.get());
        store.close();
        locks.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One thread's connection and random choice of accounts. */
    @State(Scope.Thread)
    public static class Worker {
        final SplittableRandom random = new SplittableRandom();
        Connection h2;
        PreparedStatement h2Update;
        XAConnection h2XaConnection;
        PreparedStatement h2XaUpdate;

        @Setup(Level.Trial)
        public void open(TransactionBenchmark bench) throws SQLException {
            h2 = DriverManager.getConnection(bench.h2Url);
            h2.setAutoCommit(false);
            h2Update = h2.prepareStatement("UPDATE ACCOUNTS SET BALANCE = BALANCE + 1 WHERE K = ?");
            h2XaConnection = bench.h2Xa.getXAConnection();
            h2XaUpdate = h2XaConnection.getConnection().prepareStatement("UPDATE ACCOUNTS SET BALANCE = BALANCE + 1 WHERE K = ?");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            h2.close();
            h2XaConnection.close();
        }

        /** {@code n} distinct accounts in ascending order (so H2's row locks never deadlock). */
        int[] accounts(int n) {
            int[] chosen = new int[n];
            for (int i = 0; i < n; i++) {
                chosen[i] = random.nextInt(ACCOUNTS);
            }
            Arrays.sort(chosen);
            return Arrays.stream(chosen).distinct().toArray();
        }
    }

    static byte[] key(int i) {
        return String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] account(int i, long balance) {
        return ByteBuffer.allocate(16).put(key(i)).putLong(balance).array();
    }

    private void addOne(Transaction tx, int[] accounts) {
        TransactionStream stream = tx.open(FILE).forUpdate(true);
        for (int a : accounts) {
            byte[] record = stream.get(key(a));
            stream.update(account(a, ByteBuffer.wrap(record, 8, 8).getLong() + 1));
        }
    }

    private void run(TransactionMode mode, int[] accounts, boolean twoPhase) {
        while (true) {
            Transaction tx = store.begin(mode, Duration.ZERO);
            try {
                addOne(tx, accounts);
                if (twoPhase) {
                    tx.prepare(ByteBuffer.allocate(8).putLong(xids.incrementAndGet()).array());
                }
                tx.commit();
                return;
            } catch (RmsException e) {
                if (e.status() != RmsStatus.CONFLICT && e.status() != RmsStatus.DEADLOCK) {
                    throw e;
                }
                tx.rollback();
                restarts.incrementAndGet();
            }
        }
    }

    @Benchmark
    public void locksmithPessimistic(Worker worker) {
        run(TransactionMode.PESSIMISTIC, worker.accounts(records), false);
    }

    @Benchmark
    public void locksmithOptimistic(Worker worker) {
        run(TransactionMode.OPTIMISTIC, worker.accounts(records), false);
    }

    @Benchmark
    public void h2Sql(Worker worker) throws SQLException {
        for (int a : worker.accounts(records)) {
            worker.h2Update.setBytes(1, key(a));
            worker.h2Update.executeUpdate();
        }
        worker.h2.commit();
    }

    @Benchmark
    public void locksmithPrepareCommit(Worker worker) {
        run(TransactionMode.PESSIMISTIC, worker.accounts(records), true);
    }

    @Benchmark
    public void h2XaPrepareCommit(Worker worker) throws Exception {
        Xid xid = new BenchXid(xids.incrementAndGet());
        XAResource xa = worker.h2XaConnection.getXAResource();
        xa.start(xid, XAResource.TMNOFLAGS);
        for (int a : worker.accounts(records)) {
            worker.h2XaUpdate.setBytes(1, key(a));
            worker.h2XaUpdate.executeUpdate();
        }
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);
        xa.commit(xid, false);
    }

    /** A plain Xid for H2's XAResource. */
    record BenchXid(long id) implements Xid {
        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return ByteBuffer.allocate(8).putLong(id).array();
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }
}
