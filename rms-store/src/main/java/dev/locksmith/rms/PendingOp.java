package dev.locksmith.rms;

import dev.locksmith.rms.journal.WriteOp;

/**
 * One change of a transaction's write set while the transaction works: mutable, so that a later
 * update of a record the transaction itself put replaces the image instead of adding a change.
 * Confined to the transaction's thread of work.
 */
final class PendingOp {
    final WriteOp.Kind kind;
    final Rfa target;
    final long recordNumber;
    /** The record as it was in the file before this transaction changed it (UPDATE, DELETE). */
    final byte[] before;
    /** Place in the transaction's order of changes; orders new records among themselves. */
    final long sequence;
    byte[] record;
    boolean removed;

    PendingOp(WriteOp.Kind kind, Rfa target, long recordNumber, byte[] before, byte[] record, long sequence) {
        this.kind = kind;
        this.target = target;
        this.recordNumber = recordNumber;
        this.before = before;
        this.record = record;
        this.sequence = sequence;
    }

    boolean isNewRecord() {
        return kind == WriteOp.Kind.PUT || kind == WriteOp.Kind.PUT_CELL;
    }

    WriteOp toWriteOp() {
        return new WriteOp(kind, target, recordNumber, record);
    }
}
