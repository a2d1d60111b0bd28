package dev.locksmith.sample.orders;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the orders side (H2 through JPA): recent orders, units ordered per item, and H2's own
 * in-doubt transactions. Runs in the caller's transaction if there is one ({@code SUPPORTS}).
 * Stateless and thread-safe.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class OrderBook {

    @PersistenceContext(unitName = "orders")
    private EntityManager orders;

    /**
     * The newest orders, newest first.
     *
     * @param limit how many at most
     * @return the orders with their lines
     */
    public List<OrderView> recent(int limit) {
        List<Long> ids = orders.createQuery("select o.id from PurchaseOrder o order by o.id desc", Long.class)
                .setMaxResults(limit).getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        return orders.createQuery("select distinct o from PurchaseOrder o left join fetch o.lines"
                        + " where o.id in :ids order by o.id desc", PurchaseOrder.class)
                .setParameter("ids", ids).getResultList().stream().map(OrderView::of).toList();
    }

    /**
     * Units ordered so far, per item key (items never ordered are absent).
     *
     * @return item key to the sum of its order lines' quantities
     */
    public Map<String, Long> orderedPerItem() {
        Map<String, Long> sums = new HashMap<>();
        for (Object[] row : orders.createQuery("select l.item, sum(l.quantity) from OrderLine l group by l.item",
                Object[].class).getResultList()) {
            sums.put((String) row[0], ((Number) row[1]).longValue());
        }
        return sums;
    }

    /**
     * The number of orders stored.
     *
     * @return the count
     */
    public long count() {
        return orders.createQuery("select count(o) from PurchaseOrder o", Long.class).getSingleResult();
    }

    /**
     * H2's prepared transactions that wait for the transaction manager's decision.
     *
     * @return how many there are now
     */
    public long inDoubt() {
        return ((Number) orders.createNativeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.IN_DOUBT")
                .getSingleResult()).longValue();
    }
}
