package dev.locksmith.rms;

/**
 * What an opener of a file means to do with it, as RMS {@code FAB$B_FAC}. GET alone is read-only
 * access; any of the others is write access. Sharing is decided between those two classes
 * (see {@link Sharing}).
 */
public enum FileAccess {
    /** Read records. */
    GET,
    /** Store new records. */
    PUT,
    /** Update records. */
    UPD,
    /** Delete records. */
    DEL,
    /** Truncate a sequential file. */
    TRN;

    /** Whether this function changes the file. */
    public boolean writes() {
        return this != GET;
    }
}
