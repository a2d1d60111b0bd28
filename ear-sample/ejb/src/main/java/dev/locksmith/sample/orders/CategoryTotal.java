package dev.locksmith.sample.orders;

import java.io.Serializable;

/**
 * One category of the stock, as SQL sums it up ({@link StockReport#categories()}).
 *
 * @param category the category
 * @param items how many items it has
 * @param units the units on hand of all of them
 * @param valueCents the stock's value: units times unit price, in cents
 */
public record CategoryTotal(String category, long items, long units, long valueCents) implements Serializable {
}
