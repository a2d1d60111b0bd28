package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.fields.Field;
import dev.locksmith.rms.fields.FieldCodec;
import dev.locksmith.rms.fields.FieldType;
import dev.locksmith.rms.fields.RecordDefinition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;

/**
 * A SELECT that reads at most one record by a whole unique key and returns some of its columns:
 * {@code SELECT a, b FROM t WHERE k1 = ? AND k2 = 'x'}, where k1, k2 are every field of key 0 or of
 * an alternate key without duplicates, each compared with {@code =} to a parameter or literal, and
 * nothing else is asked (no other condition, join, aggregate, DISTINCT, ORDER BY, OFFSET or FETCH).
 * Recognized once, when the statement is prepared, from the relational plan Calcite's own parser,
 * validator and converter make of it; each execution is then one keyed get through the session and
 * the decoding of the projected fields, without Calcite.
 *
 * <p>Executions hand their parameter values to {@link #key}, which accepts only plain values of the
 * parameters' types that the key field holds exactly (a BIGINT parameter given a {@code Long} the
 * field stores and reads back unchanged, a VARCHAR one a {@code String} without trailing spaces…);
 * for anything else — NULL, another Java type, a value the field cannot hold — it answers null and
 * the caller runs the statement through Calcite, which gives the answer or the error it always gave.
 * So the two paths never differ in what they return.
 *
 * <p>Immutable; {@link #read} runs on the session's thread.
 */
public final class PointLookup {
    private final RecordTable table;
    private final int key;
    /** The key's fields, in segment order. */
    private final Field[] keyFields;
    /** Each key field as if at offset 0, to read back the bytes {@link FieldCodec#bytes} makes. */
    private final Field[] probes;
    /** Per key field: the parameter index (0-based) whose value it takes, or -1 for a literal. */
    private final int[] parameters;
    /** Per key field: the SQL type of its parameter (or literal). */
    private final SqlTypeName[] parameterTypes;
    /** Per key field: the literal's encoded bytes, or null for a parameter. */
    private final byte[][] literals;
    /** The field index of each result column. */
    private final int[] columns;
    private final int keyLength;

    private PointLookup(RecordTable table, int key, int[] parameters, SqlTypeName[] parameterTypes, byte[][] literals,
                        int[] columns) {
        this.table = table;
        this.key = key;
        List<Field> parts = table.recordDefinition().keyFields(key);
        this.keyFields = parts.toArray(new Field[0]);
        this.probes = new Field[keyFields.length];
        int length = 0;
        for (int i = 0; i < keyFields.length; i++) {
            probes[i] = atStart(keyFields[i]);
            length += keyFields[i].length();
        }
        this.keyLength = length;
        this.parameters = parameters;
        this.parameterTypes = parameterTypes;
        this.literals = literals;
        this.columns = columns;
    }

    /**
     * The point lookup {@code sql} is, if it is one; {@code schema} is the connection's default
     * schema. Anything Calcite cannot parse or validate, or any other statement, is none.
     */
    public static Optional<PointLookup> recognize(SchemaPlus schema, String sql) {
        FrameworkConfig config = Frameworks.newConfigBuilder()
                .defaultSchema(schema)
                .parserConfig(SqlParser.config().withCaseSensitive(false))
                .build();
        Planner planner = Frameworks.getPlanner(config);
        try {
            SqlNode parsed = planner.parse(sql);
            if (parsed.getKind() != SqlKind.SELECT) {
                return Optional.empty();
            }
            RelRoot root = planner.rel(planner.validate(parsed));
            if (!root.collation.getFieldCollations().isEmpty()) {
                return Optional.empty();
            }
            return of(root.project());
        } catch (Exception e) {
            return Optional.empty(); // Calcite prepared the statement; whatever this planner makes of it, Calcite runs it
        } finally {
            planner.close();
        }
    }

    /** Project(input refs) over Filter(key equalities) over a record table's scan, or Filter over the scan. */
    private static Optional<PointLookup> of(RelNode top) {
        RelNode at = top;
        int[] columns = null;
        if (at instanceof Project project) {
            columns = new int[project.getProjects().size()];
            for (int c = 0; c < columns.length; c++) {
                if (!(project.getProjects().get(c) instanceof RexInputRef ref)) {
                    return Optional.empty();
                }
                columns[c] = ref.getIndex();
            }
            at = project.getInput();
        }
        if (!(at instanceof Filter filter) || !(filter.getInput() instanceof TableScan scan)) {
            return Optional.empty();
        }
        RecordTable table = scan.getTable().unwrap(RecordTable.class);
        if (table == null) {
            return Optional.empty();
        }
        RecordDefinition definition = table.recordDefinition();
        if (columns == null) {
            columns = java.util.stream.IntStream.range(0, definition.fields().size()).toArray();
        }
        Map<Integer, RexNode> equalTo = new HashMap<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
            if (!addEquality(definition, conjunct, equalTo)) {
                return Optional.empty();
            }
        }
        for (int k = 0; k < definition.keyCount(); k++) {
            Optional<PointLookup> lookup = onKey(table, k, equalTo, columns);
            if (lookup.isPresent()) {
                return lookup;
            }
        }
        return Optional.empty();
    }

    /** Records {@code column = value}; false for any other condition, or a second one on the same column. */
    private static boolean addEquality(RecordDefinition definition, RexNode node, Map<Integer, RexNode> equalTo) {
        if (node.getKind() != SqlKind.EQUALS || !(node instanceof RexCall call)) {
            return false;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        int column = KeyedRead.column(definition, left);
        RexNode value = KeyedRead.stripCasts(right);
        if (column < 0) {
            column = KeyedRead.column(definition, right);
            value = KeyedRead.stripCasts(left);
        }
        if (column < 0 || !(value instanceof RexDynamicParam || value instanceof RexLiteral)) {
            return false;
        }
        return equalTo.putIfAbsent(column, value) == null;
    }

    /** The lookup by key {@code k}, if every one of its fields and nothing else is compared and it has no duplicates. */
    private static Optional<PointLookup> onKey(RecordTable table, int k, Map<Integer, RexNode> equalTo, int[] columns) {
        RecordDefinition definition = table.recordDefinition();
        FileDefinition file = table.fileDefinition();
        List<Field> parts = definition.keyFields(k);
        if (parts.isEmpty() || parts.size() != equalTo.size() || file.key(k).duplicates()) {
            return Optional.empty();
        }
        int[] parameters = new int[parts.size()];
        SqlTypeName[] types = new SqlTypeName[parts.size()];
        byte[][] literals = new byte[parts.size()][];
        for (int i = 0; i < parts.size(); i++) {
            Field field = parts.get(i);
            RexNode value = equalTo.get(definition.fields().indexOf(field));
            if (value == null) {
                return Optional.empty();
            }
            types[i] = value.getType().getSqlTypeName();
            if (value instanceof RexDynamicParam param) {
                parameters[i] = param.getIndex();
            } else {
                parameters[i] = -1;
                Object literal = KeyedRead.literalValue(field, (RexLiteral) value);
                literals[i] = literal == null ? null : exactBytes(field, atStart(field), literal);
                if (literals[i] == null) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new PointLookup(table, k, parameters, types, literals, columns));
    }

    /** {@code f} as if it began the record: reads the bytes {@link FieldCodec#bytes} makes for it. */
    private static Field atStart(Field f) {
        return new Field(f.name(), f.type(), 0, f.length(), f.scale());
    }

    /**
     * The key value for these parameter values (JDBC's, by 0-based index), or null if one of them is
     * not a plain value of its parameter's type that its field holds exactly: the statement must then
     * run through Calcite.
     */
    public byte[] key(Object[] parameterValues) {
        byte[] whole = keyFields.length == 1 ? null : new byte[keyLength];
        int at = 0;
        for (int i = 0; i < keyFields.length; i++) {
            byte[] bytes = literals[i];
            if (bytes == null) {
                int p = parameters[i];
                Object value = p < parameterValues.length ? plain(parameterTypes[i], parameterValues[p]) : null;
                bytes = value == null ? null : exactBytes(keyFields[i], probes[i], value);
                if (bytes == null) {
                    return null;
                }
            }
            if (whole == null) {
                return bytes;
            }
            System.arraycopy(bytes, 0, whole, at, bytes.length);
            at += bytes.length;
        }
        return whole;
    }

    /** {@code value} if it is of the Java type a parameter of {@code type} holds and within its range; else null. */
    private static Object plain(SqlTypeName type, Object value) {
        return switch (type) {
            case TINYINT -> integral(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case SMALLINT -> integral(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case INTEGER -> integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> integral(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case DECIMAL -> value instanceof BigDecimal ? value : null;
            case CHAR, VARCHAR -> value instanceof String ? value : null;
            default -> null;
        };
    }

    private static Long integral(Object value, long min, long max) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long v = ((Number) value).longValue();
            return v >= min && v <= max ? v : null;
        }
        return null;
    }

    /** The field's bytes for {@code value} if the field reads them back as a value equal to it in SQL; else null. */
    private static byte[] exactBytes(Field field, Field probe, Object value) {
        byte[] bytes;
        try {
            bytes = FieldCodec.bytes(field, value);
        } catch (RmsException e) {
            return null;
        }
        Object back = FieldCodec.decode(probe, bytes);
        return equalInSql(back, value) ? bytes : null;
    }

    private static boolean equalInSql(Object stored, Object given) {
        if (given.equals(stored)) {
            return true;
        }
        if (stored instanceof Long s && given instanceof Long g) {
            return s.longValue() == g.longValue();
        }
        if (stored instanceof String || given instanceof String) {
            return given.equals(stored);
        }
        BigDecimal a = decimal(stored);
        BigDecimal b = decimal(given);
        return a != null && b != null && a.compareTo(b) == 0;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        return value instanceof Long || value instanceof Integer ? BigDecimal.valueOf(((Number) value).longValue()) : null;
    }

    /**
     * Reads the record with key value {@code keyValue} (from {@link #key}) through {@code session}
     * and returns its result columns in Calcite's runtime form, or null if there is none. Counts a
     * point lookup and a keyed lookup in the session's counters.
     *
     * @throws RmsException as the session's read does (a lock not granted, a deadlock…)
     */
    public Object[] read(StoreSession session, byte[] keyValue) {
        ReadCounters counters = session.counters();
        counters.pointLookup();
        counters.lookup();
        byte[] record = session.readExact(table.fileName(), key, keyValue);
        if (record == null) {
            return null;
        }
        counters.record();
        List<Field> fields = table.recordDefinition().fields();
        Object[] row = new Object[columns.length];
        for (int c = 0; c < columns.length; c++) {
            Field field = fields.get(columns[c]);
            row[c] = Columns.toSql(field, FieldCodec.decode(field, record));
        }
        return row;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Field f : keyFields) {
            names.add(f.name());
        }
        return "PointLookup[" + table.fileName() + " key " + key + " " + names + "]";
    }
}
