package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.jdbc.sql.ReadCounters;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL on record files through the driver: keyed reads and changes, commit and rollback, joins. */
class SqlStatementsTest {
    @TempDir
    Path dir;
    Connection connection;

    @BeforeEach
    void open() throws SQLException {
        TestStore.create(dir);
        connection = DriverManager.getConnection("jdbc:locksmith:" + dir);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada', 100.00, DATE '2026-01-02'), (2, 'bob', 50.50, NULL),"
                    + " (3, 'ada', 7.25, DATE '2025-12-31')");
            s.executeUpdate("INSERT INTO customers VALUES ('ada', 'London', 1), ('bob', 'Paris', 2)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private List<String> rows(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                p.setObject(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= columns; c++) {
                        row.append(c > 1 ? "|" : "").append(r.getObject(c));
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }
    }

    private ReadCounters counters() throws SQLException {
        return connection.unwrap(StoreConnection.class).readCounters();
    }

    @Test
    void aKeyedSelectReadsOneRecordByKeyWithoutAScan() throws SQLException {
        long scans = counters().scans();
        long records = counters().records();
        assertThat(rows("SELECT owner, balance, opened FROM accounts WHERE id = ?", 3L)).containsExactly("ada|7.25|2025-12-31");
        assertThat(counters().scans()).isEqualTo(scans);
        assertThat(counters().records()).isEqualTo(records + 1);
    }

    @Test
    void aRangeOnTheKeyReadsFromTheLowerBoundAndStopsAfterTheUpper() throws SQLException {
        long scans = counters().scans();
        assertThat(rows("SELECT id FROM accounts WHERE id >= 2 AND id < 3")).containsExactly("2");
        assertThat(counters().scans()).isEqualTo(scans);
    }

    @Test
    void anAlternateKeyWithDuplicatesFindsEveryRecordOfItsValue() throws SQLException {
        long scans = counters().scans();
        assertThat(rows("SELECT id FROM accounts WHERE owner = ? ORDER BY id", "ada")).containsExactly("1", "3");
        assertThat(counters().scans()).isEqualTo(scans);
    }

    @Test
    void aConditionOnNoKeyScans() throws SQLException {
        long scans = counters().scans();
        assertThat(rows("SELECT id FROM accounts WHERE balance > 60")).containsExactly("1");
        assertThat(counters().scans()).isEqualTo(scans + 1);
    }

    @Test
    void aJoinAcrossTwoFilesWithAnAggregate() throws SQLException {
        assertThat(rows("SELECT c.city, SUM(a.balance) FROM accounts a JOIN customers c ON a.owner = c.name"
                + " GROUP BY c.city ORDER BY c.city")).containsExactly("London|107.25", "Paris|50.50");
    }

    @Test
    void updateAndDeleteByKeyChangeTheRecords() throws SQLException {
        long scans = counters().scans();
        try (Statement s = connection.createStatement()) {
            assertThat(s.executeUpdate("UPDATE accounts SET balance = balance + 1, owner = 'cy' WHERE id = 2")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM accounts WHERE id = 1")).isEqualTo(1);
        }
        assertThat(counters().scans()).as("both found their record by key").isEqualTo(scans);
        assertThat(rows("SELECT id, owner, balance FROM accounts ORDER BY id")).containsExactly("2|cy|51.50", "3|ada|7.25");
        assertThat(rows("SELECT id FROM accounts WHERE owner = 'cy'")).containsExactly("2");
    }

    @Test
    void rollbackUndoesEveryChangeOfTheTransaction() throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("INSERT INTO accounts VALUES (9, 'zed', 1, NULL)");
            s.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1");
            s.executeUpdate("DELETE FROM accounts WHERE id = 2");
            assertThat(rows("SELECT id, balance FROM accounts ORDER BY id")).containsExactly("1|0.00", "3|7.25", "9|1.00");
        }
        connection.rollback();
        assertThat(rows("SELECT id, balance FROM accounts ORDER BY id")).containsExactly("1|100.00", "2|50.50", "3|7.25");
    }

    @Test
    void commitMakesTheChangesVisibleToOtherConnections() throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement();
             Connection other = DriverManager.getConnection("jdbc:locksmith:" + dir)) {
            s.executeUpdate("INSERT INTO accounts VALUES (9, 'zed', 1, NULL)");
            connection.commit();
            try (ResultSet r = other.createStatement().executeQuery("SELECT owner FROM accounts WHERE id = 9")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("zed");
            }
        }
    }

    @Test
    void switchingAutoCommitBackOnCommitsTheTransaction() throws SQLException {
        connection.setAutoCommit(false);
        connection.createStatement().executeUpdate("DELETE FROM accounts WHERE id = 3");
        connection.setAutoCommit(true);
        try (Connection other = DriverManager.getConnection("jdbc:locksmith:" + dir);
             ResultSet r = other.createStatement().executeQuery("SELECT COUNT(*) FROM accounts")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void valuesComeBackAsTheirSqlTypes() throws SQLException {
        try (ResultSet r = connection.createStatement().executeQuery("SELECT id, owner, balance, opened FROM accounts WHERE id = 1")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong("ID")).isEqualTo(1);
            assertThat(r.getString("OWNER")).isEqualTo("ada");
            assertThat(r.getBigDecimal("BALANCE")).isEqualByComparingTo(new BigDecimal("100.00"));
            assertThat(r.getDate("OPENED")).isEqualTo(Date.valueOf("2026-01-02"));
        }
    }

    @Test
    void aFileWithoutARecordDefinitionIsNoTable() {
        assertThatThrownBy(() -> rows("SELECT * FROM raw")).isInstanceOf(SQLException.class)
                .hasMessageContaining("RAW");
    }
}
