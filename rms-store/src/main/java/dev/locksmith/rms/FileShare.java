package dev.locksmith.rms;

/**
 * What an opener lets other openers do, as RMS {@code FAB$B_SHR}. SHRGET lets others read; any of
 * SHRPUT, SHRUPD, SHRDEL lets others write (and read); NIL lets nobody else in. UPI and MSE are
 * modifiers, not sharing.
 */
public enum FileShare {
    /** Others may read. */
    SHRGET,
    /** Others may store records. */
    SHRPUT,
    /** Others may update records. */
    SHRUPD,
    /** Others may delete records. */
    SHRDEL,
    /** No sharing (the same as giving none of the SHR options). */
    NIL,
    /** User-provided interlock: this opener's streams take no record locks; the caller interlocks. */
    UPI,
    /** Multi-stream: several streams of this opener lock records against each other. */
    MSE;

    /** Whether this option lets others write. */
    public boolean sharesWriting() {
        return this == SHRPUT || this == SHRUPD || this == SHRDEL;
    }
}
