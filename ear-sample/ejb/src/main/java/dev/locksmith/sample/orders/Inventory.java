package dev.locksmith.sample.orders;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.fdl.FdlParser;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stock file outside orders. Each read runs in a container transaction of its own
 * ({@code REQUIRES_NEW}, so an alternate-key scan keeps its position) on an
 * {@link TransactionMode#OPTIMISTIC} connection, and reads the units ordered of each item from H2
 * in the same transaction. Listing the stock thus never waits for the record locks a pessimistic
 * order holds, and, as the transaction has two resources that both only read, each answers
 * read-only at prepare: the read is not refused because a record it read is locked or changing
 * (what one-phase commit of an optimistic transaction would check). A read that fails all the
 * same is rolled back and the caller (see {@link OrderService}) reads again. Creating the file and
 * adding items run outside transactions ({@code NOT_SUPPORTED}): each record call commits at once.
 * Stateless and thread-safe.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class Inventory {

    /** Where the Locksmith RAR binds its connection factory (see the RAR's ironjacamar.xml). */
    public static final String JNDI_NAME = "java:/eis/locksmith";
    /** The stock file's name in the store. */
    public static final String STOCK_FILE = "stock.rms";
    /** The FDL the stock file is created from, a resource of this module. */
    public static final String STOCK_FDL = "/dev/locksmith/sample/orders/stock.fdl";

    private static final Logger LOG = System.getLogger(Inventory.class.getName());

    /** What a new store is seeded with: key, category, quantity, price in cents, description. */
    static final List<StockItem> SEED = List.of(
            new StockItem("PADLOCK-40", "padlocks", 120, 1_290, "Brass padlock, 40 mm"),
            new StockItem("PADLOCK-60", "padlocks", 80, 2_450, "Hardened steel padlock, 60 mm"),
            new StockItem("DISC-LOCK", "padlocks", 40, 3_900, "Stainless disc lock"),
            new StockItem("BLANK-KW1", "key-blanks", 500, 95, "Key blank, Kwikset KW1"),
            new StockItem("BLANK-SC1", "key-blanks", 500, 95, "Key blank, Schlage SC1"),
            new StockItem("BLANK-YA1", "key-blanks", 300, 110, "Key blank, Yale Y1"),
            new StockItem("PICK-SET", "tools", 25, 4_500, "Lock pick set, 14 pieces"),
            new StockItem("KEY-CUTTER", "tools", 5, 89_000, "Manual key cutting machine"));

    @Resource(lookup = JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @EJB
    private OrderBook book;

    /**
     * Creates the stock file from {@value #STOCK_FDL} and loads {@link #SEED} into it, unless the
     * store has the file already (then its records stay as they are). Either way the file gets the
     * record definition {@link StockItem#RECORD_FIELDS}, which makes it the SQL table {@code STOCK}.
     *
     * @return true if the file was created now
     * @throws EJBException if the store cannot be used
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public boolean createIfAbsent() {
        try (LocksmithConnection c = factory.getConnection(TransactionMode.PESSIMISTIC)) {
            try {
                c.open(STOCK_FILE);
                c.defineRecords(STOCK_FILE, StockItem.RECORD_FIELDS);
                return false;
            } catch (RecordException e) {
                if (e.rmsStatus() != RmsStatus.FNF) {
                    throw e;
                }
            }
            c.createFile(STOCK_FILE, stockDefinition());
            c.defineRecords(STOCK_FILE, StockItem.RECORD_FIELDS);
            RecordFile stock = c.open(STOCK_FILE);
            for (StockItem item : SEED) {
                stock.put(item.toRecord());
            }
            LOG.log(Level.INFO, "Locksmith sample: created {0} and seeded {1} items", STOCK_FILE, SEED.size());
            return true;
        } catch (ResourceException e) {
            throw new EJBException("cannot create the stock file " + STOCK_FILE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lists every item in item-key order.
     *
     * @return the items with the units ordered of each
     * @throws EJBException if the store cannot be read
     */
    public List<StockView> all() {
        return read(stock -> {
            List<StockItem> items = new ArrayList<>();
            stock.rewind();
            scan(stock, items, null);
            return items;
        });
    }

    /**
     * Lists the items of one category, through the alternate key (which allows duplicates).
     *
     * @param category the category
     * @return its items, in the order of the alternate key (empty if none), with the units ordered
     * @throws OrderRejected BAD_REQUEST if {@code category} is not a valid key
     * @throws EJBException if the store cannot be read
     */
    public List<StockView> inCategory(String category) throws OrderRejected {
        byte[] key = keyOf("category", category);
        return read(stock -> {
            List<StockItem> items = new ArrayList<>();
            try {
                items.add(StockItem.fromRecord(stock.get(1, key, KeyMatch.EQ)));
            } catch (RecordException e) {
                if (e.rmsStatus() == RmsStatus.RNF) {
                    return items;
                }
                throw e;
            }
            scan(stock, items, category);
            return items;
        });
    }

    /**
     * Reads one item.
     *
     * @param item the item key
     * @return the item with the units ordered, or empty if the file has none with that key
     * @throws OrderRejected BAD_REQUEST if {@code item} is not a valid key
     * @throws EJBException if the store cannot be read
     */
    public Optional<StockView> find(String item) throws OrderRejected {
        byte[] key = keyOf("item", item);
        return read(stock -> {
            try {
                return List.of(StockItem.fromRecord(stock.get(key)));
            } catch (RecordException e) {
                if (e.rmsStatus() == RmsStatus.RNF) {
                    return List.<StockItem>of();
                }
                throw e;
            }
        }).stream().findFirst();
    }

    /**
     * Adds a new item to the stock file.
     *
     * @param item the item
     * @throws OrderRejected ITEM_EXISTS if the key is taken (nothing changes)
     * @throws EJBException if the store cannot be written
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void add(StockItem item) throws OrderRejected {
        try (LocksmithConnection c = factory.getConnection(TransactionMode.PESSIMISTIC)) {
            c.open(STOCK_FILE).put(item.toRecord());
        } catch (RecordException e) {
            if (e.rmsStatus() == RmsStatus.DUP) {
                throw new OrderRejected(OrderRejected.Reason.ITEM_EXISTS, "item " + item.item() + " exists already");
            }
            throw new EJBException("cannot add item " + item.item() + ": " + e.getMessage(), e);
        } catch (ResourceException e) {
            throw new EJBException("cannot add item " + item.item() + ": " + e.getMessage(), e);
        }
    }

    /** Reads records after the current one, stopping at the end or at the first of another category. */
    private static void scan(RecordFile stock, List<StockItem> items, String category) throws ResourceException {
        while (true) {
            StockItem next;
            try {
                next = StockItem.fromRecord(stock.next());
            } catch (RecordException e) {
                if (e.rmsStatus() == RmsStatus.EOF) {
                    return;
                }
                throw e;
            }
            if (category != null && !category.equals(next.category())) {
                return;
            }
            items.add(next);
        }
    }

    static byte[] keyOf(String field, String value) throws OrderRejected {
        try {
            return StockItem.key(value);
        } catch (IllegalArgumentException e) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, field + ": " + e.getMessage());
        }
    }

    /** A read of the stock file on an optimistic connection in the current transaction. */
    private interface Read {
        List<StockItem> from(RecordFile stock) throws ResourceException;
    }

    /** Reads items, then the units ordered of each from H2 in the same transaction. */
    private List<StockView> read(Read read) {
        List<StockItem> items;
        try (LocksmithConnection c = factory.getConnection(TransactionMode.OPTIMISTIC)) {
            items = read.from(c.open(STOCK_FILE));
        } catch (ResourceException e) {
            throw new EJBException("cannot read " + STOCK_FILE + ": " + e.getMessage(), e);
        }
        Map<String, Long> ordered = book.orderedPerItem();
        return items.stream().map(i -> new StockView(i.item(), i.category(), i.description(), i.quantity(),
                i.priceCents(), ordered.getOrDefault(i.item(), 0L))).toList();
    }

    private static FileDefinition stockDefinition() {
        try (InputStream in = Inventory.class.getResourceAsStream(STOCK_FDL)) {
            if (in == null) {
                throw new IllegalStateException(STOCK_FDL + " is missing from the EJB module");
            }
            return FdlParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STOCK_FDL, e);
        }
    }
}
