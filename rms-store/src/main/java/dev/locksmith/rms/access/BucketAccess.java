package dev.locksmith.rms.access;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.bucket.BucketDecoder;
import dev.locksmith.rms.storage.BucketStorage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The one layer through which every service reads and writes buckets.
 *
 * <p>Each service runs inside {@link #perform}: its bucket writes and state changes collect in a
 * change set that is applied to storage in one atomic step when the service returns, and dropped if
 * it throws — so a failed service, whatever the cause, leaves the file as it was. Reads see the
 * service's own pending writes. Nothing else touches {@link BucketStorage} but the service's
 * {@link BucketCache}, which may keep a change set and write it later.
 *
 * <p>Thread-safe under the bucket-lock protocol of {@link dev.locksmith.rms.lock.FileLocks}: each
 * thread's service has its own change set and state copy (a service belongs to the thread that runs
 * it), reading services may run concurrently with each other, and the caller guarantees that a
 * changing service overlaps no other service (the EX tree lock) — except, under global
 * buffers, a change of one existing bucket's image, which reading services may overlap: they see
 * the bucket's old or new image, never part of one. Errors escape only as
 * {@link RmsException}: anything else thrown while interpreting buckets means a damaged file and is
 * reported as {@link RmsStatus#BUG}.
 */
public final class BucketAccess {
    private final BucketStorage storage;
    /** {@code storage::read}, made once: a cache is handed it on every read. */
    private final LongFunction<byte[]> storageRead;
    private final int bucketBytes;
    private final ThreadLocal<Service> current = new ThreadLocal<>();
    private volatile FileState committedState;

    /** One running service: its pending change set and its view of the state. */
    private static final class Service {
        /** The change set; a reading service has none to fill (every read looks here first). */
        final Map<Long, byte[]> pending;
        final boolean changes;
        /** The committed state when the service began. */
        final FileState committed;
        /** A changing service's own copy of {@link #committed}, made when first asked for (most updates never ask). */
        private FileState copy;
        final BucketCache cache;

        Service(boolean changes, FileState committed, BucketCache cache) {
            this.pending = changes ? new LinkedHashMap<>() : Map.of();
            this.changes = changes;
            this.committed = committed;
            this.cache = cache;
        }

        FileState state() {
            if (!changes) {
                return committed;
            }
            if (copy == null) {
                copy = committed.copy();
            }
            return copy;
        }

        /** Whether the service changed the state (only a copy it was given can have been). */
        boolean changedState() {
            return copy != null && !copy.equals(committed);
        }
    }

    public BucketAccess(BucketStorage storage, int bucketBytes, FileState state) {
        this.storage = storage;
        this.storageRead = storage::read;
        this.bucketBytes = bucketBytes;
        this.committedState = state;
    }

    /** Bucket size in bytes. */
    public int bucketBytes() {
        return bucketBytes;
    }

    /**
     * The file state as the current service sees it; changes are kept only if the service succeeds.
     * Outside a service, the committed state (do not change it).
     */
    public FileState state() {
        Service service = current.get();
        return service == null ? committedState : service.state();
    }

    /** Whether the calling thread is inside a service. */
    public boolean inService() {
        return current.get() != null;
    }

    /** Runs one changing service atomically; see {@link #perform(String, boolean, Supplier)}. */
    public <T> T perform(String operation, Supplier<T> service) {
        return perform(operation, true, service);
    }

    /**
     * Runs one service atomically; see the class comment. A nested call runs inside the enclosing
     * service.
     *
     * @param operation   names the service in messages about damaged files
     * @param changes   whether the service may write; a reading service that writes is a bug
     */
    public <T> T perform(String operation, boolean changes, Supplier<T> service) {
        return perform(operation, changes, null, service);
    }

    /**
     * Runs one service atomically as {@link #perform(String, boolean, Supplier)} does, reading
     * buckets through {@code cache} (a node's global buffers, or null to read storage directly)
     * and telling it of the buckets written. A nested call keeps the enclosing service's cache.
     */
    public <T> T perform(String operation, boolean changes, BucketCache cache, Supplier<T> service) {
        Service outer = current.get();
        if (outer != null) {
            if (changes && !outer.changes) {
                throw new IllegalStateException(operation + " changes the file inside a reading service");
            }
            return service.get();
        }
        Service running = new Service(changes, committedState, cache);
        current.set(running);
        try {
            T result = service.get();
            if (changes) {
                // The service that writes the prolog creates the file: its state must exist even when it
                // is still the initial one (an empty relative file changes none of it).
                if (running.changedState() || running.pending.containsKey(0L)) {
                    running.pending.put(FileState.BUCKET_ID, running.state().encode());
                }
                if (!running.pending.isEmpty()) {
                    if (cache != null) {
                        cache.apply(running.pending);
                    } else {
                        storage.apply(running.pending);
                    }
                    committedState = running.copy != null ? running.copy : running.committed;
                }
            }
            return result;
        } catch (RmsException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new RmsException(RmsStatus.BUG, operation + " met a damaged structure: " + e, e);
        } finally {
            current.set(null); // not remove(): the next service's get() would make the thread's entry anew
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

    /**
     * Whether {@code bucket} is bucket {@code bucketId}'s image as the current service sees it —
     * the very image, not an equal one (images are never changed in place, so it still says what
     * it said when it was read). Costs a cache look-up, no decoding.
     */
    public boolean isCurrent(long bucketId, Bucket bucket) {
        return imageOf(bucketId) == bucket.image();
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
        Service service = current.get();
        if (service != null && !service.pending.isEmpty() && service.pending.containsKey(bucketId)) {
            return service.pending.get(bucketId);
        }
        return service != null && service.cache != null ? service.cache.read(bucketId, storageRead) : storage.read(bucketId);
    }

    /** Writes {@code bucket} as part of the current service. */
    public void write(long bucketId, Bucket bucket) {
        requireService().pending.put(bucketId, bucket.image());
    }

    /** Writes the file prolog (bucket 0, the definition) as part of the current service. */
    public void writeProlog(byte[] prolog) {
        requireService().pending.put(0L, prolog);
    }

    /** Removes bucket {@code bucketId} as part of the current service. */
    public void remove(long bucketId) {
        requireService().pending.put(bucketId, null);
    }

    /** A new, unused bucket number. */
    public long allocate() {
        return requireService().state().allocateBucket();
    }

    /** Makes every completed service durable. */
    public void flush() {
        storage.flush();
    }

    private Service requireService() {
        Service service = current.get();
        if (service == null || !service.changes) {
            throw new IllegalStateException("bucket writes happen only inside a changing perform()");
        }
        return service;
    }
}
