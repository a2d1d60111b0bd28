package dev.locksmith.lock.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The last minute of once-a-second totals of some counters, and the decayed activity of
 * each (as VMS keeps for resource trees): every second {@code act += (new - act) / 8}, where {@code new} is the second's increase.
 * Not thread-safe; {@link LockManagerMonitor} guards it.
 */
final class RateHistory {
    static final int MINUTE = 60;

    private final List<String> counters;
    /** Per counter, the totals of the last MINUTE + 1 samples, oldest first. */
    private final long[][] totals;
    private final double[] activity;
    private int samples;

    RateHistory(List<String> counters) {
        this.counters = List.copyOf(counters);
        this.totals = new long[counters.size()][MINUTE + 1];
        this.activity = new double[counters.size()];
    }

    /** Adds one second's totals, one per counter in the constructor's order. */
    void add(long[] sample) {
        int slot = Math.min(samples, MINUTE);
        for (int i = 0; i < totals.length; i++) {
            long[] h = totals[i];
            if (samples > MINUTE) {
                System.arraycopy(h, 1, h, 0, MINUTE);
            }
            h[slot] = sample[i];
            if (slot > 0) {
                activity[i] += ((h[slot] - h[slot - 1]) - activity[i]) / 8;
            }
        }
        samples++;
    }

    /** The rates now: the last second's increase, the average per second over the window, the activity. */
    List<LockManagerMXBean.Rate> rates() {
        int newest = Math.min(samples, MINUTE + 1) - 1;
        List<LockManagerMXBean.Rate> rates = new ArrayList<>(counters.size());
        for (int i = 0; i < counters.size(); i++) {
            long[] h = totals[i];
            long lastSecond = newest > 0 ? h[newest] - h[newest - 1] : 0;
            double perSecond = newest > 0 ? (h[newest] - h[0]) / (double) newest : 0;
            rates.add(new LockManagerMXBean.Rate(counters.get(i), lastSecond, perSecond, activity[i]));
        }
        return rates;
    }
}
