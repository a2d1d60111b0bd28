package dev.locksmith.jdbc;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.fields.RecordDefinition;
import java.nio.file.Path;

/**
 * The store the SQL tests run on: {@code accounts.rms} (ACCOUNTS: ID BIGINT primary key, OWNER
 * VARCHAR of a 20-byte field, an index with duplicates, BALANCE DECIMAL(15,2), OPENED DATE) and
 * {@code customers.rms} (CUSTOMERS: NAME (20 bytes) primary key, CITY (20 bytes), VISITS INTEGER from
 * an unsigned 2-byte field), plus a file with
 * no record definition that is no table.
 */
final class TestStore {
    static final FileDefinition ACCOUNTS = FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED).recordSize(48)
            .key(KeyDefinition.builder(0).name("ID").type(KeyType.INT8).segment(0, 8).build())
            .key(KeyDefinition.builder(1).name("BY_OWNER").segment(8, 20).duplicates(true).changes(true).build())
            .build();
    static final String ACCOUNT_FIELDS = "ID INTEGER 0 8; OWNER TEXT 8 20; BALANCE PACKED 28 8 2; OPENED DATE 36 8";
    static final FileDefinition CUSTOMERS = FileDefinition.builder(Organization.INDEXED).recordSize(42)
            .key(KeyDefinition.builder(0).segment(0, 20).build())
            .build();
    static final String CUSTOMER_FIELDS = "NAME TEXT 0 20; CITY TEXT 20 20; VISITS UNSIGNED 40 2";

    private TestStore() {
    }

    /** Creates the files in {@code directory} (a new store) and closes it again. */
    static void create(Path directory) {
        try (LockManager locks = LockManager.builder().name("test-store").registerMBean(false).build();
             RecordStore store = RecordStore.open(directory, locks)) {
            define(store.create("accounts.rms", ACCOUNTS), ACCOUNT_FIELDS);
            define(store.create("customers.rms", CUSTOMERS), CUSTOMER_FIELDS);
            store.create("raw.rms", CUSTOMERS);
        }
    }

    private static void define(RmsFile file, String fields) {
        file.defineRecords(RecordDefinition.parse(fields, file.definition()));
    }
}
