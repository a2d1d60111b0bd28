package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrency check: threads move money between accounts with SQL, each transfer one
 * transaction of two keyed UPDATEs, restarted when it is a deadlock victim or loses an optimistic
 * validation (40001). Whatever interleaving happens, the total never changes and no transfer is lost.
 */
class BankTransfersTest {
    static final int ACCOUNTS = 8;
    static final int THREADS = 4;
    static final int TRANSFERS = 60;

    @TempDir
    Path dir;

    private Connection connect(int isolation) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("deadlockWaitMillis", "50");
        Connection connection = DriverManager.getConnection("jdbc:locksmith:" + dir, properties);
        connection.setTransactionIsolation(isolation);
        connection.setAutoCommit(false);
        return connection;
    }

    @ParameterizedTest(name = "isolation {0}")
    @ValueSource(ints = {Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE})
    void theTotalStaysConstantUnderConcurrentTransfers(int isolation) throws Exception {
        TestStore.create(dir);
        try (Connection setup = connect(isolation); Statement s = setup.createStatement()) {
            for (int i = 0; i < ACCOUNTS; i++) {
                s.executeUpdate("INSERT INTO accounts VALUES (" + i + ", 'owner', 1000, NULL)");
            }
            setup.commit();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                workers.add(pool.submit(() -> transfer(isolation, seed)));
            }
            int moved = 0;
            for (Future<Integer> worker : workers) {
                moved += worker.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(moved).isEqualTo(THREADS * TRANSFERS);
            try (ResultSet r = s.executeQuery("SELECT SUM(balance), COUNT(*) FROM accounts")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getBigDecimal(1)).isEqualByComparingTo(BigDecimal.valueOf(1000L * ACCOUNTS));
                assertThat(r.getInt(2)).isEqualTo(ACCOUNTS);
            }
            setup.commit();
        }
    }

    /** Makes {@link #TRANSFERS} transfers, each retried until it commits; returns how many committed. */
    private int transfer(int isolation, int seed) throws SQLException {
        Random random = new Random(seed);
        int committed = 0;
        try (Connection connection = connect(isolation);
             PreparedStatement take = connection.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = ?");
             PreparedStatement give = connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
            while (committed < TRANSFERS) {
                int from = random.nextInt(ACCOUNTS);
                int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                int amount = 1 + random.nextInt(20);
                try {
                    take.setInt(1, amount);
                    take.setInt(2, from);
                    give.setInt(1, amount);
                    give.setInt(2, to);
                    assertThat(take.executeUpdate()).isEqualTo(1);
                    assertThat(give.executeUpdate()).isEqualTo(1);
                    connection.commit();
                    committed++;
                } catch (SQLException e) {
                    if (!"40001".equals(e.getSQLState())) {
                        throw e;
                    }
                    connection.rollback();
                }
            }
        }
        return committed;
    }
}
