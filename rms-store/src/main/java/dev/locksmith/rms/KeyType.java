package dev.locksmith.rms;

/**
 * Data type of a key's segments, as in FDL {@code KEY TYPE} (the {@code D...} descending
 * variants are this type plus {@link KeyDefinition#descending()}).
 *
 * <p>Integer key fields are stored in the record big-endian (network byte order, as
 * {@link java.nio.ByteBuffer} writes them), so that every key type orders correctly after a
 * byte-wise transformation and a generic key is a prefix of the stored value.
 */
public enum KeyType {
    /** Bytes compared unsigned, left to right (ASCII strings, opaque binary). Any length. */
    STRING(0, false),
    /** Signed 16-bit integer. */
    INT2(2, true),
    /** Signed 32-bit integer. */
    INT4(4, true),
    /** Signed 64-bit integer. */
    INT8(8, true),
    /** Unsigned 16-bit integer. */
    BIN2(2, false),
    /** Unsigned 32-bit integer. */
    BIN4(4, false),
    /** Unsigned 64-bit integer. */
    BIN8(8, false);

    private final int size;
    private final boolean signed;

    KeyType(int size, boolean signed) {
        this.size = size;
        this.signed = signed;
    }

    /** Required segment length in bytes, or 0 when any length (1–255) is allowed. */
    public int size() {
        return size;
    }

    /** Whether values are two's complement signed integers. */
    public boolean signed() {
        return signed;
    }
}
