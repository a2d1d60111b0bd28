package dev.locksmith.sample.orders;

import jakarta.ejb.ApplicationException;

/**
 * An order the application refuses: thrown from inside the order's transaction, it rolls the whole
 * transaction back (stock records and order rows alike) and reaches the caller as it is.
 */
@ApplicationException(rollback = true)
public class OrderRejected extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an order was refused. */
    public enum Reason {
        /** An item has fewer units on hand than the order asks for. */
        INSUFFICIENT_STOCK,
        /** The stock file has no such item. */
        UNKNOWN_ITEM,
        /** The request itself is malformed (a bad key, quantity, mode…). */
        BAD_REQUEST,
        /** A new item's key is already in the stock file. */
        ITEM_EXISTS
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why; not null
     * @param message what was wrong, naming the item or argument
     */
    public OrderRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * Returns why the order was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
