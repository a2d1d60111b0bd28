package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The store's files as tables, one connection's view: every indexed, relative or sequential file of
 * the store directory that has a record definition, named by its file name without the extension,
 * upper case ({@code accounts.rms} → {@code ACCOUNTS}); see {@link RecordTable} for what each
 * organization's table does. Files without a definition, a relative file with a field named
 * {@code RECNO}, and files that are not RMS files are left out. The list is read once, when the connection first plans
 * a statement. Used by the connection's thread.
 */
public final class StoreSchema extends AbstractSchema {
    private static final Logger LOG = System.getLogger(StoreSchema.class.getName());

    private final StoreSession session;
    private Map<String, Table> tables;

    public StoreSchema(StoreSession session) {
        this.session = session;
    }

    @Override
    protected synchronized Map<String, Table> getTableMap() {
        if (tables == null) {
            tables = readTables();
        }
        return tables;
    }

    /** The SQL name of the table of {@code fileName}. */
    public static String tableName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return (dot > 0 ? fileName.substring(0, dot) : fileName).toUpperCase(Locale.ROOT);
    }

    private Map<String, Table> readTables() {
        RecordStore store = session.store();
        Map<String, Table> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(store.directory())) {
            for (Path path : (Iterable<Path>) files.sorted()::iterator) {
                String name = path.getFileName().toString();
                if (!Files.isRegularFile(path) || name.equals(RecordStore.JOURNAL_NAME)) {
                    continue;
                }
                try {
                    RmsFile file = store.file(name);
                    if (file.recordDefinition().isEmpty()) {
                        continue;
                    }
                    if (file.definition().organization() == Organization.RELATIVE
                            && file.recordDefinition().get().field(RecordTable.RECORD_NUMBER).isPresent()) {
                        LOG.log(Level.WARNING, "{0} is no table: its field {1} would hide the record number column", path,
                                RecordTable.RECORD_NUMBER);
                        continue;
                    }
                    found.put(tableName(name), new RecordTable(session, name, file.definition(), file.recordDefinition().get()));
                } catch (RmsException e) {
                    LOG.log(Level.DEBUG, "{0} is no table: {1}", path, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list store directory " + store.directory(), e);
        }
        return found;
    }
}
