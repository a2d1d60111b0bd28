package dev.locksmith.rms.org;

import static dev.locksmith.rms.bucket.BucketLayout.KIND_RELATIVE;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.bucket.BucketLayout;

/**
 * Relative files: numbered cells, each empty or holding one record. Cell {@code n} (from 1) lives in
 * bucket {@code 2 + (n-1) / cellsPerBucket}, where a bucket holds as many cells as fit at the
 * maximum record size; only occupied cells take space (keyed by the 4-byte record number), so a
 * delete leaves a hole and buckets never split. The RFA is the bucket and the cell's place in it.
 * Keyed access uses key of reference 0 with the record number as a 4-byte big-endian value. Not
 * thread-safe; see {@link FileOrganization}.
 */
public final class RelativeOrganization implements FileOrganization {
    /** Highest record number: the 4-byte key, and bucket numbers must stay below 2^32. */
    public static final long MAX_RECORD_NUMBER = Integer.MAX_VALUE;

    private final FileDefinition definition;
    private final BucketAccess access;
    private final int cellsPerBucket;

    public RelativeOrganization(FileDefinition definition, BucketAccess access) {
        this.definition = definition;
        this.access = access;
        this.cellsPerBucket = BucketLayout.capacity(access.bucketBytes())
                / BucketLayout.entrySpace(4, definition.recordSize());
        if (cellsPerBucket < 1) {
            throw new RmsException(RmsStatus.BKS, "BUCKET_SIZE " + definition.bucketSize() + " cannot hold one record of "
                    + definition.recordSize() + " bytes");
        }
    }

    public int cellsPerBucket() {
        return cellsPerBucket;
    }

    @Override
    public Located first(int keyOfReference) {
        requirePrimary(keyOfReference);
        return firstFrom(1);
    }

    @Override
    public Located seek(int keyOfReference, byte[] key, KeyMatch match) {
        requirePrimary(keyOfReference);
        long number = recordNumber(key);
        if (match == KeyMatch.EQ) {
            Bucket bucket = access.readIfPresent(bucketOf(number));
            int index = bucket == null ? -1 : indexOf(bucket, number);
            return index < 0 ? null : located(bucketOf(number), bucket, index);
        }
        return firstFrom(match == KeyMatch.GT ? number + 1 : number);
    }

    @Override
    public Located after(Located position) {
        return firstFrom(numberOf(position.orderKey()) + 1);
    }

    @Override
    public Located byRfa(Rfa rfa) {
        if (rfa.bucket() < FileState.FIRST_DATA_BUCKET || rfa.id() >= cellsPerBucket) {
            throw new RmsException(RmsStatus.RFA, "rfa " + rfa + " is not a cell of this file (" + cellsPerBucket
                    + " cells per bucket from bucket " + FileState.FIRST_DATA_BUCKET + ")");
        }
        long number = (rfa.bucket() - FileState.FIRST_DATA_BUCKET) * cellsPerBucket + rfa.id() + 1;
        Located found = number <= MAX_RECORD_NUMBER ? seek(0, key(number), KeyMatch.EQ) : null;
        if (found == null) {
            throw new RmsException(RmsStatus.RNF, "cell " + number + " at rfa " + rfa + " is empty");
        }
        return found;
    }

    /** Stores {@code record} in the cell after the highest one used so far. */
    @Override
    public Rfa put(byte[] record) {
        return put(access.state().highestRecordNumber() + 1, record);
    }

    /** Stores {@code record} in cell {@code number}; REX if the cell is occupied. */
    public Rfa put(long number, byte[] record) {
        checkNumber(number);
        definition.checkRecordSize(record);
        long bucketId = bucketOf(number);
        Bucket bucket = access.readIfPresent(bucketId);
        if (bucket == null) {
            bucket = Bucket.empty(KIND_RELATIVE, 0, 4, access.bucketBytes());
        }
        byte[] key = key(number);
        int index = bucket.lowerBound(key, 4);
        if (index < bucket.entryCount() && bucket.compareKey(index, key, 4) == 0) {
            throw new RmsException(RmsStatus.REX, "cell " + number + " already holds a record");
        }
        Bucket changed = bucket.withInserted(index, key, record);
        if (changed == null) {
            throw new RmsException(RmsStatus.BUG, "bucket " + bucketId + " has no room for cell " + number);
        }
        access.write(bucketId, changed);
        access.state().setHighestRecordNumber(Math.max(number, access.state().highestRecordNumber()));
        access.state().reserveThrough(bucketId);
        return new Rfa(bucketId, cellOf(number));
    }

    @Override
    public void update(Located current, byte[] record) {
        definition.checkRecordSize(record);
        Located now = requireCurrent(current);
        long bucketId = now.rfa().bucket();
        Bucket bucket = access.read(bucketId);
        Bucket changed = bucket.withPayload(indexOf(bucket, numberOf(now.orderKey())), record);
        if (changed == null) {
            throw new RmsException(RmsStatus.BUG, "bucket " + bucketId + " has no room to update cell " + numberOf(now.orderKey()));
        }
        access.write(bucketId, changed);
    }

    @Override
    public void delete(Located current) {
        Located now = requireCurrent(current);
        long bucketId = now.rfa().bucket();
        Bucket bucket = access.read(bucketId);
        access.write(bucketId, bucket.withRemoved(indexOf(bucket, numberOf(now.orderKey()))));
    }

    @Override
    public void truncate(Located current) {
        throw new RmsException(RmsStatus.ORG, "truncate is for sequential files; this file is relative");
    }

    private Located firstFrom(long number) {
        long highest = access.state().highestRecordNumber();
        long at = number;
        while (at <= highest) {
            long bucketId = bucketOf(at);
            Bucket bucket = access.readIfPresent(bucketId);
            if (bucket != null) {
                int index = bucket.lowerBound(key(at), 4);
                if (index < bucket.entryCount()) {
                    return located(bucketId, bucket, index);
                }
            }
            at = (bucketId - FileState.FIRST_DATA_BUCKET + 1) * cellsPerBucket + 1;
        }
        return null;
    }

    private Located located(long bucketId, Bucket bucket, int index) {
        byte[] key = bucket.key(index);
        return new Located(0, key, new Rfa(bucketId, cellOf(numberOf(key))), bucket.payload(index));
    }

    private Located requireCurrent(Located current) {
        if (current == null) {
            throw new RmsException(RmsStatus.CUR, "there is no current record: get one first");
        }
        Located now = seek(0, current.orderKey(), KeyMatch.EQ);
        if (now == null) {
            throw new RmsException(RmsStatus.CUR, "the current record, cell " + numberOf(current.orderKey())
                    + ", has been deleted");
        }
        return now;
    }

    private static int indexOf(Bucket bucket, long number) {
        byte[] key = key(number);
        int index = bucket.lowerBound(key, 4);
        return index < bucket.entryCount() && bucket.compareKey(index, key, 4) == 0 ? index : -1;
    }

    private long bucketOf(long number) {
        return FileState.FIRST_DATA_BUCKET + (number - 1) / cellsPerBucket;
    }

    private int cellOf(long number) {
        return (int) ((number - 1) % cellsPerBucket);
    }

    private static void checkNumber(long number) {
        if (number < 1 || number > MAX_RECORD_NUMBER) {
            throw new RmsException(RmsStatus.KEY, "record number " + number + " is not in 1.." + MAX_RECORD_NUMBER);
        }
    }

    /** The record number a {@link #key(long) key} holds; KEY if it is not one. */
    public static long recordNumber(byte[] key) {
        if (key == null || key.length != 4) {
            throw new RmsException(RmsStatus.KEY, "a relative key is the 4-byte record number; "
                    + (key == null ? "none" : key.length + " bytes") + " given");
        }
        long number = numberOf(key);
        checkNumber(number);
        return number;
    }

    /** The 4-byte big-endian key of record number {@code number}. */
    public static byte[] key(long number) {
        byte[] key = new byte[4];
        Bucket.putU32(key, 0, number);
        return key;
    }

    private static long numberOf(byte[] key) {
        return Bucket.u32(key, 0);
    }

    private static void requirePrimary(int keyOfReference) {
        if (keyOfReference != 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; relative files"
                    + " have only key 0, the record number");
        }
    }
}
