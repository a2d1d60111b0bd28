package dev.locksmith.rms;

/**
 * The record-locking options of a record operation, as the bits of RMS {@code RAB$L_ROP}. Given
 * per stream ({@link StreamOptions}) or per call, always as a {@link RecordOptions}.
 *
 * <p>Without any of them a record read on a file that takes record locks is locked exclusively and
 * unlocked by the stream's next operation (RMS's default). Files opened read-only, shared only with
 * readers and without {@link FileShare#MSE} take no record locks at all, whatever is asked here.
 */
public enum RecordOption {
    /** Read lock: lock the record for reading (PR); other REA readers may hold it too, no writer can. */
    REA,
    /** Others may read (with NLK) a record this stream holds locked; they get {@link RmsStatus#OK_RLK}. */
    RLK,
    /** Manual unlocking: locks stay until {@link RecordStream#free()} or {@link RecordStream#release(Rfa)}. */
    ULK,
    /** No lock: probe whether the record is locked and return it unlocked; refused with RLK if it is locked exclusively. */
    NLK,
    /** Read regardless: return the record even if another holds it locked, with {@link RmsStatus#OK_RRL}. */
    RRL,
    /** No query locking: read without any lock-manager call, ignoring others' locks. */
    NQL,
    /** Wait for a locked record instead of failing with RLK; forever, or {@link RecordOptions#timeoutSeconds()}. */
    WAT,
    /** Passed to the lock manager: deadlock search ignores this record lock as a waiter. */
    NODLCKWT,
    /** Passed to the lock manager: deadlock search ignores this record lock as a blocker. */
    NODLCKBLK
}
