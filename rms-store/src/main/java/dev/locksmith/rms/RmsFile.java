package dev.locksmith.rms;

import dev.locksmith.lock.LockOwner;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.cache.BufferStatistics;
import dev.locksmith.rms.cache.GlobalBuffers;
import dev.locksmith.rms.fields.RecordDefinition;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.org.FileOrganization;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One opener of an RMS file (an RMS FAB after {@code $OPEN}): the file's definition and buckets,
 * this opener's {@link Sharing}, and the streams ({@link #stream()}) through which records are read
 * and written.
 *
 * <p><b>Sharing.</b> Every lock goes through the {@link Sharing#lockManager()} (the JVM's embedded
 * one by default); the layout is drawn in {@link FileLocks}. Opening takes this opener's file lock in
 * the mode its access and sharing give; an open that conflicts with another opener, in this JVM or
 * on another node of a cluster lock manager, fails with {@link RmsStatus#FLK} and changes nothing.
 * Openers of one path in one JVM share one storage and its cache (the first opener's
 * {@link Options} apply); closing the last one closes the storage. Openers of one path in one JVM
 * must use one lock manager, or nodes of one cluster.
 *
 * <p><b>Concurrency.</b> Thread-safe. Streams of a file run concurrently: a reading service holds the
 * file's tree lock (bucket 1's lock) in CR, a changing service in EX, so readers run together, never
 * see a change half made, and changing services take turns.
 * With global buffers ({@link Options#withGlobalBuffers}, or the file's {@code GLOBAL_BUFFER_COUNT})
 * the services of every opener that locks through one lock manager share one bucket cache whose
 * bucket and tree locks stay cached between services, held by the cache rather than by the streams
 * ({@link dev.locksmith.rms.cache.GlobalBuffers}): a read of a cached bucket makes no lock-manager
 * call, and every node still reads what another committed before. Should an administrator clear the
 * buffers' locks (LKE CLEAR) — or a cluster node lose them with its quorum — while buckets changed
 * here were not yet written, those changes are dropped rather than written over what another node
 * may have written since, and the openers that were open then fail every later operation with
 * {@link RmsStatus#LOCKLOST} until they are closed (a new open works, on what storage kept).
 * A file that no writer can reach ({@link Sharing#takesBucketLocks()}) takes no bucket locks. Each
 * service is atomic: after a crash it is in the file entirely or not at all, and the services
 * present are a prefix of those completed (with global buffers on several nodes of a cluster: of
 * those completed on each node, and a service that read what another node's wrote comes after it).
 * When a completed service becomes durable is the file's
 * {@link Durability}, set in the {@link Options}: by default ({@link Durability#DEFERRED}) within
 * {@link Options#commitIntervalMillis()} (with global buffers, which keep a changed bucket for up to
 * half of it so that its updates cost one storage write, within one and a half), on
 * {@link #flush()} or on the last {@link #close()}; with
 * {@link Durability#COMMIT} before the service returns as far as the death of the process is
 * concerned, and with {@link Durability#SYNC} even across a power failure. Errors are
 * {@link RmsException}s.
 */
public final class RmsFile implements AutoCloseable {
    private final Path path;
    private final SharedFile shared;
    private final Sharing sharing;
    /** {@link Sharing#takesRecordLocks()} and {@link Sharing#takesBucketLocks()}, asked on every service. */
    private final boolean recordLocks;
    private final boolean bucketLocks;
    private final FileLocks locks;
    private final LockOwner opener;
    /**
     * This node's global buffers of the file, or null when they are off or no bucket lock is taken.
     * Set when the file is opened and when {@link #setGlobalBufferCount} turns them on or off, then
     * under {@link #closeGate} held exclusively: a running service sees one value throughout.
     */
    private volatile GlobalBuffers buffers;
    /** {@link GlobalBuffers#losses()} of {@link #buffers} when this opener began to use them. */
    private volatile int buffersLosses;
    private final Set<LockOwner> streamOwners = ConcurrentHashMap.newKeySet();
    private final AtomicInteger streamCount = new AtomicInteger();
    private final ReentrantReadWriteLock closeGate = new ReentrantReadWriteLock();
    private volatile boolean open = true;

    /**
     * Tuning of the underlying store, for one open file (nothing here is stored in the file).
     *
     * @param cacheMegabytes       page cache of the MVStore, at least 1
     * @param commitIntervalMillis with {@link Durability#DEFERRED}, longest time a completed service
     *                             stays undurable while others follow; at least 1
     * @param durability           when a completed service becomes durable
     * @param globalBuffers        buckets of global buffers per node ({@link #withGlobalBuffers}); 0 = off;
     *                             {@link #FROM_FILE} (the default) takes the file's {@code GLOBAL_BUFFER_COUNT}
     */
    public record Options(int cacheMegabytes, long commitIntervalMillis, Durability durability, int globalBuffers) {
        /** {@link #globalBuffers()} that takes the file's FDL {@code GLOBAL_BUFFER_COUNT}. */
        public static final int FROM_FILE = -1;
        public static final Options DEFAULT = new Options(64, 1000, Durability.DEFERRED, FROM_FILE);

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
            if (globalBuffers < FROM_FILE) {
                throw new RmsException(RmsStatus.IAL, "globalBuffers is " + globalBuffers
                        + "; it must be 0 (off), a bucket count, or FROM_FILE");
            }
        }

        /** Options with {@link Durability#DEFERRED}. */
        public Options(int cacheMegabytes, long commitIntervalMillis) {
            this(cacheMegabytes, commitIntervalMillis, Durability.DEFERRED);
        }

        /** Options whose global buffers are the file's {@code GLOBAL_BUFFER_COUNT}. */
        public Options(int cacheMegabytes, long commitIntervalMillis, Durability durability) {
            this(cacheMegabytes, commitIntervalMillis, durability, FROM_FILE);
        }

        /** These options with another durability. */
        public Options withDurability(Durability durability) {
            return new Options(cacheMegabytes, commitIntervalMillis, durability, globalBuffers);
        }

        /**
         * These options with {@code count} global buffers (buckets cached on each node, with their
         * read locks; 0 turns them off), whatever the file's {@code GLOBAL_BUFFER_COUNT} says:
         * {@code SET FILE/GLOBAL_BUFFER=n} for this open. IAL if {@code count} is negative.
         */
        public Options withGlobalBuffers(int count) {
            if (count < 0) {
                throw new RmsException(RmsStatus.IAL, "global buffer count is " + count + "; it must be 0 (off) or more");
            }
            return new Options(cacheMegabytes, commitIntervalMillis, durability, count);
        }
    }

    private RmsFile(Path path, SharedFile shared, Sharing sharing) {
        this.path = path;
        this.shared = shared;
        this.sharing = sharing;
        this.recordLocks = sharing.takesRecordLocks();
        this.bucketLocks = sharing.takesBucketLocks();
        // The file name is part of the lock name so a byte copy of a file (same id) is a file of its own.
        this.locks = new FileLocks(sharing.lockManager(), shared.fileId, String.valueOf(path.getFileName()));
        this.opener = sharing.lockManager().newOwner("rms opener of " + shared.title);
        try {
            locks.openFile(opener, sharing.fileLockMode(), path.toString());
            shared.join(this);
        } catch (RuntimeException e) {
            opener.close();
            shared.release();
            throw e;
        }
    }

    /** Creates a new file, opened with {@link Sharing#EXCLUSIVE}; {@link RmsStatus#FEX} if {@code path} exists. */
    public static RmsFile create(Path path, FileDefinition definition) {
        return create(path, definition, Options.DEFAULT);
    }

    /** Creates a new file, opened with {@link Sharing#EXCLUSIVE}. */
    public static RmsFile create(Path path, FileDefinition definition, Options options) {
        return create(path, definition, options, Sharing.EXCLUSIVE);
    }

    /** Creates a new file and opens it with {@code sharing}; FEX if {@code path} exists. */
    public static RmsFile create(Path path, FileDefinition definition, Options options, Sharing sharing) {
        require(path, "path");
        require(definition, "definition");
        require(options, "options");
        require(sharing, "sharing");
        checkFits(definition);
        return new RmsFile(path, SharedFile.create(path, definition, options), sharing);
    }

    /** Opens an existing file with {@link Sharing#EXCLUSIVE}; {@link RmsStatus#FNF} if there is none at {@code path}. */
    public static RmsFile open(Path path) {
        return open(path, Options.DEFAULT);
    }

    /** Opens an existing file with {@link Sharing#EXCLUSIVE}. */
    public static RmsFile open(Path path, Options options) {
        return open(path, options, Sharing.EXCLUSIVE);
    }

    /**
     * Opens an existing file with {@code sharing}: FNF if there is none, IFA if it is not an RMS
     * file, FLK if another opener's access or sharing forbids this open.
     */
    public static RmsFile open(Path path, Options options, Sharing sharing) {
        require(path, "path");
        require(options, "options");
        require(sharing, "sharing");
        return new RmsFile(path, SharedFile.acquire(path, options), sharing);
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
        return shared.definition;
    }

    /** The file's record definition, if one was set ({@link #defineRecords}); every opener of the file in this JVM sees the latest. */
    public Optional<RecordDefinition> recordDefinition() {
        return Optional.ofNullable(shared.records);
    }

    /**
     * Sets the file's record definition, kept in the file's prolog beside its FDL so that every later
     * open reads it; replaces any earlier one. It is checked against this file's definition first.
     * Runs as one changing service (atomic, as durable as the file's other services). Openers in
     * other JVMs see it when they next open the file.
     *
     * @throws RmsException IAL if null; FDL naming the field that does not fit this file; FAC if this
     *                      opener only reads
     */
    public void defineRecords(RecordDefinition records) {
        require(records, "records");
        // Built for another file's definition, it may not fit this one: check it against ours.
        RecordDefinition checked = RecordDefinition.of(records.fields(), definition());
        if (sharing.readOnly()) {
            throw new RmsException(RmsStatus.FAC, "defining records changes the file; it was opened with " + sharing.access());
        }
        // One definer at a time, so the prolog on disk and the definition openers see stay the same.
        synchronized (shared) {
            run("define records", () -> {
                shared.access.writeProlog(shared.prolog(shared.prologDefinition, checked));
                return null;
            });
            shared.records = checked;
        }
    }

    /** How this opener shares the file. */
    public Sharing sharing() {
        return sharing;
    }

    /** The file's stable id, kept in its prolog; it names the file lock. */
    public String fileId() {
        return shared.fileId;
    }

    /**
     * How many buckets this node's global buffers of the file hold at most now; 0 when they are off
     * (or when the file takes no bucket locks, as nothing can change it under a reader) or were set
     * to 0 ({@link #setGlobalBufferCount}).
     */
    public int globalBufferCount() {
        return buffers == null ? 0 : buffers.capacity();
    }

    /** The counters of this node's global buffers of the file, if they are on. */
    public Optional<BufferStatistics> bufferStatistics() {
        return buffers == null ? Optional.empty() : Optional.of(buffers.counters().snapshot());
    }

    /**
     * {@code SET FILE/GLOBAL_BUFFER=count}: writes {@code count} into the file's definition (FDL
     * {@code GLOBAL_BUFFER_COUNT}) and makes it durable, and applies it at once to every opener of
     * the file in this JVM (whatever options they were opened with): global buffers that are on
     * are resized — a smaller count evicts the least recently used buckets, writing dirty ones
     * back first; a count above 0 turns them on for a file that runs without, and 0 turns them off
     * — their changed buckets written back and made durable, their locks given back, and from then
     * on every service taking its tree lock for itself as a file opened without buffers does. A
     * switch on or off waits until no service of the file runs in this JVM (services arriving
     * meanwhile wait for it), so no service with buffers meets one without. Later opens take the
     * count unless their {@link Options#withGlobalBuffers} says otherwise.
     *
     * @throws RmsException IAL if {@code count} is not in 0..{@value FileDefinition#MAX_GLOBAL_BUFFERS},
     *                      FAC if this opener only reads, CLOSED if closed, IO if writing the
     *                      changed buckets back fails (the buffers then stay on)
     */
    public void setGlobalBufferCount(int count) {
        if (count < 0 || count > FileDefinition.MAX_GLOBAL_BUFFERS) {
            throw new RmsException(RmsStatus.IAL, "global buffer count " + count + " is not in 0.."
                    + FileDefinition.MAX_GLOBAL_BUFFERS);
        }
        if (sharing.readOnly()) {
            throw new RmsException(RmsStatus.FAC, "setting the global buffer count changes the file; it was opened with "
                    + sharing.access());
        }
        checkOpen("set global buffer count");
        if (shared.access.inService()) {
            // Switching waits for every service of the file to end: this one would wait for itself.
            throw new RmsException(RmsStatus.IAL, "setGlobalBufferCount was called inside a service of the file");
        }
        shared.setBufferCount(count);
        // One prolog writer at a time (see defineRecords), keeping the record definition it holds.
        synchronized (shared) {
            FileDefinition changed = shared.prologDefinition.withGlobalBufferCount(count);
            run("set global buffer count", () -> {
                shared.access.writeProlog(shared.prolog(changed, shared.records));
                return null;
            });
            shared.prologDefinition = changed;
        }
        flush();
    }

    /** A new record stream with its own lock owner and default options. */
    public RecordStream stream() {
        return stream(StreamOptions.DEFAULT);
    }

    /** A new record stream made as {@code options} say (a caller's lock owner, default ROP, contention). */
    public RecordStream stream(StreamOptions options) {
        require(options, "options");
        checkOpen("stream");
        return new RecordStream(this, options);
    }

    /** Makes every completed service durable; blocks until it is on disk. */
    public void flush() {
        closeGate.readLock().lock();
        try {
            checkOpen("flush");
            GlobalBuffers nodeBuffers = buffers;
            checkNoLostChanges(nodeBuffers, "flush");
            shared.flush(nodeBuffers);
        } finally {
            closeGate.readLock().unlock();
        }
    }

    /**
     * Closes this opener: its streams' owners are run down (their locks released), its file lock goes,
     * and if it was the last opener of the path in this JVM the storage is flushed and closed. Streams
     * fail with {@link RmsStatus#CLOSED} afterwards. Waits for running services. Idempotent.
     */
    @Override
    public void close() {
        closeGate.writeLock().lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            for (LockOwner owner : streamOwners) {
                owner.close();
            }
            streamOwners.clear();
            locks.releaseAll(opener);
            opener.close();
            shared.leave(this);
            shared.release();
        } finally {
            closeGate.writeLock().unlock();
        }
    }

    // ---- internal SPI: for RecordStream, the analyzer and dev.locksmith.rms.tx ----

    /**
     * <b>Internal SPI</b> (for {@code dev.locksmith.rms.tx}): runs {@code work} as one atomic
     * changing service under {@code owner}'s bucket locks — every organization call it makes
     * ({@link #organization()}) lands in one change set, applied whole or not at all. Take record and
     * key locks ({@link #locks()}) before, not inside: a wait inside holds the tree lock. Nested calls
     * run inside the enclosing service.
     *
     * @throws RmsException FAC if this opener only reads, CLOSED if closed, DEADLOCK/CANCELLED if the
     *                      bucket lock is not granted, or whatever {@code work} throws
     */
    public <T> T perform(LockOwner owner, String operation, Supplier<T> work) {
        require(owner, "owner");
        require(operation, "operation");
        require(work, "work");
        if (sharing.readOnly()) {
            throw new RmsException(RmsStatus.FAC, operation + " changes the file; it was opened with " + sharing.access());
        }
        return service(owner, true, fairFor(ContentionPolicy.SYSTEM_DEFAULT), operation, work);
    }

    /** <b>Internal SPI</b>: as {@link #perform} for a service that only reads (CR tree lock). */
    public <T> T inspect(LockOwner owner, String operation, Supplier<T> work) {
        require(owner, "owner");
        require(operation, "operation");
        require(work, "work");
        return service(owner, false, fairFor(ContentionPolicy.SYSTEM_DEFAULT), operation, work);
    }

    /** <b>Internal SPI</b>: the file's organization, to be called only inside {@link #perform} or {@link #inspect}. */
    public FileOrganization organization() {
        return shared.organization;
    }

    /** <b>Internal SPI</b>: this opener's locks on the file (record and key locks for any owner). */
    public FileLocks locks() {
        return locks;
    }

    /** Whether this opener's streams take record locks (see {@link Sharing#takesRecordLocks()}). */
    public boolean takesRecordLocks() {
        return recordLocks;
    }

    /** Whether this opener's services take bucket locks (see {@link Sharing#takesBucketLocks()}). */
    boolean takesBucketLocks() {
        return bucketLocks;
    }

    /** Runs one service for {@code owner} (may be null when no bucket lock is taken). */
    <T> T service(LockOwner owner, boolean changes, boolean fair, String operation, Supplier<T> work) {
        BucketAccess access = shared.access;
        if (access.inService()) {
            return access.perform(operation, changes, work);
        }
        closeGate.readLock().lock();
        try {
            checkOpen(operation);
            if (!bucketLocks) {
                return access.perform(operation, changes, work);
            }
            GlobalBuffers nodeBuffers = buffers;
            if (nodeBuffers != null) {
                try (GlobalBuffers.Service service = nodeBuffers.enter(changes)) {
                    checkNoLostChanges(nodeBuffers, operation); // after enter: it notices a clear
                    return access.perform(operation, changes, service, work);
                }
            }
            try (FileLocks.Service service = locks.enterService(owner, changes, fair)) {
                return access.perform(operation, changes, work);
            }
        } finally {
            closeGate.readLock().unlock();
        }
    }

    /** A changing service under the opener's own owner (repairs, tests that damage a file on purpose). */
    <T> T run(String operation, Supplier<T> work) {
        return service(opener, true, fairFor(ContentionPolicy.SYSTEM_DEFAULT), operation, work);
    }

    /** A reading service under the opener's own owner (analysis, dumps). */
    <T> T read(String operation, Supplier<T> work) {
        return service(opener, false, fairFor(ContentionPolicy.SYSTEM_DEFAULT), operation, work);
    }

    /** Whether a stream with {@code policy} takes fair (new-request) bucket locks. */
    boolean fairFor(ContentionPolicy policy) {
        ContentionPolicy effective = policy == ContentionPolicy.SYSTEM_DEFAULT ? sharing.contention() : policy;
        return switch (effective) {
            case ALWAYS -> true;
            case SOMETIMES -> shared.openers() > 1;
            default -> false;
        };
    }

    /** A new lock owner for a stream, run down when this opener closes. */
    LockOwner newStreamOwner() {
        LockOwner owner = sharing.lockManager().newOwner("rms stream " + streamCount.incrementAndGet() + " of " + shared.title);
        streamOwners.add(owner);
        if (!open) {
            owner.close();
            streamOwners.remove(owner);
            throw new RmsException(RmsStatus.CLOSED, "file " + path + " is closed");
        }
        return owner;
    }

    /** Forgets and closes a stream's own owner. */
    void closeStreamOwner(LockOwner owner) {
        locks.releaseAll(owner);
        owner.close();
        streamOwners.remove(owner);
    }

    /**
     * LOCKLOST if {@code nodeBuffers} (this opener's, or null) dropped changes they had not written
     * since this opener began to use them: what this opener was told had been done is not in the
     * file, so it goes on no further.
     */
    private void checkNoLostChanges(GlobalBuffers nodeBuffers, String operation) {
        if (nodeBuffers != null && nodeBuffers.losses() != buffersLosses) {
            throw new RmsException(RmsStatus.LOCKLOST, "file " + path + ": the locks of this node's global buffers were"
                    + " cleared (LKE CLEAR or a lost quorum) before changed buckets were written, and those changes were"
                    + " dropped; " + operation + " refused: close the file and open it again");
        }
    }

    /** This node's global buffers of the file, or null when they are off. */
    GlobalBuffers buffers() {
        return buffers;
    }

    /**
     * Makes this opener use {@code nodeBuffers} (null: none) from its next service on. Called by its
     * {@link SharedFile} when the opener joins it and, with {@link #closeGate()} held exclusively,
     * when buffers are switched on or off.
     */
    void useBuffers(GlobalBuffers nodeBuffers) {
        buffersLosses = nodeBuffers == null ? 0 : nodeBuffers.losses();
        buffers = nodeBuffers;
    }

    /** Held shared by each service of this opener and exclusively by its close. */
    ReentrantReadWriteLock closeGate() {
        return closeGate;
    }

    boolean isOpen() {
        return open;
    }

    BucketAccess access() {
        return shared.access;
    }

    void checkOpen(String operation) {
        if (!open) {
            throw new RmsException(RmsStatus.CLOSED, "file " + path + " is closed; " + operation + " refused");
        }
    }

    static void require(Object value, String name) {
        if (value == null) {
            throw new RmsException(RmsStatus.IAL, name + " is null");
        }
    }
}
