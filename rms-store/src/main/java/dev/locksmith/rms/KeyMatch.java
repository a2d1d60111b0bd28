package dev.locksmith.rms;

/**
 * How a keyed access matches the key value given, as RMS's {@code RAB$V_KGE/KGT} options.
 *
 * <p>A key value shorter than the key is a generic (partial) key: it is compared with the first
 * bytes of each record's key only. "Greater" means later in the key's order, so for a descending
 * key GE finds the first record whose value is less than or equal to the one given.
 */
public enum KeyMatch {
    /** The first record whose key equals the value (the default). */
    EQ,
    /** The first record whose key is greater than or equal to the value. */
    GE,
    /** The first record whose key is greater than the value. */
    GT
}
