package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.resource.ResourceException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The README's EJB example, word for word: sells stock under a name lock in a container-managed transaction. */
@Stateless
public class StockBean {

    // README: ejb
    @Resource(lookup = "java:/eis/locksmith")
    private LocksmithConnectionFactory factory;

    /**
     * Takes {@code count} of {@code item} out of stock.
     *
     * @param item an item code of at most 8 characters
     * @param count how many to take
     * @return how many are left
     */
    public int sell(String item, int count) {                              // REQUIRED by default
        try (LocksmithConnection c = factory.getConnection()) {            // enlisted in the container's transaction
            if (!c.lock(Duration.ofSeconds(5), "^ITEM(\"" + item + "\")")) {
                throw new EJBException(item + " is being sold elsewhere");  // $TEST = 0: roll back
            }
            RecordFile stock = c.open("it-stock.rms");
            byte[] key = String.format("%-8s", item).getBytes(StandardCharsets.US_ASCII);
            int left = Integer.parseInt(new String(stock.get(key), 8, 12, StandardCharsets.US_ASCII).trim()) - count;
            stock.update(String.format("%-8s%12d", item, left).getBytes(StandardCharsets.US_ASCII));
            return left;                                                    // written when the transaction commits
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);      // rolls the transaction back
        }
    }
    // README: end
}
