package dev.locksmith.sample.orders;

import java.io.Serializable;

/**
 * One line of an order to place: an item and how many units.
 *
 * @param item the item key
 * @param quantity units wanted, at least 1
 */
public record OrderLineRequest(String item, long quantity) implements Serializable {
    private static final long serialVersionUID = 1L;
}
