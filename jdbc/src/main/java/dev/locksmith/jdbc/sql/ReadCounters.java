package dev.locksmith.jdbc.sql;

import java.util.concurrent.atomic.LongAdder;

/**
 * How the tables of one connection read: keyed lookups (an exact or GE get), full scans, and records
 * read. A keyed {@code SELECT … WHERE key = ?} is one lookup, no scan. Thread-safe.
 */
public final class ReadCounters {
    private final LongAdder lookups = new LongAdder();
    private final LongAdder scans = new LongAdder();
    private final LongAdder records = new LongAdder();

    void lookup() {
        lookups.increment();
    }

    void scan() {
        scans.increment();
    }

    void record() {
        records.increment();
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

    @Override
    public String toString() {
        return "lookups=" + lookups() + " scans=" + scans() + " records=" + records();
    }
}
