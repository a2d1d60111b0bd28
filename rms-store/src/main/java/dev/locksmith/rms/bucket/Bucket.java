package dev.locksmith.rms.bucket;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import java.util.Arrays;

/**
 * An immutable view of one bucket image in the {@link BucketLayout} format.
 *
 * <p>Reads never copy the image. Every change returns a new {@code Bucket} over a new image (the
 * old one may still be referenced by storage or by a reader), or {@code null} when the change does
 * not fit. Thread-safe because immutable. Methods assume an image that passed
 * {@link BucketDecoder#decode}; on a damaged image they may throw
 * {@link IndexOutOfBoundsException}, which the access layer reports as a damaged file.
 */
public final class Bucket {
    private final byte[] image;

    private Bucket(byte[] image) {
        this.image = image;
    }

    /** Wraps an image that is known to be well formed (written by this class). */
    static Bucket wrap(byte[] image) {
        return new Bucket(image);
    }

    /** A new empty bucket. */
    public static Bucket empty(int kind, int level, int keyLength, int bucketBytes) {
        byte[] image = new byte[bucketBytes];
        image[KIND_OFFSET] = (byte) kind;
        image[LEVEL_OFFSET] = (byte) level;
        putU16(image, KEY_LENGTH_OFFSET, keyLength);
        putU16(image, HEAP_START_OFFSET, bucketBytes);
        return new Bucket(image);
    }

    /** The image; callers must not modify it. */
    public byte[] image() {
        return image;
    }

    public int size() { return image.length; }
    public int kind() { return image[KIND_OFFSET] & 0xFF; }
    public int level() { return image[LEVEL_OFFSET] & 0xFF; }
    public boolean isLeaf() { return level() == 0; }
    public int keyLength() { return u16(image, KEY_LENGTH_OFFSET); }
    public int entryCount() { return u16(image, ENTRY_COUNT_OFFSET); }
    public int rrvCount() { return u16(image, RRV_COUNT_OFFSET); }
    public long nextBucket() { return u32(image, NEXT_BUCKET_OFFSET); }
    public long nextRecordId() { return u32(image, NEXT_RECORD_ID_OFFSET); }
    int heapStart() { return u16(image, HEAP_START_OFFSET); }
    int garbage() { return u16(image, GARBAGE_OFFSET); }

    /** Bytes still free, counting what a compaction would reclaim. */
    public int freeSpace() {
        return heapStart() - HEADER_SIZE - SLOT_SIZE * (entryCount() + rrvCount()) + garbage();
    }

    /** Bytes in use by slots, entries and RRVs. */
    public int usedSpace() {
        return capacity(image.length) - freeSpace();
    }

    int slot(int index) {
        return u16(image, HEADER_SIZE + SLOT_SIZE * index);
    }

    /** Offset of entry {@code index}'s key in {@link #image()}. */
    public int keyOffset(int index) {
        return slot(index) + ENTRY_PREFIX;
    }

    public int payloadLength(int index) {
        return u16(image, slot(index));
    }

    /** Offset of entry {@code index}'s payload in {@link #image()}. */
    public int payloadOffset(int index) {
        return keyOffset(index) + keyLength();
    }

    public byte[] key(int index) {
        int offset = keyOffset(index);
        return Arrays.copyOfRange(image, offset, offset + keyLength());
    }

    public byte[] payload(int index) {
        int offset = payloadOffset(index);
        return Arrays.copyOfRange(image, offset, offset + payloadLength(index));
    }

    /** The 4-byte unsigned number at {@code delta} bytes into entry {@code index}'s payload. */
    public long payloadU32(int index, int delta) {
        return u32(image, payloadOffset(index) + delta);
    }

    /** Compares the first {@code length} bytes of entry {@code index}'s key with {@code key[0..length)}. */
    public int compareKey(int index, byte[] key, int length) {
        int offset = keyOffset(index);
        return Arrays.compareUnsigned(image, offset, offset + length, key, 0, length);
    }

    /** Index of the first entry whose key prefix of {@code length} bytes is ≥ {@code key}; entryCount if none. */
    public int lowerBound(byte[] key, int length) {
        int low = 0;
        int high = entryCount();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compareKey(middle, key, length) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Index of the first entry whose key prefix of {@code length} bytes is > {@code key}; entryCount if none. */
    public int upperBound(byte[] key, int length) {
        int low = 0;
        int high = entryCount();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compareKey(middle, key, length) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Record id of RRV {@code index} (0-based among RRVs). */
    public long rrvRecordId(int index) {
        return u32(image, slot(entryCount() + index));
    }

    /** Bucket that RRV {@code index} points to. */
    public long rrvTarget(int index) {
        return u32(image, slot(entryCount() + index) + RRV_TARGET_OFFSET);
    }

    /** Index among RRVs of the one for {@code recordId}, or -1. */
    public int findRrv(long recordId) {
        for (int i = 0; i < rrvCount(); i++) {
            if (rrvRecordId(i) == recordId) {
                return i;
            }
        }
        return -1;
    }

    // ---- changes: each returns a new bucket, or null when it does not fit ----

    /** With a new entry at {@code index} (shifting later entries), or null if no room. */
    public Bucket withInserted(int index, byte[] key, byte[] payload) {
        int entryBytes = ENTRY_PREFIX + key.length + payload.length;
        if (freeSpace() < entryBytes + SLOT_SIZE) {
            return null;
        }
        byte[] copy = compactedIfNeeded(entryBytes + SLOT_SIZE);
        int total = u16(copy, ENTRY_COUNT_OFFSET) + u16(copy, RRV_COUNT_OFFSET);
        int slotAt = HEADER_SIZE + SLOT_SIZE * index;
        System.arraycopy(copy, slotAt, copy, slotAt + SLOT_SIZE, SLOT_SIZE * (total - index));
        int offset = writeEntry(copy, key, payload);
        putU16(copy, slotAt, offset);
        putU16(copy, ENTRY_COUNT_OFFSET, u16(copy, ENTRY_COUNT_OFFSET) + 1);
        return new Bucket(copy);
    }

    /** With entry {@code index}'s payload replaced, or null if no room. */
    public Bucket withPayload(int index, byte[] payload) {
        if (payload.length == payloadLength(index)) {
            // The common case (fixed-length records): overwrite in one copy, no heap movement.
            byte[] copy = image.clone();
            System.arraycopy(payload, 0, copy, payloadOffset(index), payload.length);
            return new Bucket(copy);
        }
        return withRemoved(index).withInserted(index, key(index), payload);
    }

    /** Without entry {@code index}. Always fits. */
    public Bucket withRemoved(int index) {
        byte[] copy = image.clone();
        int entryBytes = ENTRY_PREFIX + keyLength() + payloadLength(index);
        removeSlot(copy, index);
        putU16(copy, ENTRY_COUNT_OFFSET, entryCount() - 1);
        putU16(copy, GARBAGE_OFFSET, garbage() + entryBytes);
        return new Bucket(copy);
    }

    /** With the RRV for {@code recordId} pointing at {@code target} (added or changed), or null if no room. */
    public Bucket withRrv(long recordId, long target) {
        int existing = findRrv(recordId);
        if (existing >= 0) {
            byte[] copy = image.clone();
            putU32(copy, slot(entryCount() + existing) + RRV_TARGET_OFFSET, target);
            return new Bucket(copy);
        }
        if (freeSpace() < RRV_SIZE + SLOT_SIZE) {
            return null;
        }
        byte[] copy = compactedIfNeeded(RRV_SIZE + SLOT_SIZE);
        int total = u16(copy, ENTRY_COUNT_OFFSET) + u16(copy, RRV_COUNT_OFFSET);
        int offset = u16(copy, HEAP_START_OFFSET) - RRV_SIZE;
        putU32(copy, offset, recordId);
        putU32(copy, offset + RRV_TARGET_OFFSET, target);
        putU16(copy, HEAP_START_OFFSET, offset);
        putU16(copy, HEADER_SIZE + SLOT_SIZE * total, offset);
        putU16(copy, RRV_COUNT_OFFSET, u16(copy, RRV_COUNT_OFFSET) + 1);
        return new Bucket(copy);
    }

    /** Without the RRV for {@code recordId} (unchanged if there is none). */
    public Bucket withoutRrv(long recordId) {
        int existing = findRrv(recordId);
        if (existing < 0) {
            return this;
        }
        byte[] copy = image.clone();
        removeSlot(copy, entryCount() + existing);
        putU16(copy, RRV_COUNT_OFFSET, rrvCount() - 1);
        putU16(copy, GARBAGE_OFFSET, garbage() + RRV_SIZE);
        return new Bucket(copy);
    }

    public Bucket withNextBucket(long next) {
        byte[] copy = image.clone();
        putU32(copy, NEXT_BUCKET_OFFSET, next);
        return new Bucket(copy);
    }

    public Bucket withNextRecordId(long next) {
        byte[] copy = image.clone();
        putU32(copy, NEXT_RECORD_ID_OFFSET, next);
        return new Bucket(copy);
    }

    /**
     * A bucket of the same kind, level and key length holding entries {@code from..to} of this one
     * and no RRVs; used by splits. The caller makes sure they fit.
     */
    public Bucket sliceOf(int from, int to) {
        Builder builder = new Builder(kind(), level(), keyLength(), image.length);
        for (int i = from; i < to; i++) {
            builder.addEntryFrom(this, i);
        }
        return builder.build();
    }

    private void removeSlot(byte[] copy, int index) {
        int total = entryCount() + rrvCount();
        int slotAt = HEADER_SIZE + SLOT_SIZE * index;
        System.arraycopy(copy, slotAt + SLOT_SIZE, copy, slotAt, SLOT_SIZE * (total - index - 1));
        putU16(copy, HEADER_SIZE + SLOT_SIZE * (total - 1), 0);
    }

    /** A copy with at least {@code needed} contiguous free bytes, compacting the heap if necessary. */
    private byte[] compactedIfNeeded(int needed) {
        int contiguous = heapStart() - HEADER_SIZE - SLOT_SIZE * (entryCount() + rrvCount());
        if (contiguous >= needed) {
            return image.clone();
        }
        Builder builder = new Builder(kind(), level(), keyLength(), image.length);
        for (int i = 0; i < entryCount(); i++) {
            builder.addEntryFrom(this, i);
        }
        for (int i = 0; i < rrvCount(); i++) {
            builder.addRrv(rrvRecordId(i), rrvTarget(i));
        }
        byte[] compacted = builder.build().image;
        System.arraycopy(image, NEXT_BUCKET_OFFSET, compacted, NEXT_BUCKET_OFFSET, 8);
        return compacted;
    }

    private static int writeEntry(byte[] copy, byte[] key, byte[] payload) {
        int offset = u16(copy, HEAP_START_OFFSET) - ENTRY_PREFIX - key.length - payload.length;
        putU16(copy, offset, payload.length);
        System.arraycopy(key, 0, copy, offset + ENTRY_PREFIX, key.length);
        System.arraycopy(payload, 0, copy, offset + ENTRY_PREFIX + key.length, payload.length);
        putU16(copy, HEAP_START_OFFSET, offset);
        return offset;
    }

    /**
     * Builds a bucket by appending entries in key order, then RRVs. Not thread-safe. Appending
     * more than fits throws {@link IllegalStateException}: callers size their content first.
     */
    public static final class Builder {
        private final byte[] image;
        private int entries;
        private int rrvs;

        public Builder(int kind, int level, int keyLength, int bucketBytes) {
            this.image = Bucket.empty(kind, level, keyLength, bucketBytes).image;
        }

        private int contiguousFree() {
            return u16(image, HEAP_START_OFFSET) - HEADER_SIZE - SLOT_SIZE * (entries + rrvs);
        }

        public boolean fits(int keyLength, int payloadLength) {
            return contiguousFree() >= ENTRY_PREFIX + keyLength + payloadLength + SLOT_SIZE;
        }

        public Builder addEntry(byte[] key, byte[] payload) {
            if (rrvs > 0) {
                throw new IllegalStateException("entries must be added before RRVs");
            }
            if (!fits(key.length, payload.length)) {
                throw new IllegalStateException("entry does not fit");
            }
            int offset = writeEntry(image, key, payload);
            putU16(image, HEADER_SIZE + SLOT_SIZE * entries, offset);
            entries++;
            putU16(image, ENTRY_COUNT_OFFSET, entries);
            return this;
        }

        public Builder addEntryFrom(Bucket source, int index) {
            int start = source.slot(index);
            int length = ENTRY_PREFIX + source.keyLength() + source.payloadLength(index);
            if (contiguousFree() < length + SLOT_SIZE) {
                throw new IllegalStateException("entry does not fit");
            }
            int offset = u16(image, HEAP_START_OFFSET) - length;
            System.arraycopy(source.image, start, image, offset, length);
            putU16(image, HEAP_START_OFFSET, offset);
            putU16(image, HEADER_SIZE + SLOT_SIZE * entries, offset);
            entries++;
            putU16(image, ENTRY_COUNT_OFFSET, entries);
            return this;
        }

        public Builder addRrv(long recordId, long target) {
            if (contiguousFree() < RRV_SIZE + SLOT_SIZE) {
                throw new IllegalStateException("RRV does not fit");
            }
            int offset = u16(image, HEAP_START_OFFSET) - RRV_SIZE;
            putU32(image, offset, recordId);
            putU32(image, offset + RRV_TARGET_OFFSET, target);
            putU16(image, HEAP_START_OFFSET, offset);
            putU16(image, HEADER_SIZE + SLOT_SIZE * (entries + rrvs), offset);
            rrvs++;
            putU16(image, RRV_COUNT_OFFSET, rrvs);
            return this;
        }

        public Builder nextBucket(long next) {
            putU32(image, NEXT_BUCKET_OFFSET, next);
            return this;
        }

        public Builder nextRecordId(long next) {
            putU32(image, NEXT_RECORD_ID_OFFSET, next);
            return this;
        }

        public Bucket build() {
            return new Bucket(image.clone());
        }
    }

    static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    static void putU16(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 8);
        bytes[offset + 1] = (byte) value;
    }

    public static long u32(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16)
                | ((bytes[offset + 2] & 0xFFL) << 8) | (bytes[offset + 3] & 0xFFL);
    }

    public static void putU32(byte[] bytes, int offset, long value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }
}
