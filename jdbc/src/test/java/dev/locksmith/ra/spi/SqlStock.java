package dev.locksmith.ra.spi;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.fields.RecordDefinition;

/**
 * The adapter tests' {@link Stock} file as an SQL table: {@code STOCK(ITEM VARCHAR (8 bytes), QUANTITY
 * DECIMAL(12))}, the quantity a zoned decimal over the record's right-aligned digits.
 */
final class SqlStock {
    static final String ITEM = "BOLT";

    private SqlStock() {
    }

    /** Creates the stock file in {@code mcf}'s store holding {@link #ITEM} with {@code quantity}, with its record definition. */
    static void create(LocksmithManagedConnectionFactory mcf, int quantity) throws Exception {
        try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
            c.createFile(Stock.FILE, Stock.DEFINITION);
            c.open(Stock.FILE).put(Stock.record(ITEM, quantity));
        }
        RmsFile stock = mcf.resourceManager().store().file(Stock.FILE);
        stock.defineRecords(RecordDefinition.parse("ITEM TEXT 0 8; QUANTITY ZONED 8 12", stock.definition()));
    }

    /** The committed quantity of {@link #ITEM}, read without a lock. */
    static int committedQuantity(LocksmithManagedConnectionFactory mcf) throws Exception {
        return Stock.quantity(mcf.resourceManager().store().file(Stock.FILE).stream().get(0, Stock.key(ITEM), KeyMatch.EQ,
                RecordOptions.of(RecordOption.NQL)));
    }
}
