package dev.locksmith.rms.access;

import java.util.Map;
import java.util.function.LongFunction;

/**
 * A node's bucket cache as one service sees it: where the service's bucket reads come from, and
 * who takes the bucket locks for its writes and writes them to storage. Given to
 * {@link BucketAccess#perform(String, boolean, BucketCache, java.util.function.Supplier)} by the
 * code that entered the service under the cache's locks ({@code dev.locksmith.rms.cache}).
 *
 * <p>Used by the one thread that runs the service. Errors are {@link dev.locksmith.rms.RmsException}s.
 */
public interface BucketCache {

    /**
     * The committed image of bucket {@code bucketId}, or null if there is none; {@code storage}
     * reads it from storage when the cached copy is missing or stale.
     */
    byte[] read(long bucketId, LongFunction<byte[]> storage);

    /**
     * Applies a changing service's {@code changes} (null images are removals) in the service's stead:
     * locks every bucket for writing, makes sure no reader sees part of a change of several, and
     * writes them to storage — at once, or later if the cache keeps them (then it answers reads of
     * them, and writes them before anyone else may read them from storage, in one atomic change
     * set with everything else it kept, so that storage always holds a prefix of the services).
     */
    void apply(Map<Long, byte[]> changes);
}
