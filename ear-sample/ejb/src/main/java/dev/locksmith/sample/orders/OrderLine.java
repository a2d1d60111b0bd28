package dev.locksmith.sample.orders;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One line of a {@link PurchaseOrder}: an item, how many, at what price. Not thread-safe (JPA entity). */
@Entity
@Table(name = "LS_ORDER_LINE", indexes = @Index(name = "LS_ORDER_LINE_ITEM", columnList = "item"))
public class OrderLine {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "order_id")
    private PurchaseOrder order;

    @Column(nullable = false, length = 16)
    private String item;

    @Column(nullable = false)
    private long quantity;

    @Column(nullable = false)
    private long unitPriceCents;

    /** For JPA. */
    protected OrderLine() {
    }

    OrderLine(PurchaseOrder order, String item, long quantity, long unitPriceCents) {
        this.order = order;
        this.item = item;
        this.quantity = quantity;
        this.unitPriceCents = unitPriceCents;
    }

    /** @return the item key */
    public String getItem() {
        return item;
    }

    /** @return units ordered */
    public long getQuantity() {
        return quantity;
    }

    /** @return the unit price in cents when ordered */
    public long getUnitPriceCents() {
        return unitPriceCents;
    }
}
