package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ordering of every key type, ascending and descending, and segmented keys. */
class KeyTypeTest {
    @TempDir
    Path dir;

    /** Stores records whose key (at byte 0) is each value and returns the values in key order. */
    private List<Long> orderOf(KeyType type, boolean descending, long... values) {
        int size = type.size();
        FileDefinition definition = FileDefinition.builder(Organization.INDEXED).recordSize(size + 4)
                .key(KeyDefinition.builder(0).type(type).descending(descending).segment(0, size).build()).build();
        try (RmsFile file = RmsFile.create(dir.resolve(type + "-" + descending + ".rms"), definition)) {
            RecordStream stream = file.stream();
            for (long value : values) {
                stream.put(ByteBuffer.allocate(size + 4).put(encode(type, value)).putInt(0).array());
            }
            List<Long> order = new ArrayList<>();
            stream.rewind(0);
            for (int i = 0; i < values.length; i++) {
                order.add(decode(type, stream.next()));
            }
            return order;
        }
    }

    private static byte[] encode(KeyType type, long value) {
        return switch (type.size()) {
            case 2 -> int2((short) value);
            case 4 -> int4((int) value);
            default -> int8(value);
        };
    }

    private static long decode(KeyType type, byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        return switch (type) {
            case INT2 -> buffer.getShort();
            case BIN2 -> buffer.getShort() & 0xFFFF;
            case INT4 -> buffer.getInt();
            case BIN4 -> buffer.getInt() & 0xFFFF_FFFFL;
            default -> buffer.getLong();
        };
    }

    @Test
    void signedInt2OrdersNegativesFirst() {
        assertThat(orderOf(KeyType.INT2, false, 5, -3, 0, 32767, -32768)).containsExactly(-32768L, -3L, 0L, 5L, 32767L);
    }

    @Test
    void signedInt4OrdersNegativesFirst() {
        assertThat(orderOf(KeyType.INT4, false, 7, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0))
                .containsExactly((long) Integer.MIN_VALUE, -1L, 0L, 7L, (long) Integer.MAX_VALUE);
    }

    @Test
    void signedInt8OrdersNegativesFirst() {
        assertThat(orderOf(KeyType.INT8, false, 1, Long.MIN_VALUE, -1, Long.MAX_VALUE))
                .containsExactly(Long.MIN_VALUE, -1L, 1L, Long.MAX_VALUE);
    }

    @Test
    void unsignedBin2OrdersHighBitValuesLast() {
        assertThat(orderOf(KeyType.BIN2, false, 0x8000, 1, 0xFFFF, 0)).containsExactly(0L, 1L, 0x8000L, 0xFFFFL);
    }

    @Test
    void unsignedBin4OrdersHighBitValuesLast() {
        assertThat(orderOf(KeyType.BIN4, false, 0x8000_0000L, 3, 0xFFFF_FFFFL))
                .containsExactly(3L, 0x8000_0000L, 0xFFFF_FFFFL);
    }

    @Test
    void unsignedBin8OrdersAsUnsigned() {
        assertThat(orderOf(KeyType.BIN8, false, -1L, 2, Long.MIN_VALUE)).containsExactly(2L, Long.MIN_VALUE, -1L);
    }

    @Test
    void descendingInt4OrdersFromHighestDown() {
        assertThat(orderOf(KeyType.INT4, true, 5, -3, 0, 100)).containsExactly(100L, 5L, 0L, -3L);
    }

    @Test
    void descendingStringOrdersFromHighestDownAndGeFollowsThatOrder() {
        FileDefinition definition = FileDefinition.builder(Organization.INDEXED).recordSize(4)
                .key(KeyDefinition.builder(0).descending(true).segment(0, 4).build()).build();
        try (RmsFile file = RmsFile.create(dir.resolve("dstring.rms"), definition)) {
            RecordStream stream = file.stream();
            for (String key : new String[] {"BBBB", "DDDD", "AAAA", "CCCC"}) {
                stream.put(ascii(key));
            }
            stream.rewind(0);
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                order.add(text(stream.next()));
            }
            assertThat(order).containsExactly("DDDD", "CCCC", "BBBB", "AAAA");
            assertThat(text(stream.get(0, ascii("BZZZ"), KeyMatch.GE))).isEqualTo("BBBB");
        }
    }

    @Test
    void segmentedKeyConcatenatesSegmentsInSegmentOrder() {
        // key = bytes 6-7 (surname initial) then bytes 0-2 (number)
        FileDefinition definition = FileDefinition.builder(Organization.INDEXED).recordSize(8)
                .key(KeyDefinition.builder(0).segment(6, 2).segment(0, 3).build()).build();
        try (RmsFile file = RmsFile.create(dir.resolve("segmented.rms"), definition)) {
            RecordStream stream = file.stream();
            stream.put(ascii("002xxxBB"));
            stream.put(ascii("001xxxBB"));
            stream.put(ascii("003xxxAA"));
            assertThat(text(stream.get(0, ascii("BB001")))).isEqualTo("001xxxBB");
            assertThat(text(stream.get(0, ascii("BB")))).isEqualTo("001xxxBB");
            assertThat(text(stream.next())).isEqualTo("002xxxBB");
            stream.rewind(0);
            assertThat(text(stream.next())).isEqualTo("003xxxAA");
        }
    }

    @Test
    void eightSegmentsAreAllowedAndANinthIsRejected() {
        KeyDefinition.Builder key = KeyDefinition.builder(0);
        for (int i = 0; i < 8; i++) {
            key.segment(i, 1);
        }
        assertThat(key.build().length()).isEqualTo(8);
        key.segment(8, 1);
        assertThatThrownBy(key::build)
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FDL));
    }

    @Test
    void genericKeyOnAnIntegerKeyFailsWithKey() {
        FileDefinition definition = FileDefinition.builder(Organization.INDEXED).recordSize(4)
                .key(KeyDefinition.builder(0).type(KeyType.INT4).segment(0, 4).build()).build();
        try (RmsFile file = RmsFile.create(dir.resolve("generic-int.rms"), definition)) {
            file.stream().put(int4(1));
            assertThatThrownBy(() -> file.stream().get(0, new byte[] {0, 0}))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.KEY));
        }
    }

    @Test
    void integerSegmentOfTheWrongLengthIsRejected() {
        assertThatThrownBy(() -> KeyDefinition.builder(0).type(KeyType.INT4).segment(0, 3).build())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.getMessage()).contains("SEG0_LENGTH 3"));
    }

    @Test
    void duplicatePrimaryKeysAreKeptInInsertionOrderWhenAllowed() {
        FileDefinition definition = FileDefinition.builder(Organization.INDEXED).recordSize(6)
                .key(KeyDefinition.builder(0).duplicates(true).segment(0, 2).build()).build();
        try (RmsFile file = RmsFile.create(dir.resolve("dup-primary.rms"), definition)) {
            RecordStream stream = file.stream();
            stream.put(ascii("BB1"));
            stream.put(ascii("AA1"));
            stream.put(ascii("BB2"));
            stream.put(ascii("BB3"));
            assertThat(text(stream.get(0, ascii("BB")))).isEqualTo("BB1");
            assertThat(text(stream.next())).isEqualTo("BB2");
            assertThat(text(stream.next())).isEqualTo("BB3");
            assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
        }
    }
}
