package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.jdbc.sql.ReadCounters;
import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.fields.RecordDefinition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
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

/**
 * Relative files as tables keyed by their record number (RECNO), and sequential files as tables
 * that are scanned and appended to.
 */
class RelativeAndSequentialTablesTest {
    @TempDir
    Path dir;
    Connection connection;
    Statement statement;

    @BeforeEach
    void open() throws SQLException {
        try (LockManager locks = LockManager.builder().name("org-tables").registerMBean(false).build();
             RecordStore store = RecordStore.open(dir, locks)) {
            FileDefinition slots = FileDefinition.builder(Organization.RELATIVE).format(RecordFormat.FIXED).recordSize(24).build();
            store.create("slots.rms", slots).defineRecords(RecordDefinition.parse("WHO TEXT 0 20; HITS INTEGER 20 4", slots));
            FileDefinition log = FileDefinition.builder(Organization.SEQUENTIAL).format(RecordFormat.FIXED).recordSize(26).build();
            store.create("log.rms", log).defineRecords(RecordDefinition.parse("EVENT TEXT 0 20; AMOUNT PACKED 20 6 2", log));
        }
        connection = DriverManager.getConnection("jdbc:locksmith:" + dir);
        statement = connection.createStatement();
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = statement.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? "|" : "").append(r.getString(c));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static void assertState(ThrowingCall call, String sqlState, String... words) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState))
                .hasMessageContainingAll(words);
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void aRelativeFilesRowsAreItsCellsInRecordNumberOrder() throws SQLException {
        statement.executeUpdate("INSERT INTO slots VALUES (5, 'eve', 50), (2, 'bob', 20)");
        assertThat(rows("SELECT * FROM slots")).containsExactly("2|bob|20", "5|eve|50");
    }

    @Test
    void recnoEqualsAValueIsAKeyedGetOfThatCell() throws SQLException {
        statement.executeUpdate("INSERT INTO slots VALUES (5, 'eve', 50), (2, 'bob', 20), (9, 'ivy', 90)");
        ReadCounters counters = connection.unwrap(StoreConnection.class).readCounters();
        long scans = counters.scans();
        long records = counters.records();
        try (PreparedStatement get = connection.prepareStatement("SELECT who, hits FROM slots WHERE recno = ?")) {
            get.setLong(1, 5);
            try (ResultSet r = get.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("eve");
                assertThat(r.next()).isFalse();
            }
        }
        assertThat(rows("SELECT who FROM slots WHERE recno = 3")).isEmpty();
        assertThat(rows("SELECT who FROM slots WHERE recno = 0")).isEmpty();
        assertThat(counters.scans()).isEqualTo(scans);
        assertThat(counters.records()).isEqualTo(records + 1);
    }

    @Test
    void insertingIntoAnOccupiedCellIs23505AndChangesNothing() throws SQLException {
        statement.executeUpdate("INSERT INTO slots VALUES (2, 'bob', 20)");
        assertState(() -> statement.executeUpdate("INSERT INTO slots VALUES (7, 'cy', 1), (2, 'other', 1)"), "23505", "REX", "cell 2");
        assertThat(rows("SELECT * FROM slots")).containsExactly("2|bob|20");
    }

    @Test
    void deleteFreesTheCellForAnotherRecord() throws SQLException {
        statement.executeUpdate("INSERT INTO slots VALUES (2, 'bob', 20), (3, 'cy', 30)");
        assertThat(statement.executeUpdate("DELETE FROM slots WHERE recno = 2")).isEqualTo(1);
        statement.executeUpdate("INSERT INTO slots VALUES (2, 'dan', 40)");
        assertThat(rows("SELECT * FROM slots")).containsExactly("2|dan|40", "3|cy|30");
    }

    @Test
    void anUpdateRewritesTheCellButCannotChangeItsNumber() throws SQLException {
        statement.executeUpdate("INSERT INTO slots VALUES (2, 'bob', 20), (3, 'cy', 30)");
        assertThat(statement.executeUpdate("UPDATE slots SET hits = hits + 1 WHERE recno >= 2")).isEqualTo(2);
        assertState(() -> statement.executeUpdate("UPDATE slots SET recno = 4 WHERE recno = 2"), "23000", "RECNO", "cannot change cells");
        assertThat(rows("SELECT * FROM slots")).containsExactly("2|bob|21", "3|cy|31");
    }

    @Test
    void aSequentialFileIsScannedInTheOrderItsRecordsWereAppended() throws SQLException {
        statement.executeUpdate("INSERT INTO log VALUES ('opened', 10.50)");
        statement.executeUpdate("INSERT INTO log VALUES ('deposit', 3), ('withdrawal', -2.25)");
        assertThat(rows("SELECT * FROM log")).containsExactly("opened|10.50", "deposit|3.00", "withdrawal|-2.25");
        assertThat(rows("SELECT SUM(amount) FROM log")).containsExactly("11.25");
    }

    @Test
    void aSequentialRecordIsUpdatedInPlace() throws SQLException {
        statement.executeUpdate("INSERT INTO log VALUES ('a', 1), ('b', 2), ('a', 1), ('c', 3)");
        assertThat(statement.executeUpdate("UPDATE log SET amount = amount * 10 WHERE event = 'a'")).isEqualTo(2);
        assertThat(rows("SELECT * FROM log")).containsExactly("a|10.00", "b|2.00", "a|10.00", "c|3.00");
    }

    @Test
    void deletingFromASequentialFileIsRefusedWith0A000AndChangesNothing() throws SQLException {
        statement.executeUpdate("INSERT INTO log VALUES ('opened', 10.50)");
        assertState(() -> statement.executeUpdate("DELETE FROM log"), "0A000", "ORG", "sequential", "LOG");
        assertThat(rows("SELECT * FROM log")).containsExactly("opened|10.50");
    }

    @Test
    void theMetadataListsBothWithTheirKeys() throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet r = meta.getTables(null, "STORE", "%", null)) {
            while (r.next()) {
                tables.add(r.getString("TABLE_NAME"));
            }
        }
        assertThat(tables).containsExactlyInAnyOrder("SLOTS", "LOG");
        List<String> columns = new ArrayList<>();
        try (ResultSet r = meta.getColumns(null, "STORE", "SLOTS", "%")) {
            while (r.next()) {
                columns.add(r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME"));
            }
        }
        assertThat(columns).containsExactly("RECNO BIGINT NOT NULL", "WHO VARCHAR(20)", "HITS INTEGER");
        try (ResultSet r = meta.getPrimaryKeys(null, "STORE", "SLOTS")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString("COLUMN_NAME")).isEqualTo("RECNO");
            assertThat(r.next()).isFalse();
        }
        try (ResultSet r = meta.getIndexInfo(null, "STORE", "SLOTS", true, false)) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString("COLUMN_NAME")).isEqualTo("RECNO");
            assertThat(r.getBoolean("NON_UNIQUE")).isFalse();
        }
        try (ResultSet r = meta.getPrimaryKeys(null, "STORE", "LOG")) {
            assertThat(r.next()).isFalse();
        }
    }
}
