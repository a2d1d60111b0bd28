package dev.locksmith.sample.orders;

import java.io.Serializable;
import java.util.List;

/**
 * An order as the API shows it.
 *
 * @param id the order's id in H2
 * @param placedAt when it was placed (ISO-8601)
 * @param mode the transaction mode it was placed in
 * @param totalCents its amount in cents
 * @param lines its lines
 */
public record OrderView(long id, String placedAt, String mode, long totalCents, List<Line> lines)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * One line.
     *
     * @param item the item key
     * @param quantity units ordered
     * @param unitPriceCents the unit price when ordered
     */
    public record Line(String item, long quantity, long unitPriceCents) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    static OrderView of(PurchaseOrder o) {
        return new OrderView(o.getId(), o.getPlacedAt().toString(), o.getMode(), o.getTotalCents(),
                o.getLines().stream().map(l -> new Line(l.getItem(), l.getQuantity(), l.getUnitPriceCents())).toList());
    }
}
