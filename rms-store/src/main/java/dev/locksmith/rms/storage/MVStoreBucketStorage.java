package dev.locksmith.rms.storage;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;

/**
 * {@link BucketStorage} in one H2 MVStore file, buckets in the map {@code "buckets"}.
 *
 * <p>Atomicity: the store's own automatic commits (background thread and unsaved-memory trigger)
 * are switched off, so a version is written only by {@link #apply} or {@link #flush} — always
 * between two change sets, never inside one. MVStore writes each version as a whole chunk and on
 * reopen ignores a chunk that was not completely written, so a crash leaves a prefix of change sets.
 *
 * <p>Durability is grouped like RMS deferred write: {@code apply} commits a version when more than
 * {@code commitBytes} are unsaved or {@code commitIntervalMillis} passed since the last one;
 * {@link #flush} commits and syncs. Not thread-safe (see {@link BucketStorage}).
 */
public final class MVStoreBucketStorage implements BucketStorage {
    private static final Logger LOG = System.getLogger(MVStoreBucketStorage.class.getName());
    private static final String BUCKET_MAP = "buckets";

    private final MVStore store;
    private final MVMap<Long, byte[]> buckets;
    private final int commitBytes;
    private final long commitIntervalNanos;
    private long lastCommitNanos = System.nanoTime();

    private MVStoreBucketStorage(MVStore store, int commitBytes, long commitIntervalMillis) {
        this.store = store;
        this.buckets = store.openMap(BUCKET_MAP, new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
        this.commitBytes = commitBytes;
        this.commitIntervalNanos = commitIntervalMillis * 1_000_000L;
    }

    /**
     * Opens (creating if absent) the store file at {@code path}.
     *
     * @param cacheMegabytes       MVStore page cache size
     * @param commitIntervalMillis longest time an applied change set stays undurable while more arrive
     */
    public static MVStoreBucketStorage open(Path path, int cacheMegabytes, long commitIntervalMillis) {
        try {
            MVStore store = new MVStore.Builder()
                    .fileName(path.toString())
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .cacheSize(cacheMegabytes)
                    .open();
            return new MVStoreBucketStorage(store, 8 << 20, commitIntervalMillis);
        } catch (MVStoreException e) {
            throw new RmsException(RmsStatus.IO, "cannot open store file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(long bucketId) {
        try {
            return buckets.get(bucketId);
        } catch (MVStoreException e) {
            throw new RmsException(RmsStatus.IO, "reading bucket " + bucketId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(Map<Long, byte[]> changes) {
        try {
            for (Map.Entry<Long, byte[]> change : changes.entrySet()) {
                if (change.getValue() == null) {
                    buckets.remove(change.getKey());
                } else {
                    buckets.put(change.getKey(), change.getValue());
                }
            }
            long now = System.nanoTime();
            if (store.getUnsavedMemory() > commitBytes || now - lastCommitNanos > commitIntervalNanos) {
                store.commit();
                lastCommitNanos = now;
            }
        } catch (MVStoreException e) {
            // Part of the change set may be in memory: never let a later commit persist it.
            store.closeImmediately();
            throw new RmsException(RmsStatus.IO, "writing " + changes.size() + " bucket(s): " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        try {
            store.commit();
            store.sync();
            lastCommitNanos = System.nanoTime();
        } catch (MVStoreException e) {
            throw new RmsException(RmsStatus.IO, "flushing: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (store.isClosed()) {
            return;
        }
        try {
            store.commit();
            store.close();
        } catch (MVStoreException e) {
            LOG.log(Level.WARNING, "closing the store failed; the last changes may be lost", e);
            store.closeImmediately();
        }
    }
}
