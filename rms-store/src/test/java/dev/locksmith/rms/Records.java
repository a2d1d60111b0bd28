package dev.locksmith.rms;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Test helpers that build records and keys. */
final class Records {
    private Records() {
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] record) {
        return new String(record, StandardCharsets.US_ASCII);
    }

    /** A record of exactly {@code size} bytes starting with {@code text}, padded with spaces. */
    static byte[] padded(String text, int size) {
        byte[] record = new byte[size];
        Arrays.fill(record, (byte) ' ');
        byte[] bytes = ascii(text);
        System.arraycopy(bytes, 0, record, 0, Math.min(size, bytes.length));
        return record;
    }

    static byte[] int4(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    static byte[] int2(short value) {
        return ByteBuffer.allocate(2).putShort(value).array();
    }

    static byte[] int8(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /** An indexed file definition: 8-byte string primary key at 0, record size {@code size}, variable. */
    static FileDefinition indexed(int size, KeyDefinition... alternates) {
        FileDefinition.Builder builder = FileDefinition.builder(Organization.INDEXED).recordSize(size).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 8).build());
        for (KeyDefinition key : alternates) {
            builder.key(key);
        }
        return builder.build();
    }
}
