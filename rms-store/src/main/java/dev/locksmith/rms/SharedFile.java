package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.cache.GlobalBuffers;
import dev.locksmith.rms.fdl.FdlParser;
import dev.locksmith.rms.fdl.FdlWriter;
import dev.locksmith.rms.fields.RecordDefinition;
import dev.locksmith.rms.org.FileOrganization;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.RelativeOrganization;
import dev.locksmith.rms.org.SequentialOrganization;
import dev.locksmith.rms.storage.BucketStorage;
import dev.locksmith.rms.storage.MVStoreBucketStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What every opener of one path in this JVM shares: the storage, the bucket access (with its
 * committed state) and the organization. Kept in a per-JVM registry keyed by the normalized
 * absolute path; the last opener to close closes the storage. The registry is guarded by the class
 * lock; a {@code SharedFile}'s own parts are thread-safe under the bucket-lock protocol.
 *
 * <p>The prolog (bucket 0) is {@value #PROLOG_MAGIC}, then {@code ID <16 hex digits>} — the file's
 * stable id that names its file lock — then the definition as FDL, then, once records are defined
 * ({@link RmsFile#defineRecords}), the line {@value #FIELDS_MAGIC} and the record definition's text
 * form. Files written before the id existed have none; their id is derived from the path.
 */
final class SharedFile {
    static final String PROLOG_MAGIC = "LOCKSMITH-RMS/1\n";
    private static final String ID_LINE = "ID ";
    /** Separates the FDL from the record definition in the prolog; FDL never contains it. */
    static final String FIELDS_MAGIC = "LOCKSMITH-FIELDS/1\n";
    private static final Map<Path, SharedFile> OPEN = new HashMap<>();
    private static final SecureRandom IDS = new SecureRandom();

    final Path key;
    final BucketStorage storage;
    final FileDefinition definition;
    final BucketAccess access;
    final FileOrganization organization;
    final String fileId;
    final String title;
    /** The record definition, or null; replaced whole by {@link RmsFile#defineRecords}. */
    volatile RecordDefinition records;
    /**
     * The definition the prolog holds: {@link #definition} until {@link RmsFile#setGlobalBufferCount}
     * writes one for the next open. Prolog writers hold this object's monitor.
     */
    volatile FileDefinition prologDefinition;
    /**
     * Whether openers use global buffers: the first opener's options or the file's FDL decide, until
     * {@link #setBufferCount} switches them for every opener at once (a service with buffers and one
     * without must not meet: the one without reads storage past the other's dirty buckets).
     * Changed under {@link #bufferSwitch} and the class lock.
     */
    private boolean buffered;
    /** Buckets of global buffers per node now; set live by {@link #setBufferCount}. Guarded by the class lock. */
    private int globalBuffers;
    /**
     * Held while buffers are switched on or off, and while an opener joins: so each opener starts
     * in the mode every other one is in. Taken before any opener's close gate and the class lock.
     */
    private final Object bufferSwitch = new Object();
    /** The open openers of this file in this JVM. Guarded by the class lock. */
    private final List<RmsFile> joined = new ArrayList<>();
    /**
     * How long global buffers may keep a changed bucket before writing it to storage: half the
     * commit interval with deferred durability (so a change is durable within about one and a half),
     * else 0 (a service returns with its change in storage, as its durability asks).
     */
    private final long writeBehindMillis;
    /** Each node's (lock manager's) global buffers of this file and how many of its openers use them. */
    private final Map<LockManager, NodeBuffers> buffers = new HashMap<>();
    private int openers;

    private static final class NodeBuffers {
        final GlobalBuffers buffers;
        int users;

        NodeBuffers(GlobalBuffers buffers) {
            this.buffers = buffers;
        }
    }

    private SharedFile(Path key, BucketStorage storage, FileDefinition definition, FileState state, String fileId,
                       RmsFile.Options options) {
        this.key = key;
        this.globalBuffers = options.globalBuffers() == RmsFile.Options.FROM_FILE ? definition.globalBufferCount()
                : options.globalBuffers();
        this.buffered = globalBuffers > 0;
        this.writeBehindMillis = options.durability() == Durability.DEFERRED
                ? Math.max(1, options.commitIntervalMillis() / 2) : 0;
        this.storage = storage;
        this.definition = definition;
        this.prologDefinition = definition;
        this.access = new BucketAccess(storage, definition.bucketBytes(), state);
        this.organization = switch (definition.organization()) {
            case INDEXED -> new IndexedOrganization(definition, access);
            case RELATIVE -> new RelativeOrganization(definition, access);
            case SEQUENTIAL -> new SequentialOrganization(definition, access);
        };
        this.fileId = fileId;
        this.title = definition.name().isBlank() ? String.valueOf(key.getFileName()) : definition.name();
    }

    /** Enters this newly opened file in the registry with its first opener. */
    private SharedFile register() {
        openers = 1;
        OPEN.put(key, this);
        return this;
    }

    /** Creates the file at {@code path} and registers it with one opener; FEX if it exists or is open. */
    static synchronized SharedFile create(Path path, FileDefinition definition, RmsFile.Options options) {
        Path key = keyOf(path);
        if (OPEN.containsKey(key) || Files.exists(path)) {
            throw new RmsException(RmsStatus.FEX, "file " + path + " already exists");
        }
        BucketStorage storage = open(path, options);
        try {
            String id = HexFormat.of().toHexDigits(IDS.nextLong());
            SharedFile file = new SharedFile(key, storage, definition, new FileState(definition.keys().size()), id,
                    options);
            file.access.perform("create", () -> {
                file.access.writeProlog(file.prolog(definition, null));
                if (file.organization instanceof IndexedOrganization indexed) {
                    indexed.create();
                } else if (file.organization instanceof SequentialOrganization sequential) {
                    sequential.create();
                }
                return null;
            });
            storage.flush();
            return file.register();
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** The shared file at {@code path}, opening its storage if this is the first opener; FNF if there is none. */
    static synchronized SharedFile acquire(Path path, RmsFile.Options options) {
        Path key = keyOf(path);
        SharedFile file = OPEN.get(key);
        if (file != null) {
            file.openers++;
            return file;
        }
        if (!Files.isRegularFile(path)) {
            throw new RmsException(RmsStatus.FNF, "file " + path + " does not exist");
        }
        MVStoreBucketStorage.requireStoreFile(path);
        BucketStorage storage = open(path, options);
        try {
            byte[] prolog = storage.read(0);
            String text = prolog == null ? "" : new String(prolog, StandardCharsets.UTF_8);
            if (!text.startsWith(PROLOG_MAGIC)) {
                throw new RmsException(RmsStatus.IFA, "file " + path + " is not an RMS file: it has no RMS prolog");
            }
            String rest = text.substring(PROLOG_MAGIC.length());
            String id;
            if (rest.startsWith(ID_LINE)) {
                int end = rest.indexOf('\n');
                id = rest.substring(ID_LINE.length(), end < 0 ? rest.length() : end).strip();
                rest = end < 0 ? "" : rest.substring(end + 1);
            } else {
                id = "P" + HexFormat.of().toHexDigits(key.toString().hashCode());
            }
            int fields = rest.indexOf(FIELDS_MAGIC);
            FileDefinition definition = FdlParser.parse(fields < 0 ? rest : rest.substring(0, fields));
            FileState state = FileState.decode(storage.read(FileState.BUCKET_ID), definition.keys().size());
            SharedFile opened = new SharedFile(key, storage, definition, state, id, options);
            if (fields >= 0) {
                opened.records = RecordDefinition.parse(rest.substring(fields + FIELDS_MAGIC.length()), definition);
            }
            return opened.register();
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** The prolog (bucket 0) of this file: its id, {@code definition}, and {@code records} (null for none). */
    byte[] prolog(FileDefinition definition, RecordDefinition records) {
        return (PROLOG_MAGIC + ID_LINE + fileId + "\n" + FdlWriter.write(definition)
                + (records == null ? "" : FIELDS_MAGIC + records.format())).getBytes(StandardCharsets.UTF_8);
    }

    /** How many openers share this file now. */
    int openers() {
        synchronized (SharedFile.class) {
            return openers;
        }
    }

    /**
     * Enters {@code opener} among this file's openers and gives it its node's global buffers if the
     * file uses them now and the opener takes bucket locks. On failure the opener is not entered.
     */
    void join(RmsFile opener) {
        synchronized (bufferSwitch) {
            GlobalBuffers nodeBuffers = null;
            synchronized (SharedFile.class) {
                if (buffered && opener.takesBucketLocks()) {
                    nodeBuffers = acquireBuffers(opener.sharing().lockManager(), opener.locks().fileLockName());
                }
                joined.add(opener);
            }
            opener.useBuffers(nodeBuffers);
        }
    }

    /**
     * Takes {@code opener}, which is closing (its close gate held exclusively), out of this file's
     * openers and drops its use of its node's global buffers: the last user closes them.
     */
    void leave(RmsFile opener) {
        if (opener.buffers() != null) {
            releaseBuffers(opener.sharing().lockManager());
            opener.useBuffers(null);
        }
        synchronized (SharedFile.class) {
            joined.remove(opener);
        }
    }

    /**
     * The global buffers of this file on the node of {@code manager}, made by the node's first
     * opener (which names them with {@code fileLockName}); each call must be matched by
     * {@link #releaseBuffers}.
     */
    private GlobalBuffers acquireBuffers(LockManager manager, String fileLockName) {
        synchronized (SharedFile.class) {
            NodeBuffers node = buffers.get(manager);
            if (node == null) {
                node = new NodeBuffers(new GlobalBuffers(manager, fileLockName, title, globalBuffers, storage,
                        writeBehindMillis));
                buffers.put(manager, node);
            }
            node.users++;
            return node.buffers;
        }
    }

    /** Drops one user of the node's global buffers; the last one closes them, giving their locks back. */
    private void releaseBuffers(LockManager manager) {
        GlobalBuffers last = null;
        synchronized (SharedFile.class) {
            NodeBuffers node = buffers.get(manager);
            if (node != null && --node.users == 0) {
                buffers.remove(manager);
                last = node.buffers;
            }
        }
        if (last != null) {
            last.close();
        }
    }

    /**
     * Gives every opener of this file in this JVM {@code count} buckets of global buffers per node:
     * resizes them if they are on and {@code count} is not 0; otherwise switches them on (count
     * above 0) or off (0) for every opener at once, once no service of the file runs here (each
     * opener's close gate held exclusively, in the order they joined; services arriving meanwhile
     * wait). Switching off writes every node's dirty buckets back first — if that fails, nothing is
     * switched — then closes the buffers, which gives their locks back.
     *
     * @throws RmsException IO if the dirty buckets could not be written back
     */
    void setBufferCount(int count) {
        synchronized (bufferSwitch) {
            List<RmsFile> openers;
            synchronized (SharedFile.class) {
                if (buffered == count > 0) {
                    globalBuffers = count;
                    openers = null;
                } else {
                    openers = List.copyOf(joined);
                }
            }
            if (openers == null) {
                for (GlobalBuffers nodeBuffers : nodeBuffers()) {
                    nodeBuffers.resize(count);
                }
                return;
            }
            List<ReentrantReadWriteLock.WriteLock> gates = new ArrayList<>();
            try {
                for (RmsFile opener : openers) {
                    ReentrantReadWriteLock.WriteLock gate = opener.closeGate().writeLock();
                    gate.lock();
                    gates.add(gate);
                }
                if (count == 0) {
                    for (GlobalBuffers nodeBuffers : nodeBuffers()) {
                        nodeBuffers.writeBack();
                    }
                }
                synchronized (SharedFile.class) {
                    globalBuffers = count;
                    buffered = count > 0;
                }
                for (RmsFile opener : openers) {
                    if (!opener.isOpen()) {
                        continue; // it left while the gates were being taken
                    }
                    if (count > 0 && opener.takesBucketLocks()) {
                        GlobalBuffers nodeBuffers;
                        synchronized (SharedFile.class) {
                            nodeBuffers = acquireBuffers(opener.sharing().lockManager(), opener.locks().fileLockName());
                        }
                        opener.useBuffers(nodeBuffers);
                    } else if (count == 0 && opener.buffers() != null) {
                        releaseBuffers(opener.sharing().lockManager());
                        opener.useBuffers(null);
                    }
                }
            } finally {
                for (int i = gates.size() - 1; i >= 0; i--) {
                    gates.get(i).unlock();
                }
            }
        }
    }

    /**
     * Makes every completed service durable: writes back the buckets every node's global buffers
     * keep changed, then flushes the storage. Blocks until the data is on disk. Changes another
     * node's buffers may no longer write (their locks were cleared: LOCKLOST) are that node's
     * openers' to report; those of {@code own} (the caller's node's buffers, or null) are the caller's.
     *
     * @throws RmsException LOCKLOST if {@code own} holds such changes, IO if storage fails
     */
    void flush(GlobalBuffers own) {
        for (GlobalBuffers nodeBuffers : nodeBuffers()) {
            try {
                nodeBuffers.writeBack();
            } catch (RmsException e) {
                if (e.status() != RmsStatus.LOCKLOST || nodeBuffers == own) {
                    throw e;
                }
            }
        }
        access.flush();
    }

    /** The global buffers of every node that has some open on this file now. */
    private List<GlobalBuffers> nodeBuffers() {
        synchronized (SharedFile.class) {
            return buffers.values().stream().map(node -> node.buffers).toList();
        }
    }

    /** Drops one opener; the last one closes the storage. */
    void release() {
        synchronized (SharedFile.class) {
            if (--openers == 0) {
                OPEN.remove(key);
                storage.close();
            }
        }
    }

    private static BucketStorage open(Path path, RmsFile.Options options) {
        return MVStoreBucketStorage.open(path, options.cacheMegabytes(), options.commitIntervalMillis(), options.durability());
    }

    private static Path keyOf(Path path) {
        return path.toAbsolutePath().normalize();
    }

}
