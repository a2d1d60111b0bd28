package dev.locksmith.rms.storage;

import dev.locksmith.rms.Durability;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;

/**
 * {@link BucketStorage} in one H2 MVStore file, buckets in the map {@code "buckets"}.
 *
 * <p>Commits are MVStore's own: its background thread writes a new version every
 * {@code commitIntervalMillis}, and a writer commits in line when much is unsaved — as H2 itself
 * runs. A version may therefore be cut between two puts of one change set. Atomicity comes from
 * the map being a single MVMap, whose every committed version is a prefix of the puts made to it:
 * a change set of one bucket is one put; a larger one is first written whole as a redo record
 * (under a reserved negative key), then bucket by bucket, then the record is removed. Opening a
 * store that holds a redo record applies it again. So after a crash the buckets reflect a prefix
 * of the change sets, never part of one. {@link #flush} commits and syncs. With
 * {@link Durability#COMMIT} every {@link #apply} also commits before it returns, and with
 * {@link Durability#SYNC} it commits and syncs, so the change set is durable on return (against a
 * process crash, or also an OS crash). Thread-safe as {@link BucketStorage} asks: MVStore's maps
 * take concurrent reads and commits.
 */
public final class MVStoreBucketStorage implements BucketStorage {
    private static final Logger LOG = System.getLogger(MVStoreBucketStorage.class.getName());
    private static final String BUCKET_MAP = "buckets";

    /** Key of the redo record of a multi-bucket change set; bucket numbers are never negative. */
    private static final long REDO_KEY = -1;

    /** How every MVStore file (format 2 and 3) begins: its header block's first field. */
    private static final byte[] STORE_HEADER = "H:2,".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Unsaved data at which a writer commits in line. Buckets are kilobytes where SQL rows are
     * bytes, so the 1 MB MVStore default would make writers commit every few hundred services.
     */
    private static final int AUTO_COMMIT_KILOBYTES = 16 * 1024;

    private final MVStore store;
    private final MVMap<Long, byte[]> buckets;
    private final Durability durability;

    private MVStoreBucketStorage(MVStore store, Durability durability) {
        this.store = store;
        this.durability = durability;
        this.buckets = store.openMap(BUCKET_MAP, new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
        byte[] redo = buckets.get(REDO_KEY);
        if (redo != null) {
            LOG.log(Level.INFO, "completing a change set interrupted by a crash");
            write(ChangeJournal.decode(redo));
            buckets.remove(REDO_KEY);
            store.commit();
        }
    }

    /**
     * Opens (creating if absent) the store file at {@code path}.
     *
     * @param cacheMegabytes       MVStore page cache size
     * @param commitIntervalMillis longest time an applied change set stays undurable while more arrive
     */
    public static MVStoreBucketStorage open(Path path, int cacheMegabytes, long commitIntervalMillis) {
        return open(path, cacheMegabytes, commitIntervalMillis, Durability.DEFERRED);
    }

    /**
     * Opens (creating if absent) the store file at {@code path}.
     *
     * @param durability when {@link #apply} makes its change set durable
     */
    public static MVStoreBucketStorage open(Path path, int cacheMegabytes, long commitIntervalMillis, Durability durability) {
        Path directory = path.toAbsolutePath().getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new RmsException(RmsStatus.DNF, "directory " + directory + " of file " + path + " does not exist");
        }
        try {
            MVStore store = new MVStore.Builder()
                    .fileName(path.toString())
                    .cacheSize(cacheMegabytes)
                    .autoCommitBufferSize(AUTO_COMMIT_KILOBYTES)
                    .open();
            store.setAutoCommitDelay((int) Math.max(1, Math.min(Integer.MAX_VALUE, commitIntervalMillis)));
            try {
                return new MVStoreBucketStorage(store, durability);
            } catch (RuntimeException e) {
                store.closeImmediately();
                throw e;
            }
        } catch (MVStoreException | IllegalArgumentException | IllegalStateException e) {
            throw new RmsException(RmsStatus.IO, "cannot open store file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, without opening or changing it, a file that does not start with an MVStore header
     * (MVStore would take an empty file for a new store and write one into it).
     *
     * @throws RmsException {@link RmsStatus#IFA} if {@code path} is not a store file,
     *                      {@link RmsStatus#IO} if it cannot be read
     */
    public static void requireStoreFile(Path path) {
        byte[] start = new byte[STORE_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(start, 0, start.length);
        } catch (IOException e) {
            throw new RmsException(RmsStatus.IO, "cannot read file " + path + ": " + e, e);
        }
        if (read < start.length || !Arrays.equals(start, STORE_HEADER)) {
            throw new RmsException(RmsStatus.IFA, "file " + path + " is not an RMS file ("
                    + (read == 0 ? "it is empty" : "it does not start with a store header") + ")");
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

    /** Synchronized: global buffers write back beside another node's service, and a redo record is one per store. */
    @Override
    public synchronized void apply(Map<Long, byte[]> changes) {
        try {
            if (changes.size() == 1) {
                write(changes);
            } else {
                buckets.put(REDO_KEY, ChangeJournal.encode(changes));
                write(changes);
                buckets.remove(REDO_KEY);
            }
            if (durability != Durability.DEFERRED) {
                store.commit();
                if (durability == Durability.SYNC) {
                    store.sync();
                }
            }
        } catch (MVStoreException e) {
            // Part of the change set may be in memory: never let a later commit persist it.
            store.closeImmediately();
            throw new RmsException(RmsStatus.IO, "writing " + changes.size() + " bucket(s): " + e.getMessage(), e);
        }
    }

    private void write(Map<Long, byte[]> changes) {
        for (Map.Entry<Long, byte[]> change : changes.entrySet()) {
            if (change.getValue() == null) {
                buckets.remove(change.getKey());
            } else {
                buckets.put(change.getKey(), change.getValue());
            }
        }
    }

    @Override
    public void flush() {
        try {
            store.commit();
            store.sync();
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
