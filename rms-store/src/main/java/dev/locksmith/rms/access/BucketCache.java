package dev.locksmith.rms.access;

import java.util.Map;
import java.util.function.LongFunction;

/**
 * A node's bucket cache as one service sees it: where the service's bucket reads come from, and
 * who takes the bucket locks for its writes and hears of them once they are in storage. Given to
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
     * Called before a changing service's {@code changes} (null images are removals) go to storage:
     * locks every bucket for writing, and makes sure no reader sees part of a change of several.
     */
    void beforeApply(Map<Long, byte[]> changes);

    /** Called once {@code changes} (null images are removals) are in storage. */
    void applied(Map<Long, byte[]> changes);
}
