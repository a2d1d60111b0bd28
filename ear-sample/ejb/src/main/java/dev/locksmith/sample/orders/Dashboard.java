package dev.locksmith.sample.orders;

import java.io.Serializable;
import java.util.List;

/**
 * Everything the sample's page shows, taken at one moment (each part is a snapshot of its own).
 *
 * @param stock every stock item with the units ordered of it
 * @param orders the newest orders
 * @param locks the lock manager's resources, those with waiters first (an {@code lke show} table)
 * @param lockCounters the lock manager's counters
 * @param rates lock rates (last second, per second over the last minute, decayed activity)
 * @param hottestTrees the most active resource trees
 * @param transactions transaction counts of the store, the application and H2
 */
public record Dashboard(List<StockView> stock, List<OrderView> orders, List<LockRow> locks, LockCounters lockCounters,
                        List<Rate> rates, List<Tree> hottestTrees, Transactions transactions) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * One resource and its queues.
     *
     * @param resource the resource's name (an M name for name locks, else its path from the root)
     * @param granted holders: owner and granted mode
     * @param converting holders waiting to convert: owner, granted and wanted mode
     * @param waiting new requests waiting: owner, wanted mode and how long it has waited
     */
    public record LockRow(String resource, List<String> granted, List<String> converting, List<String> waiting)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The lock manager's counters since the adapter started.
     *
     * @param requests new requests and conversions
     * @param waits requests that had to wait
     * @param deadlocks deadlock victims
     * @param timeouts requests that timed out
     * @param resources resources now
     * @param locks locks now
     */
    public record LockCounters(long requests, long waits, long deadlocks, long timeouts, long resources, long locks)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * One rated counter.
     *
     * @param counter requests, dequeues, waits or deadlocks
     * @param lastSecond events in the last second
     * @param perSecond events per second over the last minute
     * @param activity seed 002's decayed figure
     */
    public record Rate(String counter, long lastSecond, double perSecond, double activity) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * One resource tree's activity.
     *
     * @param root the tree's root resource
     * @param perSecond smoothed requests per second
     */
    public record Tree(String root, double perSecond) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Transaction counts since the store was opened.
     *
     * @param committed store transactions committed
     * @param rolledBack store transactions rolled back
     * @param restarts order transactions the application started again (conflicts, deadlocks)
     * @param conflicts optimistic commits the store refused
     * @param deadlocks store transactions chosen as deadlock victims
     * @param timedOut store transactions rolled back by their timeout
     * @param active store transactions open now
     * @param inDoubt store transactions prepared and waiting for the transaction manager now
     * @param h2InDoubt H2 transactions prepared and waiting for the transaction manager now
     */
    public record Transactions(long committed, long rolledBack, long restarts, long conflicts, long deadlocks,
                               long timedOut, int active, int inDoubt, long h2InDoubt) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
