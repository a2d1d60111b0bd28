package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.TransactionStream;
import dev.locksmith.rms.fields.Field;
import dev.locksmith.rms.fields.FieldCodec;
import dev.locksmith.rms.fields.FieldType;
import dev.locksmith.rms.fields.RecordDefinition;
import dev.locksmith.rms.org.RelativeOrganization;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.calcite.DataContext;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * How one table read uses the file's keys, decided from the query's conditions: every field of a
 * key compared with {@code =} to a literal or parameter → an exact keyed get (and, for a key with
 * duplicates, next while the value stays); a range ({@code <, <=, >, >=}) on a key of one ascending
 * field that orders like its values → a GE/GT get and next until past the upper bound; otherwise a
 * scan of the file in primary key order. Key 0 is preferred, then the alternate keys in order. A
 * relative file's table reads one cell for {@code RECNO =} a value ({@link #planRecordNumber}) and
 * scans otherwise; a sequential file's always scans. The
 * conditions stay with Calcite, which checks every row again, so a read may return more than
 * matches but never less. Immutable once planned; {@link #read} runs in the caller's stream.
 */
final class KeyedRead {
    /** What the read does. */
    enum Kind { EXACT, RANGE, SCAN, NOTHING }

    private static final RexBuilder REX = new RexBuilder(new JavaTypeFactoryImpl());

    private record Condition(SqlKind op, Object value) {
    }

    private final Kind kind;
    private final int key;
    private final byte[] exact;
    private final byte[] low;
    private final boolean lowInclusive;
    private final Field rangeField;
    private final Object high;
    private final boolean highInclusive;

    private KeyedRead(Kind kind, int key, byte[] exact, byte[] low, boolean lowInclusive, Field rangeField, Object high,
                      boolean highInclusive) {
        this.kind = kind;
        this.key = key;
        this.exact = exact;
        this.low = low;
        this.lowInclusive = lowInclusive;
        this.rangeField = rangeField;
        this.high = high;
        this.highInclusive = highInclusive;
    }

    Kind kind() {
        return kind;
    }

    int key() {
        return key;
    }

    /** Plans the read of records of {@code definition} for {@code filters} (conjuncts over the fields in definition order). */
    static KeyedRead plan(RecordDefinition definition, List<RexNode> filters, DataContext root) {
        Map<Integer, List<Condition>> byColumn = new HashMap<>();
        for (RexNode filter : filters) {
            // Calcite folds ranges and IN lists into SEARCH(column, Sarg): take them apart again.
            for (RexNode conjunct : RelOptUtil.conjunctions(RexUtil.expandSearch(REX, null, filter))) {
                if (!addCondition(definition, conjunct, root, byColumn)) {
                    return new KeyedRead(Kind.NOTHING, 0, null, null, false, null, null, false);
                }
            }
        }
        for (int k = 0; k < definition.keyCount(); k++) {
            KeyedRead exactRead = exact(definition, k, byColumn);
            if (exactRead != null) {
                return exactRead;
            }
        }
        for (int k = 0; k < definition.keyCount(); k++) {
            KeyedRead rangeRead = range(definition, k, byColumn);
            if (rangeRead != null) {
                return rangeRead;
            }
        }
        return new KeyedRead(Kind.SCAN, 0, null, null, false, null, null, false);
    }

    /**
     * Plans the read of a relative file's table, whose column 0 is the record number: {@code RECNO =}
     * a literal or parameter is a get of that cell; any other read scans the cells in order.
     */
    static KeyedRead planRecordNumber(List<RexNode> filters, DataContext root) {
        for (RexNode filter : filters) {
            for (RexNode conjunct : RelOptUtil.conjunctions(RexUtil.expandSearch(REX, null, filter))) {
                if (!(conjunct instanceof RexCall call) || call.getKind() != SqlKind.EQUALS) {
                    continue;
                }
                RexNode left = call.getOperands().get(0);
                RexNode right = call.getOperands().get(1);
                RexNode value = isRecordNumber(left) ? right : isRecordNumber(right) ? left : null;
                Object number = value == null ? null : bareValue(value, root);
                if (value != null && number != NOT_A_VALUE) {
                    byte[] cell = cell(number);
                    return new KeyedRead(cell == null ? Kind.NOTHING : Kind.EXACT, 0, cell, null, false, null, null, false);
                }
            }
        }
        return new KeyedRead(Kind.SCAN, 0, null, null, false, null, null, false);
    }

    /** What {@link #bareValue} answers for an expression that is neither a literal nor a parameter. */
    private static final Object NOT_A_VALUE = new Object();

    private static boolean isRecordNumber(RexNode node) {
        return stripCasts(node) instanceof RexInputRef ref && ref.getIndex() == 0;
    }

    /** The value of a literal or parameter (through casts), null for NULL, or {@link #NOT_A_VALUE}. */
    private static Object bareValue(RexNode node, DataContext root) {
        RexNode bare = stripCasts(node);
        if (bare instanceof RexLiteral literal) {
            return literal.getValueAs(BigDecimal.class);
        }
        if (bare instanceof RexDynamicParam param) {
            return root.get("?" + param.getIndex());
        }
        return NOT_A_VALUE;
    }

    /** The relative key of record number {@code number}, or null if no cell has that number. */
    private static byte[] cell(Object number) {
        if (!(number instanceof Number n)) {
            return null;
        }
        BigDecimal value = new BigDecimal(n.toString());
        if (value.signum() <= 0 || value.stripTrailingZeros().scale() > 0
                || value.compareTo(BigDecimal.valueOf(RelativeOrganization.MAX_RECORD_NUMBER)) > 0) {
            return null;
        }
        return RelativeOrganization.key(value.longValueExact());
    }

    /** Adds a comparison of a field with a value; false if it can match no row (a comparison with NULL). */
    private static boolean addCondition(RecordDefinition definition, RexNode node, DataContext root,
                                        Map<Integer, List<Condition>> byColumn) {
        if (!(node instanceof RexCall call) || call.getOperands().size() != 2) {
            return true;
        }
        SqlKind op = call.getKind();
        if (op != SqlKind.EQUALS && op != SqlKind.LESS_THAN && op != SqlKind.LESS_THAN_OR_EQUAL
                && op != SqlKind.GREATER_THAN && op != SqlKind.GREATER_THAN_OR_EQUAL) {
            return true;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        int column = column(definition, left);
        RexNode valueNode = right;
        if (column < 0) {
            column = column(definition, right);
            valueNode = left;
            op = op.reverse();
        }
        if (column < 0) {
            return true;
        }
        Field field = definition.fields().get(column);
        RexNode bare = stripCasts(valueNode);
        Object value;
        if (bare instanceof RexLiteral literal) {
            value = literalValue(field, literal);
        } else if (bare instanceof RexDynamicParam param) {
            value = Columns.toField(field, root.get("?" + param.getIndex()));
        } else {
            return true;
        }
        if (value == null) {
            return false;
        }
        byColumn.computeIfAbsent(column, c -> new ArrayList<>()).add(new Condition(op, value));
        return true;
    }

    /** The field index {@code node} reads, through casts that keep the type family; -1 if it reads none. */
    static int column(RecordDefinition definition, RexNode node) {
        RexNode at = node;
        while (at instanceof RexCall cast && cast.getKind() == SqlKind.CAST) {
            RexNode inner = cast.getOperands().get(0);
            SqlTypeFamily from = inner.getType().getSqlTypeName().getFamily();
            SqlTypeFamily to = cast.getType().getSqlTypeName().getFamily();
            if (from != to) {
                return -1;
            }
            at = inner;
        }
        return at instanceof RexInputRef ref && ref.getIndex() < definition.fields().size() ? ref.getIndex() : -1;
    }

    static RexNode stripCasts(RexNode node) {
        RexNode at = node;
        while (at instanceof RexCall cast && cast.getKind() == SqlKind.CAST) {
            at = cast.getOperands().get(0);
        }
        return at;
    }

    static Object literalValue(Field field, RexLiteral literal) {
        if (literal.isNull()) {
            return null;
        }
        return switch (field.type()) {
            case TEXT -> literal.getValueAs(String.class);
            case DATE -> {
                Integer days = literal.getValueAs(Integer.class);
                yield days == null ? null : LocalDate.ofEpochDay(days);
            }
            default -> literal.getValueAs(BigDecimal.class);
        };
    }

    private static KeyedRead exact(RecordDefinition definition, int k, Map<Integer, List<Condition>> byColumn) {
        List<Field> parts = definition.keyFields(k);
        if (parts.isEmpty()) {
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (Field part : parts) {
            Condition equal = null;
            for (Condition condition : byColumn.getOrDefault(definition.fields().indexOf(part), List.of())) {
                if (condition.op == SqlKind.EQUALS) {
                    equal = condition;
                    break;
                }
            }
            if (equal == null) {
                return null;
            }
            values.add(equal.value);
        }
        try {
            return new KeyedRead(Kind.EXACT, k, definition.keyValue(k, values), null, false, null, null, false);
        } catch (RmsException e) {
            // No record's field holds a value the field cannot hold (1.5 in an integer, 30 characters in 20).
            return new KeyedRead(Kind.NOTHING, k, null, null, false, null, null, false);
        }
    }

    private static KeyedRead range(RecordDefinition definition, int k, Map<Integer, List<Condition>> byColumn) {
        if (!definition.rangeOrdered(k)) {
            return null;
        }
        Field field = definition.keyFields(k).get(0);
        byte[] low = null;
        boolean lowInclusive = false;
        Object high = null;
        boolean highInclusive = false;
        for (Condition condition : byColumn.getOrDefault(definition.fields().indexOf(field), List.of())) {
            switch (condition.op) {
                case GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
                    byte[] bytes = encodable(field, condition.value);
                    if (low == null && bytes != null) {
                        low = bytes;
                        lowInclusive = condition.op == SqlKind.GREATER_THAN_OR_EQUAL;
                    }
                }
                case LESS_THAN, LESS_THAN_OR_EQUAL -> {
                    if (high == null && comparable(field, condition.value) != null) {
                        high = condition.value;
                        highInclusive = condition.op == SqlKind.LESS_THAN_OR_EQUAL;
                    }
                }
                default -> {
                    // EQUALS on a one-field key was taken as an exact read already.
                }
            }
        }
        if (low == null && high == null) {
            return null;
        }
        return new KeyedRead(Kind.RANGE, k, null, low, lowInclusive, field, high, highInclusive);
    }

    private static byte[] encodable(Field field, Object value) {
        try {
            return FieldCodec.bytes(field, value);
        } catch (RmsException e) {
            return null; // a bound the field cannot hold bounds nothing the key can find
        }
    }

    /** {@code value} in a form comparable with the field's decoded values, or null if it is of another kind. */
    private static Comparable<?> comparable(Field field, Object value) {
        if (field.type() == FieldType.TEXT) {
            return value instanceof String s ? s : null;
        }
        if (field.type() == FieldType.DATE) {
            return value instanceof LocalDate d ? d : null;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        return value instanceof Number n ? new BigDecimal(n.toString()) : null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean beyondHigh(byte[] record) {
        if (high == null) {
            return false;
        }
        Comparable value = comparable(rangeField, FieldCodec.decode(rangeField, record));
        int order = value.compareTo(comparable(rangeField, high));
        return order > 0 || (order == 0 && !highInclusive);
    }

    /**
     * Reads the planned records through {@code stream} (in the key's order), counting in
     * {@code counters}; each becomes a row by {@code toRow}, called while the record is the stream's
     * current one.
     */
    List<Object[]> read(TransactionStream stream, FileDefinition file, ReadCounters counters, Function<byte[], Object[]> toRow) {
        List<Object[]> records = new ArrayList<>();
        byte[] record;
        switch (kind) {
            case NOTHING -> {
                return records;
            }
            case EXACT -> {
                counters.lookup();
                record = first(() -> stream.get(key, exact, KeyMatch.EQ));
                if (record == null) {
                    return records;
                }
                boolean duplicates = file.organization() == Organization.INDEXED && file.key(key).duplicates();
                while (record != null && (records.isEmpty() || (duplicates && hasKey(file, record)))) {
                    counters.record();
                    records.add(toRow.apply(record));
                    record = duplicates ? first(stream::next) : null;
                }
                return records;
            }
            case RANGE -> {
                counters.lookup();
                if (low != null) {
                    record = first(() -> stream.get(key, low, lowInclusive ? KeyMatch.GE : KeyMatch.GT));
                } else {
                    stream.rewind(key);
                    record = first(stream::next);
                }
            }
            default -> {
                counters.scan();
                stream.rewind(0);
                record = first(stream::next);
            }
        }
        while (record != null) {
            counters.record();
            if (kind == Kind.RANGE && beyondHigh(record)) {
                break;
            }
            records.add(toRow.apply(record));
            record = first(stream::next);
        }
        return records;
    }

    private boolean hasKey(FileDefinition file, byte[] record) {
        int at = 0;
        for (var segment : file.key(key).segments()) {
            if (record.length < segment.end() || !Arrays.equals(record, segment.position(), segment.end(), exact, at, at + segment.length())) {
                return false;
            }
            at += segment.length();
        }
        return true;
    }

    /** The record {@code read} returns, or null at the end (RNF, EOF). */
    private static byte[] first(java.util.function.Supplier<byte[]> read) {
        try {
            return read.get();
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RNF || e.status() == RmsStatus.EOF) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return kind + " on key " + key;
    }
}
