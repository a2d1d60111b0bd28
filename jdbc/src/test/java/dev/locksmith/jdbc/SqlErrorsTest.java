package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad SQL, bad values and store refusals give SQLExceptions with their SQLState and status, and change nothing. */
class SqlErrorsTest {
    static final List<String> START = List.of("1|ada|100.00", "2|bob|50.50");

    @TempDir
    Path dir;
    Connection connection;
    Statement statement;

    @BeforeEach
    void open() throws SQLException {
        TestStore.create(dir);
        connection = DriverManager.getConnection("jdbc:locksmith:" + dir);
        statement = connection.createStatement();
        statement.executeUpdate("INSERT INTO accounts VALUES (1, 'ada', 100.00, NULL), (2, 'bob', 50.50, NULL)");
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private List<String> accounts() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection other = DriverManager.getConnection("jdbc:locksmith:" + dir);
             ResultSet r = other.createStatement().executeQuery("SELECT id, owner, balance FROM accounts ORDER BY id")) {
            while (r.next()) {
                rows.add(r.getLong(1) + "|" + r.getString(2) + "|" + r.getBigDecimal(3));
            }
        }
        return rows;
    }

    private void assertFails(ThrowingCallable call, String sqlState, String... words) throws SQLException {
        assertThatThrownBy(call).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState))
                .hasMessageContainingAll(words);
        assertThat(accounts()).isEqualTo(START);
    }

    @Test
    void aDuplicatePrimaryKeyIs23505WithTheStoreStatus() throws SQLException {
        assertFails(() -> statement.executeUpdate("INSERT INTO accounts VALUES (2, 'cy', 1, NULL)"), "23505", "DUP");
    }

    @Test
    void aDuplicateInTheLastRowOfAnInsertLeavesNoRowOfIt() throws SQLException {
        assertFails(() -> statement.executeUpdate("INSERT INTO accounts VALUES (7, 'cy', 1, NULL), (1, 'dan', 2, NULL)"), "23505",
                "DUP");
    }

    @Test
    void aStatementFailingBeforeChangingAnythingLeavesTheTransactionGoingOn() throws SQLException {
        connection.setAutoCommit(false);
        statement.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 1");
        assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO accounts VALUES (2, 'cy', 1, NULL)"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        connection.commit();
        assertThat(accounts()).containsExactly("1|ada|1.00", "2|bob|50.50");
    }

    @Test
    void changingThePrimaryKeyIsRefusedWithTheStoreStatus() throws SQLException {
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET id = 5 WHERE id = 1"), "23000", "CHG");
    }

    @Test
    void aSyntaxErrorIs42601() throws SQLException {
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET WHERE id = 1"), "42601", "syntax error");
    }

    @Test
    void anUnknownTableOrColumnIs42000NamingIt() throws SQLException {
        assertFails(() -> statement.executeQuery("SELECT * FROM nothing"), "42000", "NOTHING");
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET colour = 'red'"), "42000", "COLOUR");
    }

    @Test
    void aStringThatIsNoNumberIs22018() throws SQLException {
        assertFails(() -> statement.executeUpdate("INSERT INTO accounts VALUES ('three', 'cy', 1, NULL)"), "22018", "three");
    }

    @Test
    void aNumberBeyondTheColumnsPrecisionIs22003() throws SQLException {
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET balance = 12345678901234.5 WHERE id = 1"), "22003", "out of range");
    }

    @Test
    void aValueOfTheColumnTypeThatDoesNotFitItsFieldIs22000NamingTheField() throws SQLException {
        statement.executeUpdate("INSERT INTO customers VALUES ('ada', 'London', 3)");
        assertThatThrownBy(() -> {
            try (var p = connection.prepareStatement("UPDATE customers SET visits = ? WHERE name = 'ada'")) {
                p.setInt(1, 70_000);
                p.executeUpdate();
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22000"))
                .hasMessageContainingAll("VISITS", "0..65535");
        try (ResultSet r = statement.executeQuery("SELECT visits FROM customers WHERE name = 'ada'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void textLongerThanItsFieldIsRefusedWith22001NotCutShort() throws SQLException {
        assertFails(() -> {
            try (var p = connection.prepareStatement("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?)")) {
                p.setLong(1, 9);
                p.setString(2, "a name much longer than twenty characters");
                p.setInt(3, 1);
                p.executeUpdate();
            }
        }, "22001", "OWNER", "VARCHAR(20)", "41 characters");
    }

    @Test
    void aLiteralTooLongForItsColumnIs22001InAnInsertAndAnUpdate() throws SQLException {
        assertFails(() -> statement.executeUpdate("INSERT INTO accounts VALUES (9, 'twenty-one characters', 1, NULL)"),
                "22001", "OWNER", "VARCHAR(20)");
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET owner = 'twenty-one characters' WHERE id = 1"),
                "22001", "OWNER", "VARCHAR(20)");
    }

    @Test
    void aComputedValueTooLongForItsColumnIs22001AndChangesNoRow() throws SQLException {
        assertFails(() -> statement.executeUpdate("UPDATE accounts SET owner = owner || ' of the house of windsor'"), "22001", "OWNER");
        assertFails(() -> statement.executeUpdate("INSERT INTO accounts SELECT id + 10, owner || ' and some more words', balance,"
                + " opened FROM accounts"), "22001", "OWNER");
    }

    @Test
    void textThatFillsItsFieldExactlyIsStored() throws SQLException {
        statement.executeUpdate("UPDATE accounts SET owner = 'twenty characters ok' WHERE id = 1");
        try (ResultSet r = statement.executeQuery("SELECT owner FROM accounts WHERE id = 1")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("twenty characters ok");
        }
    }
}
