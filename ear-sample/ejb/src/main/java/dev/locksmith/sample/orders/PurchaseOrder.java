package dev.locksmith.sample.orders;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An order placed: its lines, the transaction mode it was placed in, and when. Not thread-safe (JPA entity). */
@Entity
@Table(name = "LS_ORDER")
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private Instant placedAt;

    @Column(nullable = false, length = 16)
    private String mode;

    @Column(nullable = false)
    private long totalCents;

    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL)
    @OrderBy("id")
    private List<OrderLine> lines = new ArrayList<>();

    /** For JPA. */
    protected PurchaseOrder() {
    }

    /**
     * Creates an order with no lines yet.
     *
     * @param mode the transaction mode it is placed in
     * @param placedAt when
     */
    public PurchaseOrder(String mode, Instant placedAt) {
        this.mode = mode;
        this.placedAt = placedAt;
    }

    /**
     * Adds a line and its amount to the total.
     *
     * @param item the item key
     * @param quantity units ordered
     * @param unitPriceCents the price per unit when ordered
     */
    public void addLine(String item, long quantity, long unitPriceCents) {
        lines.add(new OrderLine(this, item, quantity, unitPriceCents));
        totalCents += quantity * unitPriceCents;
    }

    /** @return the generated id (null before persist) */
    public Long getId() {
        return id;
    }

    /** @return when the order was placed */
    public Instant getPlacedAt() {
        return placedAt;
    }

    /** @return {@code PESSIMISTIC} or {@code OPTIMISTIC} */
    public String getMode() {
        return mode;
    }

    /** @return the order's amount in cents */
    public long getTotalCents() {
        return totalCents;
    }

    /** @return the lines, in the order they were added */
    public List<OrderLine> getLines() {
        return lines;
    }
}
