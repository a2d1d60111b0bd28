package dev.locksmith.rms;

/** File organization, as in FDL {@code FILE ORGANIZATION}. */
public enum Organization {
    /** Records in the order written; append, read in order, truncate. */
    SEQUENTIAL,
    /** Numbered fixed-size cells, each empty or holding one record. */
    RELATIVE,
    /** Records ordered by a primary key, with optional alternate keys. */
    INDEXED
}
