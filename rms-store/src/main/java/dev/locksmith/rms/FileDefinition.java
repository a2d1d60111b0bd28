package dev.locksmith.rms;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that describes a file's structure: organization, record format and size, bucket
 * size and keys. Written in FDL ({@link dev.locksmith.rms.fdl.FdlParser}) or with
 * {@link #builder(Organization)}. Immutable and thread-safe; the constructor validates and throws
 * {@link RmsException} with status {@link RmsStatus#FDL} or {@link RmsStatus#BKS}.
 *
 * @param name          optional file title (FDL {@code FILE NAME}), may be empty
 * @param organization  file organization
 * @param format        fixed or variable records
 * @param recordSize    the record size (fixed) or maximum record size (variable), 1–16383
 * @param bucketSize    bucket size in 512-byte blocks, 1–63
 * @param keys          keys 0..n-1 for indexed files (at least key 0); empty otherwise
 * @param globalBufferCount buckets of global buffers each node keeps for the file (FDL
 *                      {@code FILE GLOBAL_BUFFER_COUNT}, VMS {@code SET FILE/GLOBAL_BUFFER}),
 *                      0–{@value #MAX_GLOBAL_BUFFERS}; 0 = none
 */
public record FileDefinition(String name, Organization organization, RecordFormat format, int recordSize,
                             int bucketSize, List<KeyDefinition> keys, int globalBufferCount) {

    /** Bytes per block; bucket sizes are counted in blocks. */
    public static final int BLOCK_SIZE = 512;
    /** Largest bucket size in blocks, as in RMS. */
    public static final int MAX_BUCKET_BLOCKS = 63;
    /** Largest record, bounded by the largest bucket. */
    public static final int MAX_RECORD_SIZE = 16383;
    /** Largest global buffer count, as in VMS. */
    public static final int MAX_GLOBAL_BUFFERS = 32767;

    /** A definition without global buffers. */
    public FileDefinition(String name, Organization organization, RecordFormat format, int recordSize, int bucketSize,
                          List<KeyDefinition> keys) {
        this(name, organization, format, recordSize, bucketSize, keys, 0);
    }

    public FileDefinition {
        name = name == null ? "" : name;
        keys = List.copyOf(keys);
        if (organization == null) {
            throw new RmsException(RmsStatus.FDL, "ORGANIZATION is missing");
        }
        if (format == null) {
            throw new RmsException(RmsStatus.FDL, "record FORMAT is missing");
        }
        if (recordSize < 1 || recordSize > MAX_RECORD_SIZE) {
            throw new RmsException(RmsStatus.FDL, "record SIZE " + recordSize + " is not in 1.." + MAX_RECORD_SIZE);
        }
        if (bucketSize < 1 || bucketSize > MAX_BUCKET_BLOCKS) {
            throw new RmsException(RmsStatus.BKS, "BUCKET_SIZE " + bucketSize + " is not in 1.." + MAX_BUCKET_BLOCKS);
        }
        if (globalBufferCount < 0 || globalBufferCount > MAX_GLOBAL_BUFFERS) {
            throw new RmsException(RmsStatus.FDL, "GLOBAL_BUFFER_COUNT " + globalBufferCount + " is not in 0.."
                    + MAX_GLOBAL_BUFFERS);
        }
        if (organization == Organization.INDEXED) {
            validateKeys(keys, format, recordSize);
        } else if (!keys.isEmpty()) {
            throw new RmsException(RmsStatus.FDL, organization + " files have no keys, " + keys.size() + " given");
        }
    }

    private static void validateKeys(List<KeyDefinition> keys, RecordFormat format, int recordSize) {
        if (keys.isEmpty()) {
            throw new RmsException(RmsStatus.FDL, "an INDEXED file needs KEY 0");
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyDefinition key = keys.get(i);
            if (key.number() != i) {
                throw new RmsException(RmsStatus.FDL, "keys must be numbered 0.." + (keys.size() - 1)
                        + " in order; found KEY " + key.number() + " at place " + i);
            }
            if (key.minimumRecordSize() > recordSize) {
                throw new RmsException(RmsStatus.FDL, "KEY " + i + " ends at byte " + key.minimumRecordSize()
                        + ", beyond the record SIZE " + recordSize);
            }
        }
    }

    /** Bucket size in bytes. */
    public int bucketBytes() {
        return bucketSize * BLOCK_SIZE;
    }

    /** Key {@code keyOfReference}, or {@link RmsStatus#KRF} if the file has no such key. */
    public KeyDefinition key(int keyOfReference) {
        if (keyOfReference < 0 || keyOfReference >= keys.size()) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; the file has "
                    + keys.size() + " key(s)");
        }
        return keys.get(keyOfReference);
    }

    /**
     * Checks a record's size against the format: {@link RmsStatus#RTB} if it is longer than the
     * maximum, or not exactly the size of a fixed-length file, or (indexed) too short to hold the
     * primary key.
     */
    public void checkRecordSize(byte[] record) {
        if (record == null) {
            throw new RmsException(RmsStatus.RTB, "record is null");
        }
        int size = record.length;
        if (format == RecordFormat.FIXED && size != recordSize) {
            throw new RmsException(RmsStatus.RTB, "record is " + size + " bytes; this file's records are fixed at "
                    + recordSize);
        }
        if (size > recordSize) {
            throw new RmsException(RmsStatus.RTB, "record is " + size + " bytes; the maximum is " + recordSize);
        }
        if (organization == Organization.INDEXED && size < keys.get(0).minimumRecordSize()) {
            throw new RmsException(RmsStatus.RTB, "record is " + size + " bytes, too short for the primary key which ends at byte "
                    + keys.get(0).minimumRecordSize());
        }
    }

    /** This definition with {@code count} global buffers; FDL if {@code count} is out of range. */
    public FileDefinition withGlobalBufferCount(int count) {
        return new FileDefinition(name, organization, format, recordSize, bucketSize, keys, count);
    }

    /** A builder of a file of {@code organization}; FDL text is the other way ({@link dev.locksmith.rms.fdl.FdlParser}). */
    public static Builder builder(Organization organization) {
        return new Builder(organization);
    }

    /**
     * Mutable builder; not thread-safe. Defaults: variable format, bucket size 2, no keys. Nothing
     * is checked before {@link #build()}.
     */
    public static final class Builder {
        private final Organization organization;
        private String name = "";
        private RecordFormat format = RecordFormat.VARIABLE;
        private int recordSize;
        private int bucketSize = 2;
        private int globalBufferCount;
        private final List<KeyDefinition> keys = new ArrayList<>();

        private Builder(Organization organization) {
            this.organization = organization;
        }

        /** An optional title (FDL {@code FILE NAME}); default empty. */
        public Builder name(String value) { this.name = value; return this; }

        /** Fixed or variable records (FDL {@code RECORD FORMAT}); default {@link RecordFormat#VARIABLE}. */
        public Builder format(RecordFormat value) { this.format = value; return this; }

        /** The record size, or the largest record of a variable file, 1–16383 bytes (FDL {@code RECORD SIZE}); required. */
        public Builder recordSize(int bytes) { this.recordSize = bytes; return this; }

        /** Bucket size in 512-byte blocks, 1–63 (FDL {@code BUCKET_SIZE}); default 2. */
        public Builder bucketSize(int blocks) { this.bucketSize = blocks; return this; }

        /** Global buffers per node, 0–32767 (FDL {@code GLOBAL_BUFFER_COUNT}); default 0 (none). */
        public Builder globalBufferCount(int count) { this.globalBufferCount = count; return this; }

        /** Adds the next key of an indexed file: key 0 first, then 1, 2, … in order. */
        public Builder key(KeyDefinition key) { keys.add(key); return this; }

        /** The definition; {@link RmsException} FDL or BKS naming what is wrong (see the record's constructor). */
        public FileDefinition build() {
            return new FileDefinition(name, organization, format, recordSize, bucketSize, keys, globalBufferCount);
        }
    }
}
