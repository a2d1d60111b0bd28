package dev.locksmith.rms;

import java.util.ArrayList;
import java.util.List;

/**
 * One key of an indexed file, as an FDL {@code KEY n} section. Key 0 is the primary key.
 * Immutable and thread-safe; build with {@link #builder(int)}.
 *
 * @param number      key of reference, 0 (primary) to 254
 * @param name        optional name, may be empty
 * @param type        data type of every segment
 * @param descending  whether records are ordered from the highest key value down
 * @param duplicates  whether several records may have the same value
 * @param changes     whether {@code update} may change the value (never for key 0)
 * @param segments    1 to 8 segments; concatenated they form the key value
 * @param dataFill    percentage of a data bucket filled by a sorted load, 50–100
 * @param indexFill   percentage of an index bucket filled by a sorted load, 50–100
 */
public record KeyDefinition(int number, String name, KeyType type, boolean descending,
                            boolean duplicates, boolean changes, List<KeySegment> segments,
                            int dataFill, int indexFill) {

    /** Most segments a key may have, as in RMS. */
    public static final int MAX_SEGMENTS = 8;

    public KeyDefinition {
        segments = List.copyOf(segments);
        name = name == null ? "" : name;
        if (number < 0 || number > 254) {
            throw new RmsException(RmsStatus.FDL, "key number " + number + " is not in 0..254");
        }
        if (type == null) {
            throw new RmsException(RmsStatus.FDL, "key " + number + " has no TYPE");
        }
        if (segments.isEmpty() || segments.size() > MAX_SEGMENTS) {
            throw new RmsException(RmsStatus.FDL, "key " + number + " has " + segments.size()
                    + " segments, must have 1.." + MAX_SEGMENTS);
        }
        for (int i = 0; i < segments.size(); i++) {
            int length = segments.get(i).length();
            if (type.size() != 0 && length != type.size()) {
                throw new RmsException(RmsStatus.FDL, "key " + number + " SEG" + i + "_LENGTH " + length
                        + " does not match TYPE " + type + " which is " + type.size() + " bytes");
            }
        }
        if (number == 0 && changes) {
            throw new RmsException(RmsStatus.FDL, "key 0 (primary) cannot have CHANGES");
        }
        if (dataFill < 50 || dataFill > 100) {
            throw new RmsException(RmsStatus.FDL, "key " + number + " DATA_FILL " + dataFill + " is not in 50..100");
        }
        if (indexFill < 50 || indexFill > 100) {
            throw new RmsException(RmsStatus.FDL, "key " + number + " INDEX_FILL " + indexFill + " is not in 50..100");
        }
    }

    /** Total key length: the sum of the segment lengths. */
    public int length() {
        int total = 0;
        for (KeySegment segment : segments) {
            total += segment.length();
        }
        return total;
    }

    /** The smallest record size that holds every segment. */
    public int minimumRecordSize() {
        int end = 0;
        for (KeySegment segment : segments) {
            end = Math.max(end, segment.end());
        }
        return end;
    }

    /** A builder of key of reference {@code number} (0 is the primary key). */
    public static Builder builder(int number) {
        return new Builder(number);
    }

    /**
     * Mutable builder; not thread-safe. Defaults: {@link KeyType#STRING}, ascending, no duplicates,
     * no changes, fill 100%. At least one {@link #segment} is required. Nothing is checked before
     * {@link #build()}.
     */
    public static final class Builder {
        private final int number;
        private String name = "";
        private KeyType type = KeyType.STRING;
        private boolean descending;
        private boolean duplicates;
        private boolean changes;
        private final List<KeySegment> segments = new ArrayList<>();
        private int dataFill = 100;
        private int indexFill = 100;

        private Builder(int number) {
            this.number = number;
        }

        /** An optional name (FDL {@code NAME}), shown by analysis; default empty. */
        public Builder name(String value) { this.name = value; return this; }

        /** The data type of every segment (FDL {@code TYPE}); an integer type fixes the segment length. */
        public Builder type(KeyType value) { this.type = value; return this; }

        /** Whether records are ordered from the highest value down (FDL {@code TYPE} with a D prefix, e.g. {@code DSTRING}). */
        public Builder descending(boolean value) { this.descending = value; return this; }

        /** Whether several records may have the same value (FDL {@code DUPLICATES}); otherwise a second one fails with DUP. */
        public Builder duplicates(boolean value) { this.duplicates = value; return this; }

        /** Whether an update may change the value (FDL {@code CHANGES}); never for key 0. */
        public Builder changes(boolean value) { this.changes = value; return this; }

        /**
         * Adds the next segment: {@code length} bytes from byte {@code position} of the record (FDL
         * {@code SEGn_POSITION}, {@code SEGn_LENGTH}); up to 8, concatenated in the order added.
         */
        public Builder segment(int position, int length) { segments.add(new KeySegment(position, length)); return this; }

        /** How full a sorted load leaves data buckets, 50–100 percent (FDL {@code DATA_FILL}); default 100. */
        public Builder dataFill(int percent) { this.dataFill = percent; return this; }

        /** How full a sorted load leaves index buckets, 50–100 percent (FDL {@code INDEX_FILL}); default 100. */
        public Builder indexFill(int percent) { this.indexFill = percent; return this; }

        /** The key; {@link RmsException} FDL naming what is wrong (see the record's constructor). */
        public KeyDefinition build() {
            return new KeyDefinition(number, name, type, descending, duplicates, changes, segments, dataFill, indexFill);
        }
    }
}
