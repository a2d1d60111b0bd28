package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record locks through SQL: FOR UPDATE, lock waits, and the isolation levels' store modes. */
class LockingTest {
    @TempDir
    Path dir;
    Connection first;
    Connection second;
    ExecutorService thread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() throws SQLException {
        TestStore.create(dir);
        first = connect(60_000);
        second = connect(60_000);
        first.createStatement().executeUpdate("INSERT INTO accounts VALUES (1, 'ada', 100, NULL), (2, 'bob', 50, NULL)");
        first.setAutoCommit(false);
        second.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        thread.shutdownNow();
        first.close();
        second.close();
    }

    private Connection connect(long lockWaitMillis) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("lockWaitMillis", String.valueOf(lockWaitMillis));
        properties.setProperty("deadlockWaitMillis", "100");
        return DriverManager.getConnection("jdbc:locksmith:" + dir, properties);
    }

    private static BigDecimal balance(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).isTrue();
            return r.getBigDecimal(1);
        }
    }

    /** Waits (generously) until {@code thread} is parked, as a lock wait parks it. */
    private static void awaitParked(AtomicReference<Thread> thread, CompletableFuture<?> work) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Thread t = thread.get();
            if (t != null && (t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING)) {
                return;
            }
            assertThat(work).isNotDone();
            Thread.sleep(10);
        }
        throw new AssertionError("the second connection never waited");
    }

    @Test
    void selectForUpdateMakesASecondConnectionWaitUntilTheFirstCommits() throws Exception {
        assertThat(balance(first, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE")).isEqualByComparingTo("100");
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<BigDecimal> read = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try {
                return balance(second, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, thread);
        awaitParked(waiter, read);
        first.createStatement().executeUpdate("UPDATE accounts SET balance = 90 WHERE id = 1");
        first.commit();
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualByComparingTo("90");
    }

    @Test
    void forUpdateNowaitFailsAtOnceWith55P03WhileAnotherHoldsTheRecord() throws SQLException {
        balance(first, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE");
        assertThatThrownBy(() -> balance(second, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE NOWAIT"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"))
                .hasMessageContaining("RLK");
        assertThat(balance(second, "SELECT balance FROM accounts WHERE id = 2 FOR UPDATE NOWAIT")).isEqualByComparingTo("50");
    }

    /** Whether {@code first} holds account 1 EX: a connection that does not wait cannot even read it. */
    private boolean firstHoldsAccountOneExclusively() throws SQLException {
        try (Connection impatient = connect(0)) {
            balance(impatient, "SELECT balance FROM accounts WHERE id = 1");
            return false;
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("55P03");
            return true;
        }
    }

    @Test
    void forUpdateInsideAStringLiteralOrACommentTakesNoExclusiveLock() throws SQLException {
        balance(first, "SELECT balance FROM accounts WHERE id = 1 AND owner <> 'x FOR UPDATE'");
        balance(first, "SELECT balance FROM accounts WHERE id = 1 -- FOR UPDATE\n");
        balance(first, "SELECT balance FROM accounts WHERE id = 1 /* FOR UPDATE NOWAIT */");
        balance(first, "SELECT balance FROM accounts WHERE id = 1 -- for update");
        assertThat(firstHoldsAccountOneExclusively()).isFalse();
    }

    @Test
    void forUpdateInAnyCaseAndAcrossLineBreaksLocksExclusively() throws SQLException {
        assertThat(balance(first, "select balance\r\nfrom accounts where id = 1 -- the first\n  For\n\tuPDATE ;"))
                .isEqualByComparingTo("100");
        assertThat(firstHoldsAccountOneExclusively()).isTrue();
    }

    @Test
    void forUpdateNowaitOnAPreparedQueryFailsAtOnceWhileAnotherHoldsTheRecord() throws SQLException {
        balance(first, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE");
        try (var query = second.prepareStatement("SELECT balance FROM accounts WHERE id = ? ORDER BY id\nfor update\nnowait")) {
            query.setLong(1, 1);
            assertThatThrownBy(query::executeQuery)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"))
                    .hasMessageContaining("RLK");
        }
    }

    @Test
    void aLockWaitThatRunsOutIs55P03() throws SQLException {
        try (Connection impatient = connect(0)) {
            impatient.setAutoCommit(false);
            first.createStatement().executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 1");
            assertThatThrownBy(() -> impatient.createStatement().executeUpdate("UPDATE accounts SET balance = 2 WHERE id = 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
        }
    }

    @Test
    void repeatableReadIsPessimisticAndSerializableIsOptimistic() throws SQLException {
        assertThat(first.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(first.unwrap(StoreConnection.class).transactionMode()).isEqualTo(dev.locksmith.rms.TransactionMode.PESSIMISTIC);
        first.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(first.unwrap(StoreConnection.class).transactionMode()).isEqualTo(dev.locksmith.rms.TransactionMode.OPTIMISTIC);
        assertThat(first.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
    }

    @Test
    void aSerializableTransactionWhoseReadWasChangedFailsAtCommitWith40001() throws SQLException {
        first.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        BigDecimal seen = balance(first, "SELECT balance FROM accounts WHERE id = 1");
        second.createStatement().executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1");
        second.commit();
        first.createStatement().executeUpdate("UPDATE accounts SET balance = " + seen.add(BigDecimal.TEN) + " WHERE id = 2");
        assertThatThrownBy(first::commit)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("40001"))
                .hasMessageContaining("CONFLICT");
        assertThat(balance(second, "SELECT balance FROM accounts WHERE id = 2")).isEqualByComparingTo("50");
    }

    @Test
    void theIsolationLevelCannotChangeInsideATransaction() throws SQLException {
        balance(first, "SELECT balance FROM accounts WHERE id = 1");
        assertThatThrownBy(() -> first.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25001"));
    }
}
