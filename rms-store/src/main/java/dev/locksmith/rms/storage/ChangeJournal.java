package dev.locksmith.rms.storage;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a change set of several buckets as one value, the redo record that makes a multi-bucket
 * change atomic in a store that commits in the background: the record is written first, then the
 * buckets, then the record is removed; whoever finds a record on open applies it again.
 *
 * <p>Format: bucket count (int), then per bucket its number (long), image length (int, -1 for a
 * removal) and image bytes. Stateless and thread-safe.
 */
final class ChangeJournal {

    private ChangeJournal() {
    }

    static byte[] encode(Map<Long, byte[]> changes) {
        int size = 4;
        for (byte[] image : changes.values()) {
            size += 12 + (image == null ? 0 : image.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(changes.size());
        for (Map.Entry<Long, byte[]> change : changes.entrySet()) {
            buffer.putLong(change.getKey());
            byte[] image = change.getValue();
            buffer.putInt(image == null ? -1 : image.length);
            if (image != null) {
                buffer.put(image);
            }
        }
        return buffer.array();
    }

    static Map<Long, byte[]> decode(byte[] record) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(record);
            int count = buffer.getInt();
            if (count < 0 || count > record.length / 12) {
                throw new RmsException(RmsStatus.BUG, "redo record claims " + count + " buckets");
            }
            Map<Long, byte[]> changes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                long id = buffer.getLong();
                int length = buffer.getInt();
                if (length < -1 || length > buffer.remaining()) {
                    throw new RmsException(RmsStatus.BUG, "redo record entry " + i + " has length " + length);
                }
                byte[] image = null;
                if (length >= 0) {
                    image = new byte[length];
                    buffer.get(image);
                }
                changes.put(id, image);
            }
            return changes;
        } catch (BufferUnderflowException e) {
            throw new RmsException(RmsStatus.BUG, "redo record is truncated", e);
        }
    }
}
