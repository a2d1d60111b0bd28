package dev.locksmith.rms.journal;

import dev.locksmith.rms.Rfa;

/**
 * One change a transaction makes to one file, kept logically (not as bucket images) so that it can
 * be applied at commit to whatever the file holds by then, and replayed after a crash.
 *
 * @param kind         what the change does
 * @param target       the record changed, for {@link Kind#UPDATE} and {@link Kind#DELETE}; null otherwise
 * @param recordNumber the cell, for {@link Kind#PUT_CELL}; 0 otherwise
 * @param record       the new record, for puts and updates; null for deletes
 */
public record WriteOp(Kind kind, Rfa target, long recordNumber, byte[] record) {

    /** The kinds of change; the code is the byte that stands for it in a {@link JournalRecord}. */
    public enum Kind {
        /** Stores a new record ($PUT). */
        PUT(1),
        /** Stores a new record in a given cell of a relative file. */
        PUT_CELL(2),
        /** Replaces the record at {@code target} ($UPDATE). */
        UPDATE(3),
        /** Deletes the record at {@code target} ($DELETE). */
        DELETE(4);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no write kind " + code);
        }
    }

    public static WriteOp put(byte[] record) {
        return new WriteOp(Kind.PUT, null, 0, record);
    }

    public static WriteOp putCell(long recordNumber, byte[] record) {
        return new WriteOp(Kind.PUT_CELL, null, recordNumber, record);
    }

    public static WriteOp update(Rfa target, byte[] record) {
        return new WriteOp(Kind.UPDATE, target, 0, record);
    }

    public static WriteOp delete(Rfa target) {
        return new WriteOp(Kind.DELETE, target, 0, null);
    }
}
