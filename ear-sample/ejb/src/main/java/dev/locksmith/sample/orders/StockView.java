package dev.locksmith.sample.orders;

import java.io.Serializable;

/**
 * A stock item as the API shows it, with the units all stored orders took of it: for an item
 * created with a quantity {@code q0}, {@code quantity + ordered == q0} holds whenever no order is
 * in flight (the two live in different stores; the XA transaction keeps them in step).
 *
 * @param item the item key
 * @param category its category
 * @param description its description
 * @param quantity units on hand
 * @param priceCents unit price in cents
 * @param ordered units ordered so far
 */
public record StockView(String item, String category, String description, long quantity, long priceCents,
                        long ordered) implements Serializable {
    private static final long serialVersionUID = 1L;
}
