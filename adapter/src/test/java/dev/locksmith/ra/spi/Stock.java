package dev.locksmith.ra.spi;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The tests' stock file: indexed, 20-byte records, an 8-byte item code as primary key, then a quantity. */
final class Stock {

    static final String FILE = "stock.rms";
    static final FileDefinition DEFINITION = FileDefinition.builder(Organization.INDEXED).recordSize(20).bucketSize(2)
            .key(KeyDefinition.builder(0).segment(0, 8).build()).build();

    private Stock() {
    }

    /** The record of {@code item} with {@code quantity}. */
    static byte[] record(String item, int quantity) {
        return String.format("%-8s%12d", item, quantity).getBytes(StandardCharsets.US_ASCII);
    }

    /** The primary key of {@code item}. */
    static byte[] key(String item) {
        return Arrays.copyOf(String.format("%-8s", item).getBytes(StandardCharsets.US_ASCII), 8);
    }

    /** The quantity a stock record holds. */
    static int quantity(byte[] record) {
        return Integer.parseInt(new String(record, 8, 12, StandardCharsets.US_ASCII).trim());
    }
}
