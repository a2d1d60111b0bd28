package dev.locksmith.sample.orders;

import java.io.Serializable;

/**
 * What a rush of concurrent orders on one item did.
 *
 * @param item the hot item
 * @param mode the transaction mode of every order
 * @param orders orders started
 * @param succeeded orders placed
 * @param rejected orders refused for insufficient stock
 * @param failed orders that failed otherwise (gave up after too many restarts, say)
 * @param restarts transactions rolled back and retried (optimistic conflicts, deadlock victims)
 * @param lockWaits lock requests that had to wait while the rush ran (pessimistic waits)
 * @param deadlocks deadlock victims while the rush ran
 * @param stockBefore units on hand before
 * @param stockAfter units on hand after
 * @param millis how long the rush took
 */
public record RushReport(String item, String mode, int orders, int succeeded, int rejected, int failed,
                         long restarts, long lockWaits, long deadlocks, long stockBefore, long stockAfter,
                         long millis) implements Serializable {
    private static final long serialVersionUID = 1L;
}
