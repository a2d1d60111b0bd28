package dev.locksmith.rms.bucket;

/**
 * The binary format of a bucket: every offset and size lives here and nowhere else.
 *
 * <p>A bucket is {@code blocks × 512} bytes, a slotted page: a fixed header, then a slot array
 * growing up, then free space, then the entry heap growing down from the end. All integers are
 * big-endian and unsigned.
 *
 * <pre>
 *  0        1        2        3        4        5        6        7
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * |  kind  | level  |   key length    |  entry count    |   RRV count     |
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * |   heap start    |  garbage bytes  |       next bucket (0 = none)      |
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * |       next record id (RFA ids)    | slot 0 | ...     slot n-1 (u16 each)
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 * |  ... free ...                 heap start → | entries and RRVs ... end |
 * +--------+--------+--------+--------+--------+--------+--------+--------+
 *
 * entry (slots 0 .. entry count-1, sorted by key):
 * +-----------------+---------------------------+-------------------------+
 * | payload length  |  key (key length bytes)   |  payload                |
 * +-----------------+---------------------------+-------------------------+
 *
 * RRV (slots entry count .. entry count+RRV count-1; forwarding pointers of indexed
 * data and RRV buckets, for records whose home is this bucket but which a split moved away):
 * +-----------------------------------+-----------------------------------+
 * |  record id                        |  bucket now holding the record    |
 * +-----------------------------------+-----------------------------------+
 * </pre>
 *
 * <p>Payloads by kind: {@link #KIND_INDEX} holds a 4-byte child bucket; {@link #KIND_DATA}
 * holds the record's RFA (4-byte home bucket, 4-byte id) then the record;
 * {@link #KIND_SIDR} holds the primary record's RFA; {@link #KIND_SEQUENTIAL} and
 * {@link #KIND_RELATIVE} hold the record (relative keys are the 4-byte record number).
 * {@link #KIND_RRV} holds no entries, only RRVs (see below). "Garbage bytes" counts heap bytes of
 * removed entries and RRVs, reclaimed by compaction.
 *
 * <h2>RRVs and their space</h2>
 * <p>A record's RFA names its home bucket (where it was stored) and an id unique in that bucket. A
 * split of an indexed data bucket that moves records homed there to a new bucket leaves one RRV per
 * moved record in the home bucket, naming the bucket that now holds it; later splits that move the
 * record again rewrite that RRV in place (records only ever move right, so never back home). Every
 * RFA therefore resolves in at most two bucket reads, and it stays valid for as long as its record
 * lives. RRV space is reclaimed in three ways:
 * <ul>
 *   <li>Deleting a moved record removes its RRV from its home bucket.
 *   <li>A split accounts for RRV space: the part that stays in the home bucket must hold the home
 *       bucket's RRVs, old and new. When no two-way split leaves room for them, or the RRVs would
 *       take more than half the bucket (so that later splits could shed only a few entries at a
 *       time, into nearly empty buckets), every entry moves out to one or two new data buckets (each record
 *       leaving an RRV, 10 bytes in place of an entry of at least 13, so this always fits) and the
 *       home bucket is <em>retired</em>: it is rewritten as a {@link #KIND_RRV} bucket, the index
 *       entry and the left sibling's chain link that named it now name the first new bucket, and it
 *       is reachable only through the RFAs that name it. So an insert never fails for lack of room
 *       for RRVs, and a retired bucket takes no part in key ranges, searches or later splits.
 *   <li>When the last RRV of a retired bucket goes (its last moved record is deleted) the bucket
 *       itself is freed. Bucket numbers are never reused, so an RFA into a freed bucket is
 *       reported as a deleted record (RNF), never as someone else's record.
 * </ul>
 * Rewriting the file (a load into a new file, like RMS CONVERT) packs the data anew with no RRVs
 * and new RFAs; RMS itself keeps RRVs until such a CONVERT.
 *
 * <p>Constants only; not instantiable.
 */
public final class BucketLayout {
    public static final int KIND_INDEX = 1;
    public static final int KIND_DATA = 2;
    public static final int KIND_SIDR = 3;
    public static final int KIND_SEQUENTIAL = 4;
    public static final int KIND_RELATIVE = 5;
    /** A retired indexed data bucket: no entries, only the RRVs of records it was home to. */
    public static final int KIND_RRV = 6;

    public static final int KIND_OFFSET = 0;
    public static final int LEVEL_OFFSET = 1;
    public static final int KEY_LENGTH_OFFSET = 2;
    public static final int ENTRY_COUNT_OFFSET = 4;
    public static final int RRV_COUNT_OFFSET = 6;
    public static final int HEAP_START_OFFSET = 8;
    public static final int GARBAGE_OFFSET = 10;
    public static final int NEXT_BUCKET_OFFSET = 12;
    public static final int NEXT_RECORD_ID_OFFSET = 16;
    public static final int HEADER_SIZE = 20;

    public static final int SLOT_SIZE = 2;
    /** Bytes before the key in an entry: the payload length. */
    public static final int ENTRY_PREFIX = 2;
    public static final int RRV_SIZE = 8;
    public static final int RRV_TARGET_OFFSET = 4;

    /** Size of a child pointer in an index entry payload. */
    public static final int CHILD_SIZE = 4;
    /** Size of an RFA in a data or SIDR entry payload: home bucket then id. */
    public static final int RFA_SIZE = 8;
    public static final int RFA_ID_OFFSET = 4;

    /** Highest level a B-tree may reach; deeper trees cannot be built from 512-byte buckets. */
    public static final int MAX_LEVEL = 32;

    private BucketLayout() {
    }

    /** Bytes an entry with this key length and payload takes, slot included. */
    public static int entrySpace(int keyLength, int payloadLength) {
        return SLOT_SIZE + ENTRY_PREFIX + keyLength + payloadLength;
    }

    /** Bytes an RRV takes, slot included. */
    public static int rrvSpace() {
        return SLOT_SIZE + RRV_SIZE;
    }

    /** Bytes available for slots and heap in a bucket of this size. */
    public static int capacity(int bucketBytes) {
        return bucketBytes - HEADER_SIZE;
    }
}
