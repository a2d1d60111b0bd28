package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.rms.RmsStatus;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;
import java.time.Duration;

/** Looks at the adapter from outside every transaction ({@code NOT_SUPPORTED}). */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Probe {

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    /**
     * Tells whether nobody holds {@code name}: takes it on a connection of its own and gives it back.
     *
     * @param name an M lock name
     * @return true if it could be taken at once
     */
    public boolean free(String name) {
        try (LocksmithConnection c = factory.getConnection()) {
            boolean locked = c.lock(Duration.ZERO, name);
            if (locked) {
                c.unlock(name);
            }
            return locked;
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the stock file if the store does not have it yet, with the record definition that
     * makes it the SQL table {@code "IT-STOCK"(ITEM, QUANTITY)}.
     */
    public void createStock() {
        try (LocksmithConnection c = factory.getConnection()) {
            c.createFile(Locks.STOCK, Locks.STOCK_DEFINITION);
            c.defineRecords(Locks.STOCK, Locks.STOCK_FIELDS);
        } catch (RecordException e) {
            if (e.rmsStatus() != RmsStatus.FEX) {
                throw new EJBException("Locksmith: " + e.getMessage(), e);
            }
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the committed quantity of {@code item} (each call its own transaction).
     *
     * @param item an item code
     * @return its quantity, or -1 if there is none
     */
    public int quantity(String item) {
        return Locks.quantity(factory, item);
    }

    /**
     * Sets the quantity of {@code item} (committed at once).
     *
     * @param item an item code
     * @param quantity its quantity
     */
    public void setQuantity(String item, int quantity) {
        Locks.setQuantity(factory, item, quantity);
    }

    /**
     * The adapter's counters.
     *
     * @return a snapshot
     */
    public AdapterStatistics statistics() {
        try {
            return factory.statistics();
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }
}
