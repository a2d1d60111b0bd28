package dev.locksmith.lock;

/**
 * Condition values, named after their VMS counterparts. The first group are outcomes of a
 * request, then {@link #PENDING} for a request that has none yet; the rest are errors in how a
 * request was made. Errors never change engine state.
 */
public enum LockStatus {
    /** Granted after waiting. */
    NORMAL(true),
    /** Granted at once, without waiting ({@code SS$_SYNCH}). */
    SYNCH(true),
    /** Granted, but the value block is not valid: a PW/EX holder was lost before writing it. */
    VALNOTVALID(true),
    /** Granted, but only the first 16 bytes of the 64-byte value block are valid. */
    XVALNOTVALID(true),
    /** Not granted: NOQUEUE was given and the request could not be granted at once. */
    NOTQUEUED(false),
    /** Not granted: the request's timeout passed while it waited. */
    TIMEOUT(false),
    /** Not granted: the request was chosen as the victim of a deadlock. */
    DEADLOCK(false),
    /** Not granted: the waiting request or conversion was cancelled or its lock dequeued. */
    CANCELLED(false),
    /**
     * No outcome yet: the request waits on the waiting or conversion queue (a VMS lock status
     * block holds no condition value until the request completes). Never thrown.
     */
    PENDING(false),

    /** A flag combination or other argument is invalid. */
    BADPARAM(false),
    /** A lock mode is missing or unknown. */
    IVMODE(false),
    /** A resource name is missing, empty or longer than 255 bytes. */
    IVRESNAM(false),
    /** The lock is not known: already dequeued, or it belongs to another owner. */
    IVLOCKID(false),
    /** A conversion was asked of a lock that is not granted (waiting or converting). */
    CVTUNGRANT(false),
    /** The parent lock is not granted, or is not the caller's. */
    PARNOTGRANT(false),
    /** The lock has sublocks; dequeue them first. */
    SUBLOCKS(false),
    /** A value block has the wrong length for the flag used. */
    IVBUFLEN(false),
    /** The lock space is full. */
    EXQUOTA(false),
    /** A name lock's LOCK level would pass its limit, 511 (GT.M {@code LOCKINCR2HIGH}). */
    LOCKINCR2HIGH(false),
    /** The owner was closed (run down); it takes no more requests. */
    OWNERCLOSED(false),
    /** The lock manager was shut down. */
    SHUTDOWN(false),
    /** The caller lacks the administrative capability the operation needs. */
    NOPRIV(false);

    private final boolean granted;

    LockStatus(boolean granted) {
        this.granted = granted;
    }

    /** Whether a request that ended with this status holds its lock in the requested mode. */
    public boolean isGranted() {
        return granted;
    }
}
