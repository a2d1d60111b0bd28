package dev.locksmith.rms.access;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The mutable counters of a file, stored in bucket {@value #BUCKET_ID}: the root bucket of each
 * key, the bucket allocation counter, the duplicate-key sequence, the chain of a sequential file
 * the highest record number of a relative file, and the sequence number of the last store
 * transaction applied to the file (so a store's recovery knows which journaled transactions the
 * file already holds).
 *
 * <p>Mutable and not thread-safe: the {@link BucketAccess} owns one and copies it for each service
 * so a failed service leaves it untouched.
 */
public final class FileState {
    /** Bucket holding the state; bucket 0 holds the file definition. */
    public static final long BUCKET_ID = 1;
    /** First bucket number that holds records or index entries. */
    public static final long FIRST_DATA_BUCKET = 2;
    private static final int MAGIC = 0x524D5331; // "RMS1"

    private final long[] roots;
    private long nextBucket = FIRST_DATA_BUCKET;
    private long duplicateSequence;
    private long firstBucket;
    private long lastBucket;
    private long highestRecordNumber;
    private long appliedTransaction;

    public FileState(int keyCount) {
        this.roots = new long[keyCount];
    }

    private FileState(FileState other) {
        this.roots = other.roots.clone();
        this.nextBucket = other.nextBucket;
        this.duplicateSequence = other.duplicateSequence;
        this.firstBucket = other.firstBucket;
        this.lastBucket = other.lastBucket;
        this.highestRecordNumber = other.highestRecordNumber;
        this.appliedTransaction = other.appliedTransaction;
    }

    public FileState copy() {
        return new FileState(this);
    }

    public long root(int key) { return roots[key]; }
    public void setRoot(int key, long bucket) { roots[key] = bucket; }
    public long firstBucket() { return firstBucket; }
    public void setFirstBucket(long bucket) { firstBucket = bucket; }
    public long lastBucket() { return lastBucket; }
    public void setLastBucket(long bucket) { lastBucket = bucket; }
    public long highestRecordNumber() { return highestRecordNumber; }
    public void setHighestRecordNumber(long number) { highestRecordNumber = number; }
    public long nextBucket() { return nextBucket; }
    /** Commit sequence number of the last store transaction applied to this file; 0 if none. */
    public long appliedTransaction() { return appliedTransaction; }
    public void setAppliedTransaction(long sequence) { appliedTransaction = sequence; }

    /** Takes the next unused bucket number. */
    public long allocateBucket() {
        if (nextBucket >= 0xFFFF_FFFFL) {
            throw new RmsException(RmsStatus.IO, "the file has used all 2^32 bucket numbers");
        }
        return nextBucket++;
    }

    /** Moves the allocation counter past {@code bucket} (relative files number buckets themselves). */
    public void reserveThrough(long bucket) {
        nextBucket = Math.max(nextBucket, bucket + 1);
    }

    /** Takes the next duplicate sequence number; it orders records with equal keys by insertion. */
    public long nextDuplicateSequence() {
        return duplicateSequence++;
    }

    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 + 8 * roots.length + 8 * 6);
        buffer.putInt(MAGIC).putInt(roots.length);
        for (long root : roots) {
            buffer.putLong(root);
        }
        buffer.putLong(nextBucket).putLong(duplicateSequence).putLong(firstBucket).putLong(lastBucket)
                .putLong(highestRecordNumber).putLong(appliedTransaction);
        return buffer.array();
    }

    /** Reads a state written by {@link #encode()}; {@link RmsStatus#BUG} if it is not one. */
    public static FileState decode(byte[] bytes, int keyCount) {
        if (bytes == null) {
            throw new RmsException(RmsStatus.BUG, "file state bucket is missing");
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (buffer.getInt() != MAGIC || buffer.getInt() != keyCount) {
                throw new RmsException(RmsStatus.BUG, "file state bucket has a wrong header");
            }
            FileState state = new FileState(keyCount);
            for (int i = 0; i < keyCount; i++) {
                state.roots[i] = buffer.getLong();
            }
            state.nextBucket = buffer.getLong();
            state.duplicateSequence = buffer.getLong();
            state.firstBucket = buffer.getLong();
            state.lastBucket = buffer.getLong();
            state.highestRecordNumber = buffer.getLong();
            // Files written before store transactions existed end here.
            state.appliedTransaction = buffer.remaining() >= 8 ? buffer.getLong() : 0;
            return state;
        } catch (BufferUnderflowException e) {
            throw new RmsException(RmsStatus.BUG, "file state bucket is truncated (" + bytes.length + " bytes)", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileState state && Arrays.equals(roots, state.roots) && nextBucket == state.nextBucket
                && duplicateSequence == state.duplicateSequence && firstBucket == state.firstBucket
                && lastBucket == state.lastBucket && highestRecordNumber == state.highestRecordNumber
                && appliedTransaction == state.appliedTransaction;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(roots) * 31 + Long.hashCode(nextBucket + duplicateSequence + lastBucket + highestRecordNumber);
    }
}
