package dev.locksmith.sample.orders;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.rms.RmsStatus;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.resource.ResourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Places one order in one container-managed XA transaction ({@code REQUIRED}: the caller's, or a
 * new one when, like {@link OrderService}, the caller runs outside transactions):
 * reads and decrements the stock records through the Locksmith adapter and inserts the order's
 * rows through JPA on the XA H2 datasource, so both commit together or neither does.
 * Stateless and thread-safe.
 *
 * <p>A pessimistic order first takes the name locks {@code ^STOCK("item")} of all its items at once
 * ("LOCK before TSTART": all or none, so two orders never wait for each other in a cycle); they
 * belong to the transaction and go when it ends. Its record reads then lock PR and its updates EX
 * without meeting another order on the same item. An optimistic order takes no lock while it works.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class OrderDesk {

    /** How long a pessimistic order waits for its items' name locks. */
    static final Duration ITEM_LOCK_WAIT = Duration.ofSeconds(60);

    @Resource(lookup = Inventory.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @PersistenceContext(unitName = "orders")
    private EntityManager orders;

    /**
     * Places an order. In {@link TransactionMode#PESSIMISTIC} mode each stock record is locked when
     * read and stays locked until the transaction ends; in {@link TransactionMode#OPTIMISTIC} mode
     * nothing is locked while the order works, and the commit fails (the transaction rolls back)
     * if a record it read was changed by another order meanwhile.
     *
     * @param lines what to order: at least one line, each item at most once
     * @param mode the transaction mode of the stock connection
     * @param holdMillis how long to keep the transaction open after the stock is updated, 0 for
     *     none: the customer "thinks" while holding the records (this is what makes waits and
     *     conflicts visible in a rush)
     * @return the order as stored
     * @throws OrderRejected INSUFFICIENT_STOCK or UNKNOWN_ITEM (the transaction is rolled back:
     *     no stock record and no order row changes)
     * @throws EJBException if the store or the database fails, or the transaction cannot commit
     *     (an optimistic conflict, a deadlock victim, a lock wait that timed out)
     */
    public OrderView place(List<OrderLineRequest> lines, TransactionMode mode, long holdMillis) throws OrderRejected {
        PurchaseOrder order = new PurchaseOrder(mode.name(), Instant.now());
        try (LocksmithConnection c = factory.getConnection(mode)) {
            if (mode == TransactionMode.PESSIMISTIC && !c.lock(ITEM_LOCK_WAIT, itemLocks(lines))) {
                throw new EJBException("the items of the order stayed locked for " + ITEM_LOCK_WAIT.toSeconds() + " s");
            }
            RecordFile stock = c.open(Inventory.STOCK_FILE);
            for (OrderLineRequest line : lines.stream().sorted(Comparator.comparing(OrderLineRequest::item)).toList()) {
                StockItem item = read(stock, line.item());
                if (item.quantity() < line.quantity()) {
                    throw new OrderRejected(OrderRejected.Reason.INSUFFICIENT_STOCK, "item " + line.item() + " has "
                            + item.quantity() + " on hand, the order asks for " + line.quantity());
                }
                stock.update(item.withQuantity(item.quantity() - line.quantity()).toRecord());
                order.addLine(item.item(), line.quantity(), item.priceCents());
            }
        } catch (ResourceException e) {
            throw new EJBException("stock update failed: " + e.getMessage(), e);
        }
        orders.persist(order);
        hold(holdMillis);
        orders.flush();
        return OrderView.of(order);
    }

    /** The name lock of an item: {@code ^STOCK("key")}, quotes doubled as M writes them. */
    private static String itemLock(String item) {
        return "^STOCK(\"" + item.replace("\"", "\"\"") + "\")";
    }

    private static String[] itemLocks(List<OrderLineRequest> lines) {
        return lines.stream().map(l -> itemLock(l.item())).toArray(String[]::new);
    }

    private static StockItem read(RecordFile stock, String item) throws OrderRejected, ResourceException {
        try {
            return StockItem.fromRecord(stock.get(StockItem.key(item)));
        } catch (RecordException e) {
            if (e.rmsStatus() == RmsStatus.RNF) {
                throw new OrderRejected(OrderRejected.Reason.UNKNOWN_ITEM, "there is no item " + item);
            }
            throw e;
        }
    }

    private static void hold(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EJBException("interrupted while holding the order open", e);
        }
    }
}
