package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a generic SQL tool sees: the driver by URL, tables, columns, primary keys and indexes; and the DataSource. */
class MetaDataAndDataSourceTest {
    @TempDir
    Path dir;

    @BeforeEach
    void create() {
        TestStore.create(dir);
    }

    private static List<String> column(ResultSet rows, String... names) throws SQLException {
        List<String> values = new ArrayList<>();
        try (rows) {
            while (rows.next()) {
                StringBuilder value = new StringBuilder();
                for (String name : names) {
                    value.append(value.length() > 0 ? "|" : "").append(rows.getString(name));
                }
                values.add(value.toString());
            }
        }
        return values;
    }

    @Test
    void theDriverIsFoundByItsUrlThroughTheServiceLoader() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:locksmith:" + dir)).isInstanceOf(LocksmithDriver.class);
    }

    @Test
    void tablesAndColumnsComeFromTheRecordDefinitions() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:locksmith:" + dir)) {
            DatabaseMetaData meta = c.getMetaData();
            assertThat(meta.getDatabaseProductName()).isEqualTo("Locksmith");
            assertThat(column(meta.getTables(null, "STORE", "%", null), "TABLE_NAME")).containsExactlyInAnyOrder("ACCOUNTS", "CUSTOMERS");
            assertThat(column(meta.getColumns(null, "STORE", "ACCOUNTS", "%"), "COLUMN_NAME", "TYPE_NAME"))
                    .containsExactly("ID|BIGINT NOT NULL", "OWNER|VARCHAR(20)", "BALANCE|DECIMAL(15, 2)", "OPENED|DATE");
        }
    }

    @Test
    void textColumnsHaveTheirFieldsLengthAndDecimalsTheirDigitsAndScale() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:locksmith:" + dir)) {
            // A change is planned with unbounded text (see StoreSession.assigning): later statements still see the lengths.
            c.createStatement().executeUpdate("INSERT INTO customers VALUES ('ada', 'London', 1)");
            assertThat(column(c.getMetaData().getColumns(null, "STORE", "%", "%"), "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE",
                    "COLUMN_SIZE", "DECIMAL_DIGITS"))
                    .contains("ACCOUNTS|OWNER|" + Types.VARCHAR + "|20|null", "ACCOUNTS|BALANCE|" + Types.DECIMAL + "|15|2",
                            "CUSTOMERS|NAME|" + Types.VARCHAR + "|20|null", "CUSTOMERS|VISITS|" + Types.INTEGER + "|-1|null");
            try (ResultSet r = c.createStatement().executeQuery("SELECT owner, balance, name FROM accounts, customers")) {
                ResultSetMetaData meta = r.getMetaData();
                assertThat(meta.getPrecision(1)).isEqualTo(20);
                assertThat(meta.getColumnDisplaySize(1)).isEqualTo(20);
                assertThat(meta.getPrecision(2)).isEqualTo(15);
                assertThat(meta.getScale(2)).isEqualTo(2);
                assertThat(meta.getPrecision(3)).isEqualTo(20);
            }
        }
    }

    @Test
    void primaryKeysAndIndexesComeFromTheFdlKeys() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:locksmith:" + dir)) {
            DatabaseMetaData meta = c.getMetaData();
            assertThat(column(meta.getPrimaryKeys(null, "STORE", "ACCOUNTS"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"))
                    .containsExactly("ID|1|ACCOUNTS_PK");
            assertThat(column(meta.getIndexInfo(null, "STORE", "ACCOUNTS", false, false), "INDEX_NAME", "COLUMN_NAME", "NON_UNIQUE"))
                    .containsExactly("ID|ID|false", "BY_OWNER|OWNER|true");
            assertThat(column(meta.getIndexInfo(null, "STORE", "ACCOUNTS", true, false), "INDEX_NAME")).containsExactly("ID");
        }
    }

    @Test
    void theDataSourceConnectsToItsStoreDirectory() throws SQLException {
        LocksmithDataSource source = new LocksmithDataSource();
        source.setStoreDirectory(dir.toString());
        try (Connection c = source.getConnection()) {
            assertThat(c.unwrap(StoreConnection.class).storeDirectory()).isEqualTo(dir.toAbsolutePath().normalize());
            assertThat(c.createStatement().executeUpdate("INSERT INTO customers VALUES ('ada', 'Oslo', 0)")).isEqualTo(1);
        }
    }

    @Test
    void aDataSourceWithoutAStoreDirectoryIsRefused() {
        assertThatThrownBy(() -> new LocksmithDataSource().getConnection())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                .hasMessageContaining("storeDirectory");
    }

    @Test
    void aBadLockWaitPropertyIsRefusedNamingIt() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("lockWaitMillis", "soon");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:locksmith:" + dir, properties))
                .isInstanceOf(SQLException.class).hasMessageContaining("lockWaitMillis").hasMessageContaining("soon");
    }

    @Test
    void aClosedConnectionRefusesWorkWith08003() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:locksmith:" + dir);
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("08003"));
    }
}
