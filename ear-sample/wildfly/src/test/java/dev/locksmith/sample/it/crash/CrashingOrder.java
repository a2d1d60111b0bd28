package dev.locksmith.sample.it.crash;

import dev.locksmith.ra.TransactionMode;
import dev.locksmith.sample.orders.OrderDesk;
import dev.locksmith.sample.orders.OrderLineRequest;
import dev.locksmith.sample.orders.OrderRejected;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.util.List;

/** Places an order in a transaction whose first resource halts the server inside commit. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class CrashingOrder {

    @Resource(lookup = "java:jboss/TransactionManager")
    private TransactionManager transactions;

    @EJB
    private OrderDesk desk;

    /**
     * Enlists {@link HaltInCommit}, then places the order (stock record through Locksmith, order
     * rows through JPA) in the same transaction. The commit never returns: the server halts.
     *
     * @param item the item key
     * @param quantity units
     * @throws OrderRejected if the order cannot be placed
     * @throws Exception if the resource cannot be enlisted
     */
    public void placeAndHaltInCommit(String item, long quantity) throws Exception {
        if (!transactions.getTransaction().enlistResource(new HaltInCommit())) {
            throw new SystemException("the halting resource was not enlisted");
        }
        desk.place(List.of(new OrderLineRequest(item, quantity)), TransactionMode.PESSIMISTIC, 0);
    }
}
