package dev.locksmith.rms.journal;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's one record: a transaction's identity and its write set, file by file. This class
 * owns the layout; all integers are big-endian.
 *
 * <pre>
 *  0       8 transaction id (u64)
 *  8       2 xid length X (u16; 0 for a one-phase commit)
 * 10       X xid bytes (as the transaction manager gave them)
 *  +       2 file count F (u16)
 *  per file:
 *          2 name length N (u16), then N bytes of the file's name in UTF-8
 *          4 op count P (u32)
 *          per op:
 *              1 kind (1 PUT, 2 PUT_CELL, 3 UPDATE, 4 DELETE)
 *              8 target RFA as {@link Rfa#toLong()} (0 when none)
 *              8 record number (PUT_CELL; 0 otherwise)
 *              4 record length L (-1 when none), then L record bytes
 *  +       2 name lock count K (u16)
 *  per name lock (one entry per LOCK level held):
 *          2 length N (u16), then N bytes of the name as written (UTF-8), {@code ^ACCT(42)}
 * </pre>
 *
 * Immutable once built; encoding and decoding are stateless and thread-safe.
 *
 * @param transactionId the store's number for the transaction
 * @param xid           the XA transaction id it was prepared under; empty for one-phase commits
 * @param writes        the changes, per file name, in the order they are applied
 * @param nameLocks     the GT.M name locks the transaction held when it prepared, a name once per
 *                      level, to be taken again if it comes back in doubt; empty for commits
 */
public record JournalRecord(long transactionId, byte[] xid, Map<String, List<WriteOp>> writes, List<String> nameLocks) {

    private static final int MAX_XID = 0xFFFF;
    private static final int MAX_NAME_LOCKS = 0xFFFF;

    /** A record without name locks: a commit's. */
    public JournalRecord(long transactionId, byte[] xid, Map<String, List<WriteOp>> writes) {
        this(transactionId, xid, writes, List.of());
    }

    public JournalRecord {
        xid = xid == null ? new byte[0] : xid.clone();
        if (xid.length > MAX_XID) {
            throw new RmsException(RmsStatus.IAL, "xid is " + xid.length + " bytes; at most " + MAX_XID);
        }
        Map<String, List<WriteOp>> copy = new LinkedHashMap<>();
        writes.forEach((file, ops) -> copy.put(file, List.copyOf(ops)));
        writes = java.util.Collections.unmodifiableMap(copy);
        nameLocks = nameLocks == null ? List.of() : List.copyOf(nameLocks);
        if (nameLocks.size() > MAX_NAME_LOCKS) {
            throw new RmsException(RmsStatus.IAL, "transaction " + transactionId + " holds " + nameLocks.size()
                    + " name lock levels; a journal record keeps at most " + MAX_NAME_LOCKS);
        }
    }

    /** This record as bytes. */
    public byte[] encode() {
        List<byte[]> names = new ArrayList<>();
        int size = 8 + 2 + xid.length + 2;
        for (Map.Entry<String, List<WriteOp>> file : writes.entrySet()) {
            byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 2 + name.length + 4;
            for (WriteOp op : file.getValue()) {
                size += 1 + 8 + 8 + 4 + (op.record() == null ? 0 : op.record().length);
            }
        }
        List<byte[]> lockNames = new ArrayList<>();
        size += 2;
        for (String name : nameLocks) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            lockNames.add(bytes);
            size += 2 + bytes.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putLong(transactionId).putShort((short) xid.length).put(xid).putShort((short) writes.size());
        int f = 0;
        for (List<WriteOp> ops : writes.values()) {
            byte[] name = names.get(f++);
            buffer.putShort((short) name.length).put(name).putInt(ops.size());
            for (WriteOp op : ops) {
                buffer.put((byte) op.kind().code)
                        .putLong(op.target() == null ? 0 : op.target().toLong())
                        .putLong(op.recordNumber());
                if (op.record() == null) {
                    buffer.putInt(-1);
                } else {
                    buffer.putInt(op.record().length).put(op.record());
                }
            }
        }
        buffer.putShort((short) lockNames.size());
        for (byte[] name : lockNames) {
            buffer.putShort((short) name.length).put(name);
        }
        return buffer.array();
    }

    /** Reads a record written by {@link #encode()}; {@link RmsStatus#BUG} if the bytes are not one. */
    public static JournalRecord decode(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long id = buffer.getLong();
            byte[] xid = new byte[Short.toUnsignedInt(buffer.getShort())];
            buffer.get(xid);
            int files = Short.toUnsignedInt(buffer.getShort());
            Map<String, List<WriteOp>> writes = new LinkedHashMap<>();
            for (int f = 0; f < files; f++) {
                byte[] name = new byte[Short.toUnsignedInt(buffer.getShort())];
                buffer.get(name);
                int count = buffer.getInt();
                if (count < 0 || count > buffer.remaining() / 21) {
                    throw new RmsException(RmsStatus.BUG, "journal record claims " + count + " writes");
                }
                List<WriteOp> ops = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    WriteOp.Kind kind = WriteOp.Kind.of(buffer.get());
                    long target = buffer.getLong();
                    long number = buffer.getLong();
                    int length = buffer.getInt();
                    byte[] record = null;
                    if (length >= 0) {
                        record = new byte[length];
                        buffer.get(record);
                    }
                    ops.add(new WriteOp(kind, target == 0 ? null : Rfa.fromLong(target), number, record));
                }
                writes.put(new String(name, StandardCharsets.UTF_8), ops);
            }
            int lockCount = Short.toUnsignedInt(buffer.getShort());
            List<String> nameLocks = new ArrayList<>(lockCount);
            for (int i = 0; i < lockCount; i++) {
                byte[] name = new byte[Short.toUnsignedInt(buffer.getShort())];
                buffer.get(name);
                nameLocks.add(new String(name, StandardCharsets.UTF_8));
            }
            return new JournalRecord(id, xid, writes, nameLocks);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new RmsException(RmsStatus.BUG, "journal record is damaged: " + e.getMessage(), e);
        }
    }
}
