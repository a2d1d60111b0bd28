package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RmsStatus;
import jakarta.ejb.EJBException;
import jakarta.resource.ResourceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Name-lock and record calls of the test beans, one connection per call as an EJB would use it,
 * on the stock file {@value #STOCK}: indexed, 20-byte records, an 8-byte item code as primary key
 * then a quantity. Stateless.
 */
public final class Locks {

    /** Where the Locksmith RAR binds its connection factory. */
    public static final String JNDI_NAME = "java:/eis/locksmith";
    /** The stock file of the tests. */
    public static final String STOCK = "it-stock.rms";
    /** Its definition. */
    public static final FileDefinition STOCK_DEFINITION = FileDefinition.builder(Organization.INDEXED)
            .recordSize(20).bucketSize(2).key(KeyDefinition.builder(0).segment(0, 8).build()).build();
    /** Its fields, for the SQL face: the item code and the quantity's right-aligned digits. */
    public static final String STOCK_FIELDS = "ITEM TEXT 0 8; QUANTITY ZONED 8 12";

    private Locks() {
    }

    /**
     * Locks {@code name} (one attempt) on a new connection.
     *
     * @param factory the adapter's connection factory
     * @param name an M lock name
     * @return {@code $TEST} and the branch the connection worked in
     */
    public static Result tryLock(LocksmithConnectionFactory factory, String name) {
        try (LocksmithConnection c = factory.getConnection()) {
            return new Result(c.lock(Duration.ZERO, name), c.currentXid().orElse("none"));
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    /**
     * Sets the quantity of {@code item} in the connection's transaction (storing the item if new).
     *
     * @param factory the adapter's connection factory
     * @param item an item code of at most 8 characters
     * @param quantity its new quantity
     */
    public static void setQuantity(LocksmithConnectionFactory factory, String item, int quantity) {
        try (LocksmithConnection c = factory.getConnection()) {
            RecordFile stock = c.open(STOCK);
            byte[] record = String.format("%-8s%12d", item, quantity).getBytes(StandardCharsets.US_ASCII);
            if (stock.find(0, key(item), KeyMatch.EQ)) {
                stock.update(record);
            } else {
                stock.put(record);
            }
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the quantity of {@code item} in the connection's transaction.
     *
     * @param factory the adapter's connection factory
     * @param item an item code
     * @return its quantity, or -1 if there is no such item
     */
    public static int quantity(LocksmithConnectionFactory factory, String item) {
        try (LocksmithConnection c = factory.getConnection()) {
            byte[] record = c.open(STOCK).get(key(item));
            return Integer.parseInt(new String(record, 8, 12, StandardCharsets.US_ASCII).trim());
        } catch (RecordException e) {
            if (e.rmsStatus() == RmsStatus.RNF) {
                return -1;
            }
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    private static byte[] key(String item) {
        return Arrays.copyOf(String.format("%-8s", item).getBytes(StandardCharsets.US_ASCII), 8);
    }

    /**
     * What one lock call answered and in which XA branch the connection was.
     *
     * @param locked whether the name was taken
     * @param xid the branch, or {@code none}
     */
    public record Result(boolean locked, String xid) {
    }
}
