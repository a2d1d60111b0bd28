package dev.locksmith.sample.orders;

import java.io.Serializable;

/**
 * An order that was placed, and how many times its transaction had to be started again first
 * (after an optimistic conflict, a deadlock or a lock wait that ran out).
 *
 * @param order the order as stored
 * @param restarts transactions rolled back and retried before this one committed
 */
public record PlacedOrder(OrderView order, int restarts) implements Serializable {
    private static final long serialVersionUID = 1L;
}
