package dev.locksmith.lock.admin;

import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.TreeActivity;
import java.util.List;

/**
 * The JMX view of one lock manager, registered as
 * {@code dev.locksmith:type=LockManager,name=<manager name>} by
 * {@link LockManagerMonitor#register}. Attributes and operations are safe to call from any
 * thread at any time and never wait for locks held by lock owners.
 *
 * <p>Operations report bad arguments and refusals as {@link IllegalArgumentException} (or
 * {@link SecurityException} when clearing is not enabled), whose message starts with the
 * {@link dev.locksmith.lock.LockStatus} name, so a JMX client needs no Locksmith classes.
 */
public interface LockManagerMXBean {
    /** The manager's name. */
    String getName();

    /** The engine's counters and sizes: requests, conversions, dequeues, waits, deadlocks… */
    LockStatistics getStatistics();

    /** For each rated counter: events in the last second, per second over the last minute, and the decayed activity ({@code act += (new - act) / 8} each second). */
    List<Rate> getRates();

    /** Name-lock nodes in use in the registered lock spaces. */
    int getLockSpaceUsed();

    /** The sum of the registered lock spaces' limits (0 if none). */
    int getLockSpaceLimit();

    /** Whether the clear operations were enabled when the bean was registered. */
    boolean isClearEnabled();

    /** The {@code n} most active resource trees, most active first (smoothed requests per second, see {@link TreeActivity}). */
    List<TreeActivity> hottestTrees(int n);

    /**
     * LKE SHOW as text lines (see {@link LockAdmin#format}).
     *
     * @param namePrefix  only names starting with this ("" for all)
     * @param ownerId     only this owner's locks (0 for all)
     * @param waitingOnly only locks with a pending request
     */
    List<String> show(String namePrefix, long ownerId, boolean waitingOnly);

    /** LKE CLEAR of one lock and its sublocks; returns how many were cleared. Needs clearing enabled. */
    int clearLock(long lockId);

    /** LKE CLEAR of every lock of one owner; returns how many were cleared. Needs clearing enabled. */
    int clearOwner(long ownerId);

    /** LKE CLEAR of every owner's lock on exactly {@code name}; returns how many were cleared. Needs clearing enabled. */
    int clearName(String name);

    /**
     * One rated counter.
     *
     * @param counter              what is counted: requests (new and conversions), dequeues, waits or deadlocks
     * @param lastSecond           events in the last whole second
     * @param perSecondLastMinute  events per second averaged over the last minute (or since registration)
     * @param activity             the decayed figure: each second {@code act += (new - act) / 8}
     */
    record Rate(String counter, long lastSecond, double perSecondLastMinute, double activity) {
    }
}
