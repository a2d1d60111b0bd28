package dev.locksmith.sample.it.tx;

import jakarta.ejb.ApplicationException;

/** An application exception that rolls the container's transaction back. */
@ApplicationException(rollback = true)
public class OrderRejected extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the order was rejected
     */
    public OrderRejected(String message) {
        super(message);
    }
}
