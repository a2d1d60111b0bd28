package dev.locksmith.rms;

/**
 * RMS completion statuses, named after the OpenVMS {@code RMS$_xxx} condition values.
 *
 * <p>Every failure of the record store is reported as an {@link RmsException} carrying one of
 * these. A few are successes that carry information ({@link #isSuccess()}): a stream reports them
 * through {@link RecordStream#lastStatus()}, never as an exception. The description is the generic meaning; the exception message says what was wrong with
 * which argument. Immutable and thread-safe.
 */
public enum RmsStatus {
    /** Normal successful completion. */
    SUC("normal successful completion", true),
    /** Success: the record was read although another stream holds it locked for reading only (NLK probe). */
    OK_RLK("record locked but read anyway", true),
    /** Success: the record was read regardless of another stream's lock (RRL); no lock is held. */
    OK_RRL("record accessed but not locked (read regardless)", true),
    /** Success: the record lock was granted after waiting (WAT). */
    OK_WAT("record locked after wait", true),

    /** Record not found for the given key, RFA or record number. */
    RNF("record not found"),
    /** Duplicate key where the key does not allow duplicates. */
    DUP("duplicate key detected (DUPLICATES not set)"),
    /** Record too big for the file's maximum record size, or wrong size for a fixed-length file. */
    RTB("record size invalid"),
    /** Invalid key value or key size. */
    KEY("invalid record key"),
    /** Invalid key of reference (no such key). */
    KRF("invalid key of reference"),
    /** Record already exists (relative cell occupied). */
    REX("record already exists"),
    /** End of file: no next record. */
    EOF("end of file detected"),
    /** File not found. */
    FNF("file not found"),
    /** Directory not found: the directory a file is to be created in does not exist. */
    DNF("directory not found"),
    /** Illegal file attributes: the file is not an RMS file (it has no store header). */
    IFA("illegal file attributes"),
    /** File already exists. */
    FEX("file already exists, not superseded"),
    /** Operation not valid for the file's organization. */
    ORG("invalid operation for file organization"),
    /** No current record for an operation that needs one (update, delete). */
    CUR("no current record"),
    /** Key change not allowed: primary key, or alternate key without CHANGES. */
    CHG("key value change not allowed"),
    /** Invalid record file address. */
    RFA("invalid record file address"),
    /** Invalid file definition (FDL or builder). */
    FDL("invalid file definition"),
    /** Invalid bucket size. */
    BKS("invalid bucket size"),
    /** The file's structure is damaged (a bucket fails validation). */
    BUG("file structure damaged"),
    /** The file is closed. */
    CLOSED("file is not open"),
    /**
     * Locks that guarded changes not yet written were taken away (LKE CLEAR, or a cluster node's
     * lost quorum): those changes were dropped, never written; the opener must be closed.
     */
    LOCKLOST("bucket locks lost before changes were written"),
    /** An argument of a call is missing or out of range; the message names it. */
    IAL("invalid argument list"),
    /** The underlying storage failed (I/O). */
    IO("storage I/O error"),
    /** The record (or key value) is locked by another stream or transaction and the request did not wait (no WAT). */
    RLK("target record currently locked by another stream"),
    /** A record wait (WAT with TMO) ran out before the lock was granted. */
    TMO("timeout period expired"),
    /** The lock request was chosen as the victim of a deadlock; a transaction is then rolled back, a stream should give up what it holds and retry. */
    DEADLOCK("deadlock detected"),
    /** A lock wait was cancelled or interrupted. */
    CANCELLED("lock wait cancelled or interrupted"),
    /** The operation needs a file access (FAC) the file was not opened with. */
    FAC("record operation not permitted by file access"),
    /** The file is open elsewhere with access or sharing incompatible with this open. */
    FLK("file currently locked by another user"),
    /** An optimistic transaction read a record that another transaction has since changed; it is rolled back. */
    CONFLICT("transaction conflict: a record read has changed"),
    /** The transaction ran past its timeout and was rolled back. */
    TXTIMEOUT("transaction timed out"),
    /** The operation is not valid in the transaction's present state (for example work after prepare). */
    TXSTATE("operation invalid in this transaction state");

    private final String description;
    private final boolean success;

    RmsStatus(String description) {
        this(description, false);
    }

    RmsStatus(String description, boolean success) {
        this.description = description;
        this.success = success;
    }

    /** Whether this is a success status (SUC, OK_*), reported by {@link RecordStream#lastStatus()} rather than thrown. */
    public boolean isSuccess() {
        return success;
    }

    /** The generic meaning of this status, without the specifics of one failure. */
    public String description() {
        return description;
    }
}
