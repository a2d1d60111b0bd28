package dev.locksmith.rms;

/**
 * RMS completion statuses, named after the OpenVMS {@code RMS$_xxx} condition values.
 *
 * <p>Every failure of the record store is reported as an {@link RmsException} carrying one of
 * these. The description is the generic meaning; the exception message says what was wrong with
 * which argument. Immutable and thread-safe.
 */
public enum RmsStatus {
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
    /** An argument of a call is missing or out of range; the message names it. */
    IAL("invalid argument list"),
    /** The underlying storage failed (I/O). */
    IO("storage I/O error"),
    /** The record (or key value) is locked by another stream or transaction and the request does not wait. */
    RLK("target record locked by another stream"),
    /** A wait for a record or name lock lasted longer than allowed. */
    TMO("timeout period expired"),
    /** The lock manager chose this transaction as the victim of a deadlock; it is rolled back. */
    DEADLOCK("deadlock detected"),
    /** An optimistic transaction read a record that another transaction has since changed; it is rolled back. */
    CONFLICT("transaction conflict: a record read has changed"),
    /** The transaction ran past its timeout and was rolled back. */
    TXTIMEOUT("transaction timed out"),
    /** The operation is not valid in the transaction's present state (for example work after prepare). */
    TXSTATE("operation invalid in this transaction state");

    private final String description;

    RmsStatus(String description) {
        this.description = description;
    }

    /** The generic meaning of this status, without the specifics of one failure. */
    public String description() {
        return description;
    }
}
