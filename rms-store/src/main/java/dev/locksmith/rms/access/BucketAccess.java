package dev.locksmith.rms.access;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.bucket.BucketDecoder;
import dev.locksmith.rms.storage.BucketStorage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one layer through which every service reads and writes buckets.
 *
 * <p>Each service runs inside {@link #perform}: its bucket writes and state changes collect in a
 * change set that is applied to storage in one atomic step when the service returns, and dropped if
 * it throws — so a failed service, whatever the cause, leaves the file as it was. Reads see the
 * service's own pending writes. This is also the place where bucket locks and the global bucket
 * cache will be taken when sharing arrives: nothing else touches {@link BucketStorage}.
 *
 * <p>Not thread-safe; {@link dev.locksmith.rms.RmsFile} serializes services. Errors escape only as
 * {@link RmsException}: anything else thrown while interpreting buckets means a damaged file and is
 * reported as {@link RmsStatus#BUG}.
 */
public final class BucketAccess {
    private final BucketStorage storage;
    private final int bucketBytes;
    private final Map<Long, byte[]> pending = new LinkedHashMap<>();
    private FileState committedState;
    private FileState state;
    private boolean inService;

    public BucketAccess(BucketStorage storage, int bucketBytes, FileState state) {
        this.storage = storage;
        this.bucketBytes = bucketBytes;
        this.committedState = state;
        this.state = state;
    }

    /** Bucket size in bytes. */
    public int bucketBytes() {
        return bucketBytes;
    }

    /** The file state as the current service sees it; changes are kept only if the service succeeds. */
    public FileState state() {
        return state;
    }

    /**
     * Runs one service atomically; see the class comment.
     *
     * @param operation names the service in messages about damaged files
     */
    public <T> T perform(String operation, Supplier<T> service) {
        if (inService) {
            return service.get();
        }
        inService = true;
        state = committedState.copy();
        try {
            T result = service.get();
            // The service that writes the prolog creates the file: its state must exist even when it
            // is still the initial one (an empty relative file changes none of it).
            if (!state.equals(committedState) || pending.containsKey(0L)) {
                pending.put(FileState.BUCKET_ID, state.encode());
            }
            if (!pending.isEmpty()) {
                storage.apply(pending);
            }
            committedState = state;
            return result;
        } catch (RmsException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new RmsException(RmsStatus.BUG, operation + " met a damaged structure: " + e, e);
        } finally {
            pending.clear();
            state = committedState;
            inService = false;
        }
    }

    /** Bucket {@code bucketId}; {@link RmsStatus#BUG} if it does not exist or is not a bucket. */
    public Bucket read(long bucketId) {
        Bucket bucket = readIfPresent(bucketId);
        if (bucket == null) {
            throw new RmsException(RmsStatus.BUG, "bucket " + bucketId + " is referenced but does not exist");
        }
        return bucket;
    }

    /** Bucket {@code bucketId}, or null if it was never written (relative files leave gaps). */
    public Bucket readIfPresent(long bucketId) {
        byte[] image = imageOf(bucketId);
        return image == null ? null : BucketDecoder.decodeHeader(image, bucketId, bucketBytes);
    }

    /** Bucket {@code bucketId}, fully validated (used by analysis). */
    public Bucket readValidated(long bucketId) {
        byte[] image = imageOf(bucketId);
        if (image == null) {
            throw new RmsException(RmsStatus.BUG, "bucket " + bucketId + " is referenced but does not exist");
        }
        if (image.length != bucketBytes) {
            throw new RmsException(RmsStatus.BUG, "bucket " + bucketId + " is " + image.length + " bytes, not " + bucketBytes);
        }
        return BucketDecoder.decode(image, bucketId);
    }

    private byte[] imageOf(long bucketId) {
        if (!pending.isEmpty() && pending.containsKey(bucketId)) {
            return pending.get(bucketId);
        }
        return storage.read(bucketId);
    }

    /** Writes {@code bucket} as part of the current service. */
    public void write(long bucketId, Bucket bucket) {
        requireService();
        pending.put(bucketId, bucket.image());
    }

    /** Writes the file prolog (bucket 0, the definition) as part of the current service. */
    public void writeProlog(byte[] prolog) {
        requireService();
        pending.put(0L, prolog);
    }

    /** Removes bucket {@code bucketId} as part of the current service. */
    public void remove(long bucketId) {
        requireService();
        pending.put(bucketId, null);
    }

    /** A new, unused bucket number. */
    public long allocate() {
        requireService();
        return state.allocateBucket();
    }

    /** Makes every completed service durable. */
    public void flush() {
        storage.flush();
    }

    private void requireService() {
        if (!inService) {
            throw new IllegalStateException("bucket writes happen only inside perform()");
        }
    }
}
