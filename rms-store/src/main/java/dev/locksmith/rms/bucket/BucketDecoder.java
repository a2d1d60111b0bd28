package dev.locksmith.rms.bucket;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;

/**
 * Checks that bytes read from storage are a well-formed bucket before anything interprets them.
 *
 * <p>Stateless and thread-safe. Throws {@link RmsException} with status {@link RmsStatus#BUG} naming
 * the first field that is wrong; never any other exception, whatever the input.
 */
public final class BucketDecoder {

    private BucketDecoder() {
    }

    /**
     * Validates the whole image and wraps it.
     *
     * @param image    the stored bytes
     * @param bucketId the bucket's number, for messages
     * @return a view over {@code image} (not copied)
     */
    public static Bucket decode(byte[] image, long bucketId) {
        if (image == null) {
            throw damaged(bucketId, "image is missing");
        }
        int size = image.length;
        if (size < 512 || size > 63 * 512 || size % 512 != 0) {
            throw damaged(bucketId, "size " + size + " is not a whole number of 1..63 blocks");
        }
        checkHeader(image, bucketId);
        int kind = image[KIND_OFFSET] & 0xFF;
        int keyLength = Bucket.u16(image, KEY_LENGTH_OFFSET);
        int entries = Bucket.u16(image, ENTRY_COUNT_OFFSET);
        int rrvs = Bucket.u16(image, RRV_COUNT_OFFSET);
        int heapStart = Bucket.u16(image, HEAP_START_OFFSET);
        int live = 0;
        for (int i = 0; i < entries + rrvs; i++) {
            int offset = Bucket.u16(image, HEADER_SIZE + SLOT_SIZE * i);
            int length;
            if (i < entries) {
                if (offset < heapStart || offset + ENTRY_PREFIX > size) {
                    throw damaged(bucketId, "entry " + i + " offset " + offset + " is outside the heap");
                }
                length = ENTRY_PREFIX + keyLength + Bucket.u16(image, offset);
            } else {
                length = RRV_SIZE;
            }
            if (offset < heapStart || offset + length > size) {
                throw damaged(bucketId, "slot " + i + " at " + offset + " length " + length + " is outside the heap");
            }
            live += length;
        }
        int garbage = Bucket.u16(image, GARBAGE_OFFSET);
        if (heapStart + live + garbage != size) {
            throw damaged(bucketId, "heap accounting is off: start " + heapStart + " + live " + live
                    + " + garbage " + garbage + " != size " + size);
        }
        Bucket bucket = Bucket.wrap(image);
        if (kind != KIND_SEQUENTIAL) {
            for (int i = 1; i < entries; i++) {
                int previous = bucket.keyOffset(i - 1);
                int current = bucket.keyOffset(i);
                if (java.util.Arrays.compareUnsigned(image, previous, previous + keyLength, image, current, current + keyLength) >= 0) {
                    throw damaged(bucketId, "entry " + i + " is not in ascending key order");
                }
            }
        }
        int minimumPayload = switch (kind) {
            case KIND_INDEX -> CHILD_SIZE;
            case KIND_DATA, KIND_SIDR -> RFA_SIZE;
            default -> 0;
        };
        for (int i = 0; i < entries; i++) {
            int payload = bucket.payloadLength(i);
            if (payload < minimumPayload || (kind != KIND_DATA && minimumPayload > 0 && payload != minimumPayload)) {
                throw damaged(bucketId, "entry " + i + " payload length " + payload + " is wrong for kind " + kind);
            }
        }
        return bucket;
    }

    /**
     * The cheap check done on every read: size, kind, level and that the slot array and heap do
     * not overlap. Entries are bounds-checked as they are used.
     */
    public static Bucket decodeHeader(byte[] image, long bucketId, int bucketBytes) {
        if (image.length != bucketBytes) {
            throw damaged(bucketId, "size " + image.length + " is not the file's bucket size " + bucketBytes);
        }
        checkHeader(image, bucketId);
        return Bucket.wrap(image);
    }

    private static void checkHeader(byte[] image, long bucketId) {
        int size = image.length;
        int kind = image[KIND_OFFSET] & 0xFF;
        if (kind < KIND_INDEX || kind > KIND_RRV) {
            throw damaged(bucketId, "kind " + kind + " is unknown");
        }
        int level = image[LEVEL_OFFSET] & 0xFF;
        if (level > MAX_LEVEL || (level > 0 && kind != KIND_INDEX) || (level == 0 && kind == KIND_INDEX)) {
            throw damaged(bucketId, "level " + level + " is not valid for kind " + kind);
        }
        int entries = Bucket.u16(image, ENTRY_COUNT_OFFSET);
        int rrvs = Bucket.u16(image, RRV_COUNT_OFFSET);
        if (rrvs > 0 && kind != KIND_DATA && kind != KIND_RRV) {
            throw damaged(bucketId, rrvs + " RRVs in a bucket of kind " + kind);
        }
        if (entries > 0 && kind == KIND_RRV) {
            throw damaged(bucketId, entries + " entries in a retired (RRV-only) bucket");
        }
        int heapStart = Bucket.u16(image, HEAP_START_OFFSET);
        int slotsEnd = HEADER_SIZE + SLOT_SIZE * (entries + rrvs);
        if (slotsEnd > heapStart || heapStart > size) {
            throw damaged(bucketId, "slot array end " + slotsEnd + " and heap start " + heapStart + " overlap or exceed size " + size);
        }
    }

    private static RmsException damaged(long bucketId, String what) {
        return new RmsException(RmsStatus.BUG, "bucket " + bucketId + ": " + what);
    }
}
