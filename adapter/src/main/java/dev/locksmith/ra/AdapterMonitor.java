package dev.locksmith.ra;

import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.TreeActivity;
import dev.locksmith.lock.admin.LockManagerMXBean;
import dev.locksmith.rms.RecordStore;
import java.util.List;

/**
 * What an administration page needs to see of a running adapter: the lock manager's resources
 * with their holders and waiters (as LKE SHOW lists them), its counters, rates and hottest trees,
 * and the transaction counts of the store a connection factory works on. Obtained from
 * {@link LocksmithConnectionFactory#monitor()}.
 *
 * <p>Every call takes a fresh snapshot and is safe from any thread at any time; none waits for a
 * lock held by a transaction. A snapshot of a busy manager is consistent per resource, not across
 * resources. Calls made after the adapter stopped fail with {@link IllegalStateException}.
 */
public interface AdapterMonitor {

    /**
     * The lock manager's resources now, each with its granted, converting and waiting locks in
     * queue order (the owner of a store transaction's locks is named after the transaction).
     *
     * @return a snapshot, in no particular order
     */
    List<ResourceInfo> lockResources();

    /**
     * The lock manager's counters since the adapter started (requests, waits, deadlocks…).
     *
     * @return a snapshot
     */
    LockStatistics lockStatistics();

    /**
     * The lock manager's rates, sampled once a second: for requests, dequeues, waits and deadlocks,
     * the last second's count, the average over the last minute and the decayed activity VMS uses for remastering.
     *
     * @return one rate per counter
     */
    List<LockManagerMXBean.Rate> lockRates();

    /**
     * The most active resource trees, most active first (smoothed requests per second).
     *
     * @param n how many at most; at least 1
     * @return up to {@code n} trees
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    List<TreeActivity> hottestTrees(int n);

    /**
     * The store's transaction counts since it was opened: committed, rolled back, optimistic
     * conflicts (the restarts callers had to make), deadlock victims, timed out, and the
     * transactions active and in doubt (prepared, waiting for the transaction manager) now.
     *
     * @return a snapshot
     */
    RecordStore.Statistics storeStatistics();

    /**
     * The adapter's connection and XA counters for the store (as {@link LocksmithConnectionFactory#statistics()}).
     *
     * @return a snapshot
     */
    AdapterStatistics adapterStatistics();
}
