package dev.locksmith.cli.rms;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How CSV fields become a record: each column in turn takes a fixed number of bytes — text padded
 * with spaces, or a big-endian integer (the store's integer key format). Written as a comma list
 * such as {@code 16,30,int4,bin2}: a number is a text column of that width. Immutable.
 */
final class ColumnLayout {
    private record Column(int width, String integerType) {
    }

    private final List<Column> columns;
    private final int recordSize;

    private ColumnLayout(List<Column> columns) {
        this.columns = List.copyOf(columns);
        this.recordSize = columns.stream().mapToInt(Column::width).sum();
    }

    /** Parses the layout; IllegalArgumentException naming the bad item. */
    static ColumnLayout parse(String specification) {
        List<Column> columns = new ArrayList<>();
        for (String item : specification.split(",")) {
            String text = item.trim().toLowerCase(Locale.ROOT);
            if (text.matches("(int|bin)[248]")) {
                columns.add(new Column(text.charAt(3) - '0', text));
            } else if (text.matches("[0-9]{1,5}") && Integer.parseInt(text) > 0) {
                columns.add(new Column(Integer.parseInt(text), null));
            } else {
                throw new IllegalArgumentException("column '" + item + "' is neither a text width nor int2/4/8, bin2/4/8");
            }
        }
        return new ColumnLayout(columns);
    }

    int recordSize() {
        return recordSize;
    }

    /** The record for one CSV line's fields; IllegalArgumentException naming the column. */
    byte[] toRecord(List<String> fields) {
        if (fields.size() != columns.size()) {
            throw new IllegalArgumentException(fields.size() + " fields, the layout has " + columns.size() + " columns");
        }
        ByteBuffer record = ByteBuffer.allocate(recordSize);
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String field = fields.get(i);
            if (column.integerType() == null) {
                byte[] text = field.getBytes(StandardCharsets.ISO_8859_1);
                if (text.length > column.width()) {
                    throw new IllegalArgumentException("column " + (i + 1) + " '" + field + "' is longer than its "
                            + column.width() + " bytes");
                }
                byte[] padded = Arrays.copyOf(text, column.width());
                Arrays.fill(padded, text.length, padded.length, (byte) ' ');
                record.put(padded);
            } else {
                record.put(integer(i, column, field.trim()));
            }
        }
        return record.array();
    }

    private static byte[] integer(int index, Column column, String field) {
        long value;
        try {
            value = column.integerType().startsWith("bin") && column.width() == 8
                    ? Long.parseUnsignedLong(field) : Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + (index + 1) + " '" + field + "' is not an integer");
        }
        int bits = column.width() * 8;
        boolean signed = column.integerType().startsWith("int");
        if (bits < 64 && (signed ? value < -(1L << (bits - 1)) || value >= (1L << (bits - 1)) : value < 0 || value >= (1L << bits))) {
            throw new IllegalArgumentException("column " + (index + 1) + " value " + field + " does not fit "
                    + column.integerType());
        }
        byte[] bytes = new byte[column.width()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (value >>> (8 * (bytes.length - 1 - i)));
        }
        return bytes;
    }
}
