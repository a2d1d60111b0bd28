package dev.locksmith.rms.storage;

import java.util.Map;

/**
 * Where bucket images persist: a map from bucket number to bytes, changed only in whole change
 * sets. This is the narrow seam behind which a shared (cluster) store can later sit.
 *
 * <p>Contract: {@link #apply} is atomic with respect to crashes — after a crash the storage holds
 * the state after some prefix of the applied change sets, never part of one. It need not be
 * durable when it returns; {@link #flush} makes everything applied so far durable. Concurrency: the
 * record store may call {@link #read} from several threads at once, {@link #flush} at any time, and
 * {@link #apply} from several threads (global buffers write back beside another node's service):
 * the storage serializes applies. It never overlaps an apply with a read of a bucket the apply
 * writes unless the change set is one bucket's new image (global buffers), whose single write must
 * then replace the image atomically for readers (its bucket locks see to the rest).
 * Failures are reported as {@link dev.locksmith.rms.RmsException} with status IO.
 */
public interface BucketStorage extends AutoCloseable {

    /** The image of bucket {@code bucketId}, or {@code null} if it was never written or was removed. Do not modify it. */
    byte[] read(long bucketId);

    /** Writes every image in {@code changes} (a {@code null} value removes the bucket) as one atomic change. */
    void apply(Map<Long, byte[]> changes);

    /** Makes every change applied so far durable. Blocks until the data is on disk. */
    void flush();

    /** Flushes and releases the storage. Idempotent. */
    @Override
    void close();
}
