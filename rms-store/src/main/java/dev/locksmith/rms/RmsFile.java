package dev.locksmith.rms;

import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.fdl.FdlParser;
import dev.locksmith.rms.fdl.FdlWriter;
import dev.locksmith.rms.org.FileOrganization;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.RelativeOrganization;
import dev.locksmith.rms.org.SequentialOrganization;
import dev.locksmith.rms.storage.BucketStorage;
import dev.locksmith.rms.storage.MVStoreBucketStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * An open RMS file: its definition, its buckets in an MVStore file, and the streams
 * ({@link #stream()}) through which records are read and written.
 *
 * <p>Thread-safe: services of all streams of one file are serialized by the file (a service blocks
 * while another runs). Each service is atomic: after a crash it is in the file entirely or not at
 * all, and the services present are a prefix of those completed. When a completed service becomes
 * durable is the file's {@link Durability}, set in the {@link Options} it is created or opened with:
 * by default ({@link Durability#DEFERRED}) within {@link Options#commitIntervalMillis()}, on
 * {@link #flush()} or on {@link #close()}; with {@link Durability#COMMIT} before the service returns
 * as far as the death of the process is concerned, and with {@link Durability#SYNC} before it returns
 * even across a power failure. Bucket 0 holds the definition as FDL text and bucket 1 the
 * {@link FileState}. Errors are {@link RmsException}s.
 */
public final class RmsFile implements AutoCloseable {
    private static final String PROLOG_MAGIC = "LOCKSMITH-RMS/1\n";

    private final Path path;
    private final FileDefinition definition;
    private final BucketStorage storage;
    private final BucketAccess access;
    private final FileOrganization organization;
    private final ReentrantLock serviceLock = new ReentrantLock();
    private volatile boolean open = true;

    /**
     * Tuning of the underlying store, for one open file (nothing here is stored in the file).
     *
     * @param cacheMegabytes       page cache of the MVStore, at least 1
     * @param commitIntervalMillis with {@link Durability#DEFERRED}, longest time a completed service
     *                             stays undurable while others follow; at least 1
     * @param durability           when a completed service becomes durable
     */
    public record Options(int cacheMegabytes, long commitIntervalMillis, Durability durability) {
        public static final Options DEFAULT = new Options(64, 1000, Durability.DEFERRED);

        public Options {
            if (cacheMegabytes < 1) {
                throw new RmsException(RmsStatus.IAL, "cacheMegabytes is " + cacheMegabytes + "; it must be at least 1");
            }
            if (commitIntervalMillis < 1) {
                throw new RmsException(RmsStatus.IAL, "commitIntervalMillis is " + commitIntervalMillis
                        + "; it must be at least 1");
            }
            if (durability == null) {
                throw new RmsException(RmsStatus.IAL, "durability is null; choose DEFERRED, COMMIT or SYNC");
            }
        }

        /** Options with {@link Durability#DEFERRED}. */
        public Options(int cacheMegabytes, long commitIntervalMillis) {
            this(cacheMegabytes, commitIntervalMillis, Durability.DEFERRED);
        }

        /** These options with another durability. */
        public Options withDurability(Durability durability) {
            return new Options(cacheMegabytes, commitIntervalMillis, durability);
        }
    }

    private RmsFile(Path path, FileDefinition definition, BucketStorage storage, FileState state) {
        this.path = path;
        this.definition = definition;
        this.storage = storage;
        this.access = new BucketAccess(storage, definition.bucketBytes(), state);
        this.organization = switch (definition.organization()) {
            case INDEXED -> new IndexedOrganization(definition, access);
            case RELATIVE -> new RelativeOrganization(definition, access);
            case SEQUENTIAL -> new SequentialOrganization(definition, access);
        };
    }

    /** Creates a new file; {@link RmsStatus#FEX} if {@code path} exists. */
    public static RmsFile create(Path path, FileDefinition definition) {
        return create(path, definition, Options.DEFAULT);
    }

    public static RmsFile create(Path path, FileDefinition definition, Options options) {
        checkFits(definition);
        if (Files.exists(path)) {
            throw new RmsException(RmsStatus.FEX, "file " + path + " already exists");
        }
        BucketStorage storage = MVStoreBucketStorage.open(path, options.cacheMegabytes(), options.commitIntervalMillis(),
                options.durability());
        RmsFile file = new RmsFile(path, definition, storage, new FileState(definition.keys().size()));
        try {
            file.run("create", () -> {
                file.access.writeProlog(prolog(definition));
                if (file.organization instanceof IndexedOrganization indexed) {
                    indexed.create();
                } else if (file.organization instanceof SequentialOrganization sequential) {
                    sequential.create();
                }
                return null;
            });
            storage.flush();
            return file;
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /**
     * Opens an existing file; {@link RmsStatus#FNF} if there is none at {@code path}, {@link RmsStatus#IFA} if
     * it is not an RMS file (it is then left untouched).
     */
    public static RmsFile open(Path path) {
        return open(path, Options.DEFAULT);
    }

    public static RmsFile open(Path path, Options options) {
        if (!Files.isRegularFile(path)) {
            throw new RmsException(RmsStatus.FNF, "file " + path + " does not exist");
        }
        MVStoreBucketStorage.requireStoreFile(path);
        BucketStorage storage = MVStoreBucketStorage.open(path, options.cacheMegabytes(), options.commitIntervalMillis(),
                options.durability());
        try {
            byte[] prolog = storage.read(0);
            String text = prolog == null ? "" : new String(prolog, StandardCharsets.UTF_8);
            if (!text.startsWith(PROLOG_MAGIC)) {
                throw new RmsException(RmsStatus.BUG, "file " + path + " is not an RMS file (no prolog in bucket 0)");
            }
            FileDefinition definition = FdlParser.parse(text.substring(PROLOG_MAGIC.length()));
            FileState state = FileState.decode(storage.read(FileState.BUCKET_ID), definition.keys().size());
            return new RmsFile(path, definition, storage, state);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    private static byte[] prolog(FileDefinition definition) {
        return (PROLOG_MAGIC + FdlWriter.write(definition)).getBytes(StandardCharsets.UTF_8);
    }

    /** Rejects definitions whose largest record cannot be split into buckets of the given size. */
    private static void checkFits(FileDefinition definition) {
        int capacity = dev.locksmith.rms.bucket.BucketLayout.capacity(definition.bucketBytes());
        int keyBytes = definition.keys().isEmpty() ? 4 : definition.keys().get(0).length() + 8;
        int entry = dev.locksmith.rms.bucket.BucketLayout.entrySpace(keyBytes, 8 + definition.recordSize());
        int needed = definition.organization() == Organization.INDEXED ? 3 * entry : entry;
        if (needed > capacity) {
            throw new RmsException(RmsStatus.BKS, "BUCKET_SIZE " + definition.bucketSize() + " (" + capacity
                    + " usable bytes) is too small for records of " + definition.recordSize() + " bytes; "
                    + (definition.organization() == Organization.INDEXED ? "an indexed bucket must hold three" : "a bucket must hold one"));
        }
    }

    public Path path() {
        return path;
    }

    public FileDefinition definition() {
        return definition;
    }

    /** A new record stream (an RMS record access block) on this file. */
    public RecordStream stream() {
        return new RecordStream(this);
    }

    /** Makes every completed service durable; blocks until it is on disk. */
    public void flush() {
        run("flush", () -> {
            access.flush();
            return null;
        });
    }

    /** Flushes and closes; streams fail with {@link RmsStatus#CLOSED} afterwards. Idempotent. */
    @Override
    public void close() {
        serviceLock.lock();
        try {
            if (open) {
                open = false;
                storage.close();
            }
        } finally {
            serviceLock.unlock();
        }
    }

    /** Runs one service under the file's lock, atomically. */
    <T> T run(String operation, Supplier<T> service) {
        serviceLock.lock();
        try {
            if (!open) {
                throw new RmsException(RmsStatus.CLOSED, "file " + path + " is closed; " + operation + " refused");
            }
            return access.perform(operation, service);
        } finally {
            serviceLock.unlock();
        }
    }

    FileOrganization organization() {
        return organization;
    }

    BucketAccess access() {
        return access;
    }
}
