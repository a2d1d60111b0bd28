package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Transaction;
import dev.locksmith.rms.TransactionStream;
import dev.locksmith.rms.fields.Field;
import dev.locksmith.rms.fields.FieldCodec;
import dev.locksmith.rms.fields.RecordDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * One file with a record definition as an SQL table: a column per field. An indexed file's primary
 * key is key 0's fields. A relative file's table has the record number first, as column
 * {@value #RECORD_NUMBER} (BIGINT, the primary key): {@code WHERE RECNO = ?} reads that cell, an
 * INSERT stores its row in cell RECNO (23505 if it holds one), an UPDATE rewrites the cell (RECNO
 * itself cannot change) and a DELETE frees it. A sequential file's table has no key: it is scanned in
 * file order, an INSERT appends, an UPDATE rewrites the records it read in place (at their own
 * size, as RMS allows), and DELETE is refused (RMS deletes no record of a sequential file).
 *
 * <p>Reads ({@link RecordTableScan}) go through {@link KeyedRead} in the session's store transaction (so they lock
 * as the transaction's mode says, EX for {@code FOR UPDATE}); INSERT, UPDATE and DELETE are planned
 * by {@link StoreModifyRule} as an {@link EnumerableStoreModify} that calls {@link #modify}.
 *
 * <p>Belongs to one connection's schema; used by that connection's thread. Store failures are
 * thrown as {@link RmsException}s (the JDBC layer gives them their SQLStates) after the session
 * was told ({@link StoreSession#failed}).
 */
public final class RecordTable extends AbstractTable implements TranslatableTable {
    /** The column of a relative file's record number. */
    public static final String RECORD_NUMBER = "RECNO";

    private final StoreSession session;
    private final String fileName;
    private final FileDefinition file;
    private final RecordDefinition fields;
    /** The column of the first field: 1 after a relative file's RECNO, else 0. */
    private final int first;

    RecordTable(StoreSession session, String fileName, FileDefinition file, RecordDefinition fields) {
        this.session = session;
        this.fileName = fileName;
        this.file = file;
        this.fields = fields;
        this.first = isRelative() ? 1 : 0;
    }

    private boolean isRelative() {
        return file.organization() == Organization.RELATIVE;
    }

    /** The columns of the primary key, in order: key 0's fields, RECNO, or none (sequential). */
    public List<String> primaryKey() {
        if (isRelative()) {
            return List.of(RECORD_NUMBER);
        }
        if (file.organization() != Organization.INDEXED) {
            return List.of();
        }
        return fields.keyFields(0).stream().map(f -> f.name().toUpperCase(java.util.Locale.ROOT)).toList();
    }

    /** The store file this table reads. */
    public String fileName() {
        return fileName;
    }

    /** The file's record definition: the columns. */
    public RecordDefinition recordDefinition() {
        return fields;
    }

    /** The file's FDL definition: the keys. */
    public FileDefinition fileDefinition() {
        return file;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory types) {
        RelDataTypeFactory.Builder row = types.builder();
        if (isRelative()) {
            row.add(RECORD_NUMBER, types.createSqlType(SqlTypeName.BIGINT));
        }
        List<Field> primary = file.organization() == Organization.INDEXED ? fields.keyFields(0) : List.of();
        for (Field field : fields.fields()) {
            row.add(field.name().toUpperCase(java.util.Locale.ROOT), Columns.type(types, field, primary.contains(field),
                    session.assigning()));
        }
        return row.build();
    }

    @Override
    public Statistic getStatistic() {
        List<ImmutableBitSet> keys = new ArrayList<>();
        if (isRelative()) {
            keys.add(ImmutableBitSet.of(0));
        }
        for (int k = 0; k < fields.keyCount(); k++) {
            if (k == 0 || !file.key(k).duplicates()) {
                List<Integer> columns = new ArrayList<>();
                fields.keyFields(k).forEach(f -> columns.add(fields.fields().indexOf(f)));
                if (!columns.isEmpty()) {
                    keys.add(ImmutableBitSet.of(columns));
                }
            }
        }
        return Statistics.of(1000d, keys);
    }

    // ---- reading ----

    /** The table in a plan: a {@link RecordTableScan}, to which a filter above hands its conditions. */
    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        return new RecordTableScan(context.getCluster(), relOptTable, this, List.of());
    }

    /**
     * Reads the rows {@code filters} may match (more, never fewer: Calcite checks them again), by
     * key where {@link KeyedRead} can; called by the code Calcite generates for a {@link RecordTableScan}.
     *
     * @return whole rows, every column in Calcite's runtime form
     */
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters) {
        KeyedRead plan = isRelative() ? KeyedRead.planRecordNumber(filters, root) : KeyedRead.plan(fields, filters, root);
        List<Object[]> rows = inTransaction(tx -> {
            TransactionStream stream = stream(tx);
            return plan.read(stream, file, session.counters(), record -> row(record, stream));
        });
        return Linq4j.asEnumerable(rows);
    }

    /** The row of {@code record}, the current record of {@code stream}. */
    private Object[] row(byte[] record, TransactionStream stream) {
        Object[] row = new Object[first + fields.fields().size()];
        if (isRelative()) {
            long number = stream.currentRecordNumber();
            row[0] = number == 0 ? null : number; // stored by this transaction without a number: it gets one at commit
        }
        Object[] values = fields.decode(record);
        for (int i = 0; i < values.length; i++) {
            row[first + i] = Columns.toSql(fields.fields().get(i), values[i]);
        }
        return row;
    }

    private TransactionStream stream(Transaction tx) {
        return tx.open(fileName).forUpdate(session.forUpdate()).lockWait(session.lockWait());
    }

    private <T> T inTransaction(java.util.function.Function<Transaction, T> work) {
        Transaction tx = session.transaction();
        try {
            return work.apply(tx);
        } catch (RmsException e) {
            session.failed(e);
            throw e;
        } finally {
            session.afterRead(tx);
        }
    }

    // ---- changing ----

    /**
     * Runs one INSERT, UPDATE or DELETE: called by the code Calcite generates for a
     * {@link EnumerableStoreModify}. Every value is checked and encoded before anything is changed,
     * so a value that does not fit its field changes nothing (text too long:
     * {@link ValueTooLongException}); after a store failure once some rows were changed (a duplicate
     * key in the third row) the session undoes the statement's changes (a statement savepoint, see
     * {@link StoreSession#transaction()}).
     *
     * @param input         the rows: whole rows to insert or delete; for UPDATE each row's old
     *                      columns followed by the new values of {@code updateColumns}
     * @param operation     INSERT, UPDATE or DELETE
     * @param updateColumns the column indexes an UPDATE sets, comma-separated; empty otherwise
     * @return the number of rows changed, as a one-row enumerable
     */
    public Enumerable<Long> modify(Enumerable<?> input, String operation, String updateColumns) {
        List<Object[]> rows = new ArrayList<>();
        for (Object row : input) {
            rows.add(row instanceof Object[] array ? array : new Object[] {row});
        }
        int[] targets = updateColumns.isEmpty() ? new int[0]
                : java.util.Arrays.stream(updateColumns.split(",")).mapToInt(Integer::parseInt).toArray();
        TableModify.Operation op = TableModify.Operation.valueOf(operation);
        refuseUnsupported(op, targets);
        List<byte[]> prepared = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            prepared.add(switch (op) {
                case INSERT -> record(row);
                case UPDATE, DELETE -> file.organization() == Organization.INDEXED ? primaryKey(row) : null;
                default -> throw new RmsException(RmsStatus.IAL, op + " is not supported on " + fileName);
            });
        }
        List<byte[][]> changes = new ArrayList<>();
        if (op == TableModify.Operation.UPDATE) {
            for (Object[] row : rows) {
                byte[][] fieldBytes = new byte[targets.length][];
                for (int t = 0; t < targets.length; t++) {
                    Field field = fields.fields().get(targets[t] - first);
                    Object value = row[first + fields.fields().size() + t];
                    Columns.checkLength(field, value);
                    fieldBytes[t] = FieldCodec.bytes(field, Columns.toField(field, value));
                }
                changes.add(fieldBytes);
            }
        }
        Transaction tx = session.transaction();
        int done = 0;
        try {
            TransactionStream stream = tx.open(fileName).lockWait(session.lockWait()).forUpdate(true);
            stream.rewind(0);
            for (int r = 0; r < prepared.size(); r++) {
                Object[] row = rows.get(r);
                if (op == TableModify.Operation.INSERT) {
                    if (isRelative()) {
                        stream.put(((Number) row[0]).longValue(), prepared.get(r));
                    } else {
                        stream.put(prepared.get(r));
                    }
                } else {
                    byte[] current = locate(stream, row, prepared.get(r));
                    if (op == TableModify.Operation.DELETE) {
                        stream.delete();
                    } else {
                        byte[] changed = current.clone();
                        for (int t = 0; t < targets.length; t++) {
                            Field field = fields.fields().get(targets[t] - first);
                            changed = widen(changed, field.end());
                            System.arraycopy(changes.get(r)[t], 0, changed, field.offset(), field.length());
                        }
                        stream.update(changed);
                    }
                }
                done++;
            }
        } catch (RmsException e) {
            session.failed(e);
            throw e;
        } finally {
            session.afterRead(tx);
        }
        return Linq4j.singletonEnumerable((long) done);
    }

    /** What the file's organization does not allow: refused before anything is changed. */
    private void refuseUnsupported(TableModify.Operation op, int[] targets) {
        if (op == TableModify.Operation.DELETE && file.organization() == Organization.SEQUENTIAL) {
            throw new RmsException(RmsStatus.ORG, "DELETE from " + StoreSchema.tableName(fileName) + " refused: " + fileName
                    + " is a sequential file, and RMS deletes no record of a sequential file (it can only be truncated)");
        }
        if (op == TableModify.Operation.UPDATE && isRelative() && java.util.Arrays.stream(targets).anyMatch(t -> t == 0)) {
            throw new RmsException(RmsStatus.CHG, "UPDATE of " + RECORD_NUMBER + " refused: it is the number of the cell that holds"
                    + " the record in relative file " + fileName + "; a record cannot change cells (delete and insert it)");
        }
    }

    /**
     * Makes the record of {@code row} (its old columns) the stream's current record: by primary key
     * ({@code key}), by record number, or — a sequential file has no key — as the next record, from
     * the stream's position, whose columns are the row's (rows come in file order, as they were read).
     */
    private byte[] locate(TransactionStream stream, Object[] row, byte[] key) {
        return switch (file.organization()) {
            case INDEXED -> stream.get(0, key, KeyMatch.EQ);
            case RELATIVE -> stream.get(((Number) row[0]).longValue());
            case SEQUENTIAL -> {
                while (true) {
                    byte[] record;
                    try {
                        record = stream.next();
                    } catch (RmsException e) {
                        if (e.status() != RmsStatus.EOF) {
                            throw e;
                        }
                        throw new RmsException(RmsStatus.RNF, "a row to change is no longer in sequential file " + fileName, e);
                    }
                    if (java.util.Arrays.equals(row(record, stream), 0, fields.fields().size(), row, 0, fields.fields().size())) {
                        yield record;
                    }
                }
            }
        };
    }

    /** A new record holding the row's values; bytes no field covers are spaces. */
    private byte[] record(Object[] row) {
        Object[] values = new Object[fields.fields().size()];
        int length = file.format() == RecordFormat.FIXED ? file.recordSize() : 0;
        for (int i = 0; i < values.length; i++) {
            Field field = fields.fields().get(i);
            Columns.checkLength(field, row[first + i]);
            values[i] = Columns.toField(field, row[first + i]);
            length = Math.max(length, field.end());
        }
        for (var key : file.keys()) {
            length = Math.max(length, key.minimumRecordSize());
        }
        return fields.encode(values, length);
    }

    private byte[] primaryKey(Object[] row) {
        List<Object> values = new ArrayList<>();
        for (Field field : fields.keyFields(0)) {
            values.add(Columns.toField(field, row[fields.fields().indexOf(field)]));
        }
        return fields.keyValue(0, values);
    }

    /** A variable-length record lengthened with spaces to hold a field ending at {@code end}. */
    private static byte[] widen(byte[] record, int end) {
        if (record.length >= end) {
            return record;
        }
        byte[] longer = java.util.Arrays.copyOf(record, end);
        java.util.Arrays.fill(longer, record.length, end, (byte) ' ');
        return longer;
    }
}
