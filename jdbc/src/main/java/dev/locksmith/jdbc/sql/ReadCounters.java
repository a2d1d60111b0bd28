package dev.locksmith.jdbc.sql;

import java.util.concurrent.atomic.LongAdder;

/**
 * How the tables of one connection read: keyed lookups (an exact or GE get), full scans, and records
 * read, and point lookups that bypassed Calcite. A keyed {@code SELECT … WHERE key = ?} is one lookup, no scan.
 * Thread-safe.
 */
public final class ReadCounters {
    private final LongAdder lookups = new LongAdder();
    private final LongAdder scans = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder pointLookups = new LongAdder();

    void lookup() {
        lookups.increment();
    }

    void scan() {
        scans.increment();
    }

    void record() {
        records.increment();
    }

    void pointLookup() {
        pointLookups.increment();
    }

    /** Keyed lookups (exact, or the GE that starts a range). */
    public long lookups() {
        return lookups.sum();
    }

    /** Reads that started at the first record of the file. */
    public long scans() {
        return scans.sum();
    }

    /** Records read from the store. */
    public long records() {
        return records.sum();
    }

    /**
     * Executions of prepared point lookups ({@link PointLookup}) that read their record directly,
     * without Calcite running the statement; each is also one of {@link #lookups()}.
     */
    public long pointLookups() {
        return pointLookups.sum();
    }

    @Override
    public String toString() {
        return "lookups=" + lookups() + " scans=" + scans() + " records=" + records() + " pointLookups=" + pointLookups();
    }
}
