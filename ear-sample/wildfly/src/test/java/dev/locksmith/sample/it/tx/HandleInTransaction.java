package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.rms.KeyMatch;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The container transaction of {@link EarlyHandle}: works through a handle its caller obtained
 * before the transaction began (passed by reference: a local no-interface view), and closes it
 * before the transaction ends.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class HandleInTransaction {

    @EJB
    private Probe probe;

    /**
     * Locks {@code name} and sets {@code item}'s quantity through {@code c}, in this method's
     * transaction, then closes {@code c}.
     *
     * @param c a handle obtained outside this transaction
     * @param name an M lock name
     * @param item an item code
     * @param quantity its new quantity
     * @param reject whether to end with {@link OrderRejected}, rolling the transaction back
     * @return what the handle saw inside the transaction
     * @throws OrderRejected if {@code reject}, after locking and writing
     */
    public String lockAndSet(LocksmithConnection c, String name, String item, int quantity, boolean reject)
            throws OrderRejected {
        try (c) {
            boolean locked = c.lock(Duration.ZERO, name);
            RecordFile stock = c.open(Locks.STOCK);
            byte[] record = String.format("%-8s%12d", item, quantity).getBytes(StandardCharsets.US_ASCII);
            byte[] key = Arrays.copyOf(String.format("%-8s", item).getBytes(StandardCharsets.US_ASCII), 8);
            if (stock.find(0, key, KeyMatch.EQ)) {
                stock.update(record);
            } else {
                stock.put(record);
            }
            String seen = "lockedInside=" + locked + "\nxidInside=" + c.currentXid().orElse("none")
                    + "\nfreeInside=" + probe.free(name) + "\n";
            if (reject) {
                throw new OrderRejected("rejected after writing " + item + " through an early handle");
            }
            return seen;
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }
}
