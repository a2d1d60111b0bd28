package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed statement inside a transaction undoes its own changes only and leaves the transaction
 * usable; JDBC savepoints undo the work after them.
 */
class StatementAtomicityTest {
    @TempDir
    Path dir;
    Connection connection;
    Statement statement;

    @BeforeEach
    void open() throws SQLException {
        TestStore.create(dir);
        connection = DriverManager.getConnection("jdbc:locksmith:" + dir);
        statement = connection.createStatement();
        statement.executeUpdate("INSERT INTO accounts VALUES (1, 'ada', 100, NULL), (2, 'bob', 50, NULL)");
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private List<Long> ids(Connection reader) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet r = reader.createStatement().executeQuery("SELECT id FROM accounts ORDER BY id")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    private List<Long> committedIds() throws SQLException {
        try (Connection other = DriverManager.getConnection("jdbc:locksmith:" + dir)) {
            return ids(other);
        }
    }

    private void assertDuplicate(String sql) {
        assertThatThrownBy(() -> statement.executeUpdate(sql))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"))
                .hasMessageContaining("DUP");
    }

    @Test
    void aMultiRowInsertThatHitsADuplicateHalfWayUndoesItsOwnRowsAndTheTransactionGoesOn() throws SQLException {
        statement.executeUpdate("INSERT INTO accounts VALUES (5, 'eve', 5, NULL)");
        assertDuplicate("INSERT INTO accounts VALUES (3, 'cy', 3, NULL), (4, 'di', 4, NULL), (1, 'again', 1, NULL)");
        assertThat(ids(connection)).containsExactly(1L, 2L, 5L);
        statement.executeUpdate("INSERT INTO accounts VALUES (3, 'cy', 3, NULL)");
        connection.commit();
        assertThat(committedIds()).containsExactly(1L, 2L, 3L, 5L);
    }

    @Test
    void anInsertSelectThatHitsADuplicateHalfWayUndoesItsOwnRows() throws SQLException {
        statement.executeUpdate("INSERT INTO accounts VALUES (4, 'di', 4, NULL)");
        // Reads 1, 2, 4 and stores 3 (new), then 4 (taken).
        assertDuplicate("INSERT INTO accounts SELECT id + 2, owner, balance, opened FROM accounts");
        assertThat(ids(connection)).containsExactly(1L, 2L, 4L);
        connection.commit();
        assertThat(committedIds()).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aFailedUpdateLeavesTheRowsAnEarlierStatementOfTheTransactionChanged() throws SQLException {
        statement.executeUpdate("UPDATE accounts SET balance = 7 WHERE id = 1");
        assertThatThrownBy(() -> statement.executeUpdate("UPDATE accounts SET balance = 1 / 0 WHERE id = 2"))
                .isInstanceOf(SQLException.class);
        connection.commit();
        try (ResultSet r = statement.executeQuery("SELECT balance FROM accounts WHERE id = 1")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getBigDecimal(1)).isEqualByComparingTo("7");
        }
    }

    @Test
    void rollingBackToASavepointUndoesTheWorkAfterItOnly() throws SQLException {
        statement.executeUpdate("INSERT INTO accounts VALUES (3, 'cy', 3, NULL)");
        Savepoint savepoint = connection.setSavepoint("before_four");
        statement.executeUpdate("INSERT INTO accounts VALUES (4, 'di', 4, NULL)");
        statement.executeUpdate("DELETE FROM accounts WHERE id = 1");
        connection.rollback(savepoint);
        assertThat(savepoint.getSavepointName()).isEqualTo("before_four");
        assertThat(ids(connection)).containsExactly(1L, 2L, 3L);
        statement.executeUpdate("INSERT INTO accounts VALUES (6, 'fay', 6, NULL)");
        connection.commit();
        assertThat(committedIds()).containsExactly(1L, 2L, 3L, 6L);
    }

    @Test
    void aReleasedSavepointOrOneOfAnEndedTransactionIs3B001() throws SQLException {
        Savepoint released = connection.setSavepoint();
        assertThat(released.getSavepointId()).isPositive();
        connection.releaseSavepoint(released);
        assertThatThrownBy(() -> connection.rollback(released))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3B001"));
        Savepoint ended = connection.setSavepoint();
        statement.executeUpdate("INSERT INTO accounts VALUES (3, 'cy', 3, NULL)");
        connection.commit();
        assertThatThrownBy(() -> connection.rollback(ended))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3B001"));
        assertThat(committedIds()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aSavepointInAutoCommitModeIsRefusedWith25000() throws SQLException {
        connection.setAutoCommit(true);
        assertThatThrownBy(connection::setSavepoint)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25000"));
        assertThat(connection.getMetaData().supportsSavepoints()).isTrue();
    }
}
