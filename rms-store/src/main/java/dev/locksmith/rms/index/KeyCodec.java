package dev.locksmith.rms.index;

import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeySegment;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;

/**
 * Turns key values into byte strings that sort correctly when compared unsigned byte by byte, so
 * every index compares keys with one {@link java.util.Arrays#compareUnsigned} whatever their type.
 *
 * <p>The transformation is a per-byte XOR: the first byte of each signed-integer segment has its
 * sign bit flipped (two's complement order becomes unsigned order) and every byte of a descending
 * key is complemented (order reverses). Being per-byte, it maps a prefix of a value to a prefix of
 * the encoded value, which is what makes generic keys work. Immutable and thread-safe.
 */
public final class KeyCodec {
    private final KeyDefinition key;
    private final byte[] mask;
    private final int minimumRecordSize;

    public KeyCodec(KeyDefinition key) {
        this.key = key;
        this.mask = new byte[key.length()];
        this.minimumRecordSize = key.minimumRecordSize();
        int at = 0;
        for (KeySegment segment : key.segments()) {
            if (key.type().signed()) {
                mask[at] ^= (byte) 0x80;
            }
            at += segment.length();
        }
        if (key.descending()) {
            for (int i = 0; i < mask.length; i++) {
                mask[i] ^= (byte) 0xFF;
            }
        }
    }

    public KeyDefinition definition() {
        return key;
    }

    /** Length of an encoded key. */
    public int length() {
        return mask.length;
    }

    /** Whether {@code record} is long enough to contain this key. */
    public boolean isPresentIn(byte[] record) {
        return record.length >= minimumRecordSize;
    }

    /** The encoded key of {@code record}, which must contain it ({@link #isPresentIn}). */
    public byte[] fromRecord(byte[] record) {
        byte[] encoded = new byte[mask.length];
        int at = 0;
        for (KeySegment segment : key.segments()) {
            System.arraycopy(record, segment.position(), encoded, at, segment.length());
            at += segment.length();
        }
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] ^= mask[i];
        }
        return encoded;
    }

    /**
     * Encodes a key value given as the concatenated segments. A shorter value is a generic key,
     * allowed for STRING keys only.
     *
     * @throws RmsException KEY if the value is empty, too long, or partial for an integer key
     */
    public byte[] fromValue(byte[] value) {
        if (value == null || value.length == 0) {
            throw new RmsException(RmsStatus.KEY, "key value for key " + key.number() + " is empty");
        }
        if (value.length > mask.length) {
            throw new RmsException(RmsStatus.KEY, "key value is " + value.length + " bytes; key " + key.number()
                    + " is " + mask.length);
        }
        if (value.length < mask.length && key.type() != KeyType.STRING) {
            throw new RmsException(RmsStatus.KEY, "key value is " + value.length + " bytes; generic (partial) keys are"
                    + " allowed for STRING keys only and key " + key.number() + " is " + key.type() + " of " + mask.length);
        }
        byte[] encoded = value.clone();
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] ^= mask[i];
        }
        return encoded;
    }
}
