package dev.locksmith.bench.xa;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.RecoveryEnvironmentBean;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.spi.JtaConnectionManager;
import dev.locksmith.ra.spi.LocksmithManagedConnectionFactory;
import dev.locksmith.ra.spi.LocksmithResourceAdapter;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.XAConnection;
import org.h2.jdbcx.JdbcDataSource;
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
 * XA two-phase transactions per second under Narayana standalone: a Locksmith record update (through
 * the resource adapter, {@code JtaConnectionManager}) and an H2 row update in one transaction,
 * against the same transaction over two H2 XA data sources. Each transaction adds 1 to one random
 * account of 10,000 on each side. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class XaTwoPhaseBenchmark {

    static final int ACCOUNTS = 10_000;
    static final String FILE = "accounts.rms";

    Path dir;
    TransactionManager tm;
    LocksmithResourceAdapter adapter;
    LocksmithConnectionFactory locksmith;
    JdbcDataSource first;
    JdbcDataSource second;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("locksmith-xa-bench");
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(dir.resolve("tx").toString());
        for (String name : new String[] {"stateStore", "communicationStore"}) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name)
                    .setObjectStoreDir(dir.resolve("tx").toString());
        }
        BeanPopulator.getDefaultInstance(RecoveryEnvironmentBean.class).setTransactionStatusManagerAddress("127.0.0.1");
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();

        adapter = new LocksmithResourceAdapter();
        adapter.start(null);
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        mcf.setStoreLocation(dir.resolve("store").toString());
        mcf.setResourceAdapter(adapter);
        try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
            c.createFile(FILE, FileDefinition.builder(Organization.INDEXED).recordSize(20).bucketSize(4)
                    .key(KeyDefinition.builder(0).segment(0, 8).build()).build());
            RecordFile accounts = c.open(FILE);
            for (int id = 0; id < ACCOUNTS; id++) {
                accounts.put(record(id, 0));
            }
        }
        locksmith = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
        first = h2(dir.resolve("first"));
        second = h2(dir.resolve("second"));
    }

    private static JdbcDataSource h2(Path file) throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + file);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ACCOUNTS (ID INT PRIMARY KEY, BALANCE BIGINT)");
            s.execute("INSERT INTO ACCOUNTS SELECT X, 0 FROM SYSTEM_RANGE(0, " + (ACCOUNTS - 1) + ")");
        }
        return ds;
    }

    static byte[] key(int id) {
        return String.format("%08d", id).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] record(int id, long balance) {
        return String.format("%08d%12d", id, balance).getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        adapter.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One thread's H2 XA connections and random accounts. */
    @State(Scope.Thread)
    public static class Worker {
        XAConnection firstXa;
        XAConnection secondXa;
        PreparedStatement firstUpdate;
        PreparedStatement secondUpdate;
        final SplittableRandom random = new SplittableRandom();

        @Setup(Level.Trial)
        public void open(XaTwoPhaseBenchmark b) throws SQLException {
            firstXa = b.first.getXAConnection();
            secondXa = b.second.getXAConnection();
            firstUpdate = firstXa.getConnection().prepareStatement("UPDATE ACCOUNTS SET BALANCE = BALANCE + 1 WHERE ID = ?");
            secondUpdate = secondXa.getConnection().prepareStatement("UPDATE ACCOUNTS SET BALANCE = BALANCE + 1 WHERE ID = ?");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            firstXa.close();
            secondXa.close();
        }
    }

    @Benchmark
    public void locksmithAndH2(Worker w) throws Exception {
        tm.begin();
        try (LocksmithConnection c = locksmith.getConnection()) {
            RecordFile accounts = c.open(FILE);
            int id = w.random.nextInt(ACCOUNTS);
            byte[] r = accounts.get(key(id));
            long balance = Long.parseLong(new String(r, 8, 12, StandardCharsets.US_ASCII).trim());
            accounts.update(record(id, balance + 1));
        }
        tm.getTransaction().enlistResource(w.firstXa.getXAResource());
        w.firstUpdate.setInt(1, w.random.nextInt(ACCOUNTS));
        w.firstUpdate.executeUpdate();
        tm.commit();
    }

    @Benchmark
    public void h2AndH2(Worker w) throws Exception {
        tm.begin();
        tm.getTransaction().enlistResource(w.firstXa.getXAResource());
        w.firstUpdate.setInt(1, w.random.nextInt(ACCOUNTS));
        w.firstUpdate.executeUpdate();
        tm.getTransaction().enlistResource(w.secondXa.getXAResource());
        w.secondUpdate.setInt(1, w.random.nextInt(ACCOUNTS));
        w.secondUpdate.executeUpdate();
        tm.commit();
    }
}
