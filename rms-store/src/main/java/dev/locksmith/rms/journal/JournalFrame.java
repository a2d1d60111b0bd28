package dev.locksmith.rms.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The journal file's layout: a header, then frames appended one after another. This class owns the
 * offsets; all integers are big-endian.
 *
 * <pre>
 * File header (16 bytes)
 *  0       8 magic "LKSMJRNL"
 *  8       4 format version (1)
 * 12       4 reserved (0)
 *
 * Frame (8 + B bytes)
 *  0       4 body length B (u32, at least {@value #BODY_HEADER}; 0 where nothing was written yet:
 *            the end of the log, as the file is extended with zeros ahead of the writes)
 *  4       4 CRC-32C of the B body bytes
 *  8       B body:
 *            0   1 kind ({@link Kind#code()}: 1 PREPARE, 2 COMMIT, 3 FORGET, 4 CHECKPOINT)
 *            1   8 COMMIT: its commit sequence number; CHECKPOINT: the last one given out; else 0
 *            9   8 PREPARE, COMMIT, FORGET: the transaction id; CHECKPOINT: the last one given out
 *           17   … PREPARE, COMMIT: the {@link JournalRecord}; nothing for the other kinds
 * </pre>
 *
 * A frame whose length runs past the file or whose checksum fails was torn by a crash in its
 * write: it and everything after it are not part of the log.
 *
 * <p>Stateless and thread-safe.
 */
final class JournalFrame {
    static final byte[] MAGIC = "LKSMJRNL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int FILE_HEADER = 16;
    static final int FRAME_HEADER = 8;
    static final int BODY_HEADER = 17;

    /** What a frame records; its code is its place in this list, from 1 (never reorder them). */
    enum Kind {
        /** A transaction's write set and xid, prepared: in doubt until a COMMIT or FORGET of its id. */
        PREPARE,
        /** A transaction's write set, committed under a sequence number. */
        COMMIT,
        /** A prepared transaction rolled back. */
        FORGET,
        /** The first frame of a rewritten journal: the counters as they stood. */
        CHECKPOINT;

        private static final Kind[] BY_CODE = values();

        int code() {
            return ordinal() + 1;
        }

        /** The kind coded {@code code}, or null if there is none. */
        static Kind of(int code) {
            return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
        }
    }

    private JournalFrame() {
    }

    static ByteBuffer fileHeader() {
        return ByteBuffer.allocate(FILE_HEADER).put(MAGIC).putInt(VERSION).putInt(0).flip();
    }

    /** One whole frame, ready to write. */
    static ByteBuffer frame(Kind kind, long sequence, long transactionId, byte[] record) {
        int body = BODY_HEADER + (record == null ? 0 : record.length);
        ByteBuffer buffer = ByteBuffer.allocate(FRAME_HEADER + body);
        buffer.position(FRAME_HEADER);
        buffer.put((byte) kind.code()).putLong(sequence).putLong(transactionId);
        if (record != null) {
            buffer.put(record);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), FRAME_HEADER, body);
        buffer.putInt(0, body).putInt(4, (int) crc.getValue());
        return buffer.flip();
    }

    /** Whether {@code body} matches the checksum {@code crc} from its frame header. */
    static boolean intact(ByteBuffer body, int crc) {
        CRC32C check = new CRC32C();
        check.update(body.duplicate());
        return (int) check.getValue() == crc;
    }
}
