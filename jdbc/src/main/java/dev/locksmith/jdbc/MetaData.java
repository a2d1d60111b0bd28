package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.RecordTable;
import dev.locksmith.jdbc.sql.StoreSchema;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.fields.Field;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * The keys of the record tables as {@link DatabaseMetaData#getPrimaryKeys} and
 * {@link DatabaseMetaData#getIndexInfo} rows (Calcite answers tables and columns itself): key 0 is
 * the primary key {@code <TABLE>_PK}, and every key of the file an index named as its FDL key, or
 * {@code KEY<n>}; a relative file's primary key and one unique index are its record number
 * {@code RECNO}; a sequential file has neither. Stateless.
 */
final class MetaData {
    static final String SCHEMA = "STORE";

    private MetaData() {
    }

    static ResultSet primaryKeys(StoreSchema schema, String tableName) throws SQLException {
        CachedRowSet rows = rowSet(new String[] {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"},
                new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.SMALLINT, Types.VARCHAR});
        for (RecordTable table : tables(schema, tableName)) {
            String name = StoreSchema.tableName(table.fileName());
            List<String> key = table.primaryKey();
            for (int i = 0; i < key.size(); i++) {
                add(rows, null, SCHEMA, name, key.get(i), (short) (i + 1), name + "_PK");
            }
        }
        return finish(rows);
    }

    static ResultSet indexInfo(StoreSchema schema, String tableName, boolean uniqueOnly) throws SQLException {
        CachedRowSet rows = rowSet(new String[] {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER",
                        "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "CARDINALITY", "PAGES",
                        "FILTER_CONDITION"},
                new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BOOLEAN, Types.VARCHAR, Types.VARCHAR, Types.SMALLINT,
                        Types.SMALLINT, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.VARCHAR});
        for (RecordTable table : tables(schema, tableName)) {
            String name = StoreSchema.tableName(table.fileName());
            if (table.fileDefinition().organization() == Organization.RELATIVE) {
                add(rows, null, SCHEMA, name, false, null, RecordTable.RECORD_NUMBER, (short) DatabaseMetaData.tableIndexOther,
                        (short) 1, RecordTable.RECORD_NUMBER, "A", null, null, null);
            }
            for (KeyDefinition key : table.fileDefinition().keys()) {
                List<Field> columns = table.recordDefinition().keyFields(key.number());
                if (columns.isEmpty() || (uniqueOnly && key.duplicates())) {
                    continue;
                }
                String index = key.name().isBlank() ? "KEY" + key.number() : key.name().toUpperCase(Locale.ROOT);
                for (int i = 0; i < columns.size(); i++) {
                    add(rows, null, SCHEMA, name, key.duplicates(), null, index, (short) DatabaseMetaData.tableIndexOther,
                            (short) (i + 1), column(columns.get(i)), key.descending() ? "D" : "A", null, null, null);
                }
            }
        }
        return finish(rows);
    }

    private static List<RecordTable> tables(StoreSchema schema, String tableName) {
        List<RecordTable> found = new ArrayList<>();
        for (String name : schema.getTableNames()) {
            if (tableName == null || name.equalsIgnoreCase(tableName)) {
                found.add((RecordTable) schema.getTable(name));
            }
        }
        return found;
    }

    private static String column(Field field) {
        return field.name().toUpperCase(Locale.ROOT);
    }

    private static CachedRowSet rowSet(String[] names, int[] types) throws SQLException {
        CachedRowSet rows = RowSetProvider.newFactory().createCachedRowSet();
        RowSetMetaDataImpl meta = new RowSetMetaDataImpl();
        meta.setColumnCount(names.length);
        for (int i = 0; i < names.length; i++) {
            meta.setColumnName(i + 1, names[i]);
            meta.setColumnLabel(i + 1, names[i]);
            meta.setColumnType(i + 1, types[i]);
        }
        rows.setMetaData(meta);
        return rows;
    }

    /** Appends a row (a cached row set inserts after the current row: go to the last one first). */
    private static void add(CachedRowSet rows, Object... values) throws SQLException {
        rows.last();
        rows.moveToInsertRow();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                rows.updateNull(i + 1);
            } else {
                rows.updateObject(i + 1, values[i]);
            }
        }
        rows.insertRow();
        rows.moveToCurrentRow();
    }

    private static ResultSet finish(CachedRowSet rows) throws SQLException {
        rows.beforeFirst();
        return rows;
    }
}
