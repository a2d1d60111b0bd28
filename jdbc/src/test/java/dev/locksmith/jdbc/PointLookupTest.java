package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.jdbc.sql.ReadCounters;
import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.fields.FieldCodec;
import dev.locksmith.rms.fields.RecordDefinition;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepared point lookups ({@code SELECT columns FROM t WHERE whole unique key = ?}) run as one keyed
 * read without Calcite, and answer exactly as Calcite's execution of the same statement does.
 */
class PointLookupTest {
    /** Every kind of field, key 0 first; variable records, so a short one leaves the later fields NULL. */
    static final FileDefinition KINDS = FileDefinition.builder(Organization.INDEXED).format(RecordFormat.VARIABLE).recordSize(80)
            .key(KeyDefinition.builder(0).type(KeyType.INT8).segment(0, 8).build())
            .key(KeyDefinition.builder(1).name("BY_CODE").segment(59, 6).build())
            .build();
    static final String KIND_FIELDS = "ID INTEGER 0 8; TINY INTEGER 8 1; SMALL INTEGER 9 2; WHOLE INTEGER 11 4; U1 UNSIGNED 15 1;"
            + " U2 UNSIGNED 16 2; U4 UNSIGNED 18 4; U8 UNSIGNED 22 8; PK PACKED 30 5 2; ZN ZONED 35 6 1; TXT TEXT 41 10;"
            + " BORN DATE 51 8; CODE TEXT 59 6";
    static final String ALL_KINDS = "SELECT id, tiny, small, whole, u1, u2, u4, u8, pk, zn, txt, born, code FROM kinds WHERE id = ?";

    @TempDir
    Path dir;
    Connection connection;

    @BeforeEach
    void open() throws SQLException {
        TestStore.create(dir);
        try (LockManager locks = LockManager.builder().name("kinds").registerMBean(false).build();
             RecordStore store = RecordStore.open(dir, locks)) {
            RmsFile kinds = store.create("kinds.rms", KINDS);
            RecordDefinition fields = RecordDefinition.parse(KIND_FIELDS, KINDS);
            kinds.defineRecords(fields);
            byte[] shortRecord = new byte[9];
            FieldCodec.encode(fields.fields().get(0), 2L, shortRecord);
            FieldCodec.encode(fields.fields().get(1), -7L, shortRecord);
            try (RecordStream stream = kinds.stream()) {
                stream.put(shortRecord);
            }
        }
        connection = connect(60_000);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada', 100.00, DATE '2026-01-02'), (2, 'bob', 50.50, NULL)");
            s.executeUpdate("INSERT INTO customers VALUES ('ada', 'London', 1), ('bob', 'Paris', 2)");
            s.executeUpdate("INSERT INTO kinds VALUES (1, -100, -30000, 2000000000, 250, 65000, 4000000000, 9000000000000000000,"
                    + " -1234567.89, 12345.6, 'ten chars!', DATE '1999-12-31', 'AB12')");
        }
    }

    @AfterEach
    void close() throws SQLException {
        LookupStatement.enabled = true;
        connection.close();
    }

    private Connection connect(long lockWaitMillis) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("lockWaitMillis", String.valueOf(lockWaitMillis));
        return DriverManager.getConnection("jdbc:locksmith:" + dir, properties);
    }

    private ReadCounters counters() throws SQLException {
        return connection.unwrap(StoreConnection.class).readCounters();
    }

    /** {@code sql} prepared as Calcite runs it, with point lookups off. */
    private PreparedStatement prepareForCalcite(String sql) throws SQLException {
        LookupStatement.enabled = false;
        try {
            return connection.prepareStatement(sql);
        } finally {
            LookupStatement.enabled = true;
        }
    }

    /** What every getter the equivalence is asked of answers for every column, with wasNull after it, and the metadata. */
    private static List<String> everything(ResultSet r) throws SQLException {
        List<String> seen = new ArrayList<>();
        ResultSetMetaData meta = r.getMetaData();
        int columns = meta.getColumnCount();
        for (int c = 1; c <= columns; c++) {
            seen.add(meta.getColumnLabel(c) + " " + meta.getColumnName(c) + " " + meta.getColumnType(c) + " " + meta.getColumnTypeName(c)
                    + " " + meta.getPrecision(c) + " " + meta.getScale(c) + " " + meta.isNullable(c) + " " + meta.getColumnClassName(c)
                    + " " + meta.getTableName(c) + " " + meta.isSigned(c) + " " + meta.getColumnDisplaySize(c));
        }
        while (r.next()) {
            for (int c = 1; c <= columns; c++) {
                int column = c;
                String label = meta.getColumnLabel(c).toLowerCase(java.util.Locale.ROOT);
                List<Getter> getters = List.of(() -> describe(r.getObject(column)), () -> r.getString(column), () -> r.getInt(column),
                        () -> r.getLong(column), () -> r.getBigDecimal(column), () -> r.getShort(column), () -> r.getByte(column),
                        () -> r.getDouble(column), () -> r.getBoolean(column), () -> r.getDate(column), () -> r.getTimestamp(column),
                        () -> r.getObject(label, String.class), () -> describe(r.getObject(label)));
                for (Getter getter : getters) {
                    String value;
                    try {
                        value = String.valueOf(getter.get());
                    } catch (SQLException | RuntimeException e) {
                        // Avatica's messages name its accessor objects by identity hash code.
                        value = "error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replaceAll("@[0-9a-f]+", "@");
                    }
                    seen.add(c + ": " + value + " wasNull=" + r.wasNull());
                }
            }
        }
        return seen;
    }

    private interface Getter {
        Object get() throws SQLException;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    /** The outcome of executing {@code statement} with {@code id} as parameter 1, set by {@code setter}. */
    private static List<String> outcome(PreparedStatement statement, Setter setter) {
        try {
            setter.set(statement);
            try (ResultSet r = statement.executeQuery()) {
                return everything(r);
            }
        } catch (SQLException e) {
            return List.of("error " + e.getSQLState() + ": " + e.getMessage());
        }
    }

    private interface Setter {
        void set(PreparedStatement statement) throws SQLException;
    }

    private void assertSameAsCalcite(String sql, Setter setter) throws SQLException {
        try (PreparedStatement fast = connection.prepareStatement(sql); PreparedStatement slow = prepareForCalcite(sql)) {
            long before = counters().pointLookups();
            List<String> calcite = outcome(slow, setter);
            assertThat(counters().pointLookups()).as("the reference ran through Calcite").isEqualTo(before);
            assertThat(outcome(fast, setter)).isEqualTo(calcite);
        }
    }

    @Test
    void aKeyedSelectOfSomeColumnsReadsOneRecordByKeyWithoutCalcite() throws SQLException {
        ReadCounters counters = counters();
        long lookups = counters.lookups();
        try (PreparedStatement p = connection.prepareStatement("SELECT owner, balance FROM accounts WHERE id = ?")) {
            p.setLong(1, 2);
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("bob");
                assertThat(r.getBigDecimal("BALANCE")).isEqualByComparingTo("50.50");
                assertThat(r.next()).isFalse();
            }
        }
        assertThat(counters.pointLookups()).isEqualTo(1);
        assertThat(counters.lookups()).isEqualTo(lookups + 1);
        assertThat(counters.scans()).isZero();
    }

    @Test
    void everyColumnKindAnswersAsCalciteDoesForEveryGetterAndTheMetadata() throws SQLException {
        assertSameAsCalcite(ALL_KINDS, p -> p.setLong(1, 1));
        assertThat(counters().pointLookups()).isEqualTo(1);
    }

    @Test
    void aShortRecordsMissingFieldsAreNullAsCalciteReadsThem() throws SQLException {
        assertSameAsCalcite(ALL_KINDS, p -> p.setLong(1, 2));
        assertThat(counters().pointLookups()).isEqualTo(1);
    }

    @Test
    void aKeyWithNoRecordGivesAnEmptyResult() throws SQLException {
        assertSameAsCalcite(ALL_KINDS, p -> p.setLong(1, 99));
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?")) {
            p.setLong(1, 99);
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).isFalse();
            }
        }
        assertThat(counters().pointLookups()).isEqualTo(2);
        assertThat(counters().scans()).isZero();
    }

    @Test
    void selectStarATextKeyALiteralAUniqueAlternateKeyAndDistinctAreLookupsToo() throws SQLException {
        assertSameAsCalcite("SELECT * FROM customers WHERE name = ?", p -> p.setString(1, "bob"));
        assertSameAsCalcite("SELECT id, txt FROM kinds WHERE code = ?", p -> p.setString(1, "AB12"));
        assertSameAsCalcite("SELECT city FROM customers WHERE 'ada' = name", p -> { });
        // Calcite drops a DISTINCT over at most one row itself.
        assertSameAsCalcite("SELECT DISTINCT owner FROM accounts WHERE id = ?", p -> p.setLong(1, 1));
        assertThat(counters().pointLookups()).isEqualTo(4);
    }

    @Test
    void otherStatementsRunThroughCalcite() throws SQLException {
        for (String sql : List.of("SELECT owner FROM accounts WHERE id = ? AND balance > 0",
                "SELECT owner FROM accounts WHERE id >= ?",
                "SELECT owner FROM accounts WHERE owner = ?",
                "SELECT owner FROM accounts WHERE id = ? ORDER BY owner",
                "SELECT COUNT(*) FROM accounts WHERE id = ?",
                "SELECT balance + 1 FROM accounts WHERE id = ?",
                "SELECT a.owner FROM accounts a JOIN customers c ON a.owner = c.name WHERE a.id = ?")) {
            try (PreparedStatement p = connection.prepareStatement(sql)) {
                p.setObject(1, sql.contains("owner = ?") ? "ada" : 1L);
                p.executeQuery().close();
            }
        }
        assertThat(counters().pointLookups()).isZero();
    }

    @Test
    void parametersOfAnotherTypeOrNullGiveWhatCalciteGives() throws SQLException {
        String sql = "SELECT owner, balance FROM accounts WHERE id = ?";
        assertSameAsCalcite(sql, p -> p.setString(1, "abc"));
        assertSameAsCalcite(sql, p -> p.setString(1, "1"));
        assertSameAsCalcite(sql, p -> p.setBigDecimal(1, new BigDecimal("1.5")));
        assertSameAsCalcite(sql, p -> p.setNull(1, Types.BIGINT));
        assertSameAsCalcite(sql, p -> p.setInt(1, 1));
        assertSameAsCalcite(sql, p -> p.setObject(1, 2L));
        assertSameAsCalcite(sql, p -> { });
        assertSameAsCalcite("SELECT city FROM customers WHERE name = ?", p -> p.setString(1, "ada "));
        assertSameAsCalcite("SELECT city FROM customers WHERE name = ?", p -> p.setString(1, "a name far longer than its field"));
        assertSameAsCalcite("SELECT city FROM customers WHERE name = ?", p -> p.setLong(1, 7));
    }

    @Test
    void aNewExecutionClosesThePreviousResultSetAndAClosedOneRefusesReads() throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?")) {
            p.setLong(1, 1);
            ResultSet first = p.executeQuery();
            assertThat(first.getStatement()).isSameAs(p);
            p.setLong(1, 2);
            assertThat(p.execute()).isTrue();
            ResultSet second = p.getResultSet();
            assertThat(first.isClosed()).isTrue();
            assertThatThrownBy(first::next).isInstanceOf(SQLException.class).hasMessage("ResultSet closed");
            assertThat(second.next()).isTrue();
            assertThat(second.getString("owner")).isEqualTo("bob");
            assertThat(p.getUpdateCount()).isEqualTo(-1);
            assertThat(p.getMoreResults()).isFalse();
            assertThat(second.isClosed()).isTrue();
            assertThat(p.getResultSet()).isNull();
            assertThat(counters().pointLookups()).isEqualTo(2);
        }
    }

    @Test
    void aClosedStatementRefusesToExecuteAsCalcitesDoes() throws SQLException {
        PreparedStatement fast = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?");
        PreparedStatement slow = prepareForCalcite("SELECT owner FROM accounts WHERE id = ?");
        fast.setLong(1, 1);
        slow.setLong(1, 1);
        ResultSet open = fast.executeQuery();
        fast.close();
        slow.close();
        assertThat(open.isClosed()).isTrue();
        assertThat(outcome(fast, p -> { })).isEqualTo(outcome(slow, p -> { })).singleElement().asString().startsWith("error");
    }

    @Test
    void inATransactionALookupSeesItsOwnWritesAndHoldsItsLockUntilCommit() throws Exception {
        connection.setAutoCommit(false);
        connection.createStatement().executeUpdate("INSERT INTO accounts VALUES (7, 'cy', 1, NULL)");
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?");
             Connection other = connect(60_000)) {
            p.setLong(1, 7);
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("cy");
            }
            p.setLong(1, 1);
            p.executeQuery().close();
            assertThatThrownBy(() -> other.createStatement().executeQuery("SELECT owner FROM accounts WHERE id = 1 FOR UPDATE NOWAIT"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
            connection.commit();
            try (ResultSet r = other.createStatement().executeQuery("SELECT owner FROM accounts WHERE id = 1 FOR UPDATE NOWAIT")) {
                assertThat(r.next()).isTrue();
            }
        }
        assertThat(counters().pointLookups()).isEqualTo(2);
    }

    @Test
    void aLookupForUpdateLocksTheRecordExclusively() throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ? FOR UPDATE");
             Connection other = connect(0)) {
            p.setLong(1, 1);
            p.executeQuery().close();
            assertThat(counters().pointLookups()).isEqualTo(1);
            try (PreparedStatement read = other.prepareStatement("SELECT owner FROM accounts WHERE id = ?")) {
                read.setLong(1, 1);
                assertThatThrownBy(read::executeQuery)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
                connection.rollback();
                try (ResultSet r = read.executeQuery()) {
                    assertThat(r.next()).isTrue();
                }
                assertThat(other.unwrap(StoreConnection.class).readCounters().pointLookups()).isEqualTo(2);
            }
        }
    }

    @Test
    void anAutoCommitLookupHoldsNoLockAfterwards() throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?");
             Connection other = connect(0)) {
            p.setLong(1, 1);
            p.executeQuery().close();
            p.setLong(1, 5);
            p.executeQuery().close();
            other.setAutoCommit(false);
            other.createStatement().executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 1");
            other.createStatement().executeUpdate("INSERT INTO accounts VALUES (5, 'eve', 1, NULL)");
            other.commit();
        }
    }

    @Test
    void aSerializableConnectionLooksUpWithoutLocking() throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        try (PreparedStatement p = connection.prepareStatement("SELECT owner FROM accounts WHERE id = ?");
             Connection other = connect(0)) {
            other.setAutoCommit(false);
            other.createStatement().executeUpdate("UPDATE accounts SET owner = 'amy' WHERE id = 1");
            p.setLong(1, 1);
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("ada");
            }
            other.commit();
        }
        assertThat(counters().pointLookups()).isEqualTo(1);
    }
}
