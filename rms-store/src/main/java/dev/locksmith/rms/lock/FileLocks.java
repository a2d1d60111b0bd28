package dev.locksmith.rms.lock;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.access.FileState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock layout of one RMS file in one lock manager, as VMS RMS lays it out, and the calls that
 * take and release those locks for a given {@link LockOwner} (a stream's or a transaction's):
 * <pre>
 *   RMS$&lt;file id&gt; &lt;title&gt;          file lock: root resource, SYSTEM namespace;
 *   │                                the opener's mode follows access + share (FLK on conflict),
 *   │                                every other owner holds it in NL as the parent of its sublocks
 *   ├── BKT 1                        bucket lock of the state bucket: the tree lock of the file
 *   │                                (CR for a reading service, EX for a changing one; with global
 *   │                                buffers PR/EX held and cached by the node's buffers)
 *   ├── BKT 7                        with global buffers: a cached bucket's lock, whose value block
 *   │                                carries the bucket's version ({@link dev.locksmith.rms.cache.GlobalBuffers})
 *   ├── WRITERS                      with global buffers: EX while a node's changing services run
 *   ├── RFA (12,3)                   record lock by RFA (EX default, PR with REA, PW with RLK)
 *   └── KEY 0 41424331               key-value lock: key of reference + key value bytes in hex
 *                                    (or "#" + SHA-256 when too long), for unique-key inserts
 * </pre>
 * The file id is the stable id written in the file's prolog, so every opener, on every node, names
 * the same tree, and the whole tree has one master in a cluster.
 *
 * <p>Lock-manager failures become {@link RmsException}s: a conflict without WAT is {@link RmsStatus#RLK},
 * a WAT timeout {@link RmsStatus#TMO}, a deadlock victim {@link RmsStatus#DEADLOCK}, a cancelled or
 * interrupted wait {@link RmsStatus#CANCELLED}, a closed owner or manager {@link RmsStatus#CLOSED}.
 * A failed request changes nothing: a failed conversion leaves the lock in its old mode.
 *
 * <p>Thread-safe. Locks are remembered per owner, so an owner asking again for a record it holds
 * gets its lock converted up if needed, never a second lock that would conflict with the first.
 * An owner whose locks were released behind this object's back ({@link LockOwner#dequeueAll()},
 * {@link LockOwner#close()}) is noticed and starts afresh. Waits block the calling thread.
 *
 * <p><b>Internal SPI</b> for the record streams and for {@code dev.locksmith.rms.tx}; applications
 * use {@link dev.locksmith.rms.RecordStream}.
 */
public final class FileLocks {
    /** With global buffers: the lock a node holds EX while its changing services run (one node's at a time). */
    public static final String WRITERS = "WRITERS";
    /** The state bucket, whose lock guards every bucket of the file. */
    public static final long TREE_BUCKET = FileState.BUCKET_ID;
    private static final int MAX_NAME_BYTES = 255;

    private final LockManager manager;
    private final String fileLockName;
    private final Map<LockOwner, Held> held = new ConcurrentHashMap<>();

    /**
     * @param manager the lock manager of the opener
     * @param fileId  the file's stable id (from its prolog)
     * @param title   a readable name for displays (truncated to fit)
     */
    public FileLocks(LockManager manager, String fileId, String title) {
        this.manager = manager;
        String name = "RMS$" + fileId + (title == null || title.isBlank() ? "" : " " + title.strip());
        this.fileLockName = truncate(name, 200);
    }

    /** The lock manager these locks go to. */
    public LockManager manager() {
        return manager;
    }

    /** The name of the file lock, the root resource of the file's tree. */
    public String fileLockName() {
        return fileLockName;
    }

    /** The sublock name of bucket {@code bucket}. */
    public static String bucketName(long bucket) {
        return "BKT " + bucket;
    }

    /** The sublock name of the record at {@code rfa}. */
    public static String recordName(Rfa rfa) {
        return "RFA (" + rfa.bucket() + "," + rfa.id() + ")"; // "RFA " + rfa, in one concatenation
    }

    /** The sublock name of value {@code value} (key format, as stored in records) of key {@code keyOfReference}. */
    public static String keyName(int keyOfReference, byte[] value) {
        String prefix = "KEY " + keyOfReference + " ";
        String hex = HexFormat.of().formatHex(value);
        if (prefix.length() + hex.length() <= MAX_NAME_BYTES) {
            return prefix + hex;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value);
            // A collision only makes two values share a lock: a false conflict, never a missed one.
            return prefix + "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Takes the file lock of an opener in {@code mode} without waiting.
     *
     * @throws RmsException FLK if another opener's mode conflicts; nothing is held then
     */
    public Lock openFile(LockOwner opener, LockMode mode, String path) {
        requireArgument(opener, "opener");
        try {
            Lock lock = opener.enqueue(LockRequest.of(fileLockName, mode).withFlags(LockFlag.SYSTEM, LockFlag.NOQUEUE));
            held.put(opener, new Held(lock));
            return lock;
        } catch (LockException e) {
            if (e.status() == LockStatus.NOTQUEUED) {
                throw new RmsException(RmsStatus.FLK, "file " + path + " is open elsewhere with access or sharing that"
                        + " does not allow this open (file lock " + mode + " refused)");
            }
            throw translate(e, "the file lock of " + path);
        } catch (InterruptedException e) {
            throw interrupted("the file lock of " + path);
        }
    }

    /**
     * Locks the record at {@code rfa} for {@code owner} in {@code mode}, or converts the owner's
     * lock on it up to {@code mode}; a lock already held in {@code mode} or stronger is returned as
     * it is. Waits only with {@link RecordOption#WAT} (forever, or the options' timeout) and passes
     * NODLCKWT/NODLCKBLK on.
     *
     * @return the lock; its {@link Lock#status()} is {@link LockStatus#NORMAL} if it had to wait
     * @throws RmsException RLK, TMO, DEADLOCK, CANCELLED or CLOSED as in the class comment
     */
    public Lock lockRecord(LockOwner owner, Rfa rfa, LockMode mode, RecordOptions options) {
        requireArgument(rfa, "rfa");
        return lock(owner, recordName(rfa), mode, options, "record ", rfa);
    }

    /**
     * Locks value {@code value} of key {@code keyOfReference} for {@code owner}, as
     * {@link #lockRecord} does for a record: two owners inserting one unique key value conflict
     * here even though neither record exists yet.
     */
    public Lock lockKey(LockOwner owner, int keyOfReference, byte[] value, LockMode mode, RecordOptions options) {
        requireArgument(value, "value");
        if (keyOfReference < 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " is negative");
        }
        return lock(owner, keyName(keyOfReference, value), mode, options, "key ", keyOfReference + " value");
    }

    /** The owner's lock on the record at {@code rfa}, if it holds one. */
    public Optional<Lock> heldRecord(LockOwner owner, Rfa rfa) {
        requireArgument(owner, "owner");
        requireArgument(rfa, "rfa");
        Held h = held.get(owner);
        return h == null ? Optional.empty() : h.sublock(recordName(rfa));
    }

    /** Releases the owner's lock on the record at {@code rfa} ({@code $RELEASE}); false if it held none. */
    public boolean unlockRecord(LockOwner owner, Rfa rfa) {
        requireArgument(owner, "owner");
        requireArgument(rfa, "rfa");
        Held h = held.get(owner);
        return h != null && h.release(recordName(rfa));
    }

    /**
     * Releases {@code lock}, a record or key lock {@code owner} took through {@link #lockRecord} or
     * {@link #lockKey}, as {@link #unlockRecord} does but without looking it up by name; false if
     * the owner no longer holds it (released, or cleared by LKE).
     */
    public boolean unlock(LockOwner owner, Lock lock) {
        requireArgument(owner, "owner");
        requireArgument(lock, "lock");
        Held h = held.get(owner);
        return h != null && h.release(lock);
    }

    /**
     * Whether another owner holds the record at {@code rfa} in a mode that {@code mode} conflicts
     * with, asked with one NOQUEUE request that is given back at once (NLK's probe). The owner's own
     * lock, if any, is not asked.
     */
    public boolean conflicts(LockOwner owner, Rfa rfa, LockMode mode) {
        Held h = current(owner);
        String name = recordName(rfa);
        if (h.sublock(name).isPresent()) {
            return false;
        }
        try {
            Lock probe = owner.enqueue(LockRequest.of(name, mode).withParent(h.root).withFlags(LockFlag.NOQUEUE));
            owner.dequeue(probe);
            return false;
        } catch (LockException e) {
            if (e.status() == LockStatus.NOTQUEUED) {
                return true;
            }
            throw translate(e, "record " + rfa);
        } catch (InterruptedException e) {
            throw interrupted("record " + rfa);
        }
    }

    /**
     * Releases every lock {@code owner} holds on this file, its file lock included, and forgets the
     * owner; a transaction calls it when it ends (or simply closes its owner).
     */
    public void releaseAll(LockOwner owner) {
        requireArgument(owner, "owner");
        Held h = held.remove(owner);
        if (h != null) {
            h.releaseAll();
        }
    }

    /** Releases the record locks of {@code owner} on this file ({@code $FREE}); its other locks stay. */
    public void releaseRecords(LockOwner owner) {
        requireArgument(owner, "owner");
        Held h = held.get(owner);
        if (h != null) {
            h.releaseMatching("RFA ");
        }
    }

    /**
     * Enters one service of {@code owner} under the tree lock: CR for a reading service (readers run
     * together), EX for a changing one, so no reader sees a change half made and changing services
     * take turns; {@link Service#close()} leaves the service. A changing service takes EX from the
     * start rather than upgrading from PW when it applies its change set: two such upgrades queued
     * behind each other's conversions would deadlock. No service waits for a record lock while it
     * holds the tree lock (record locks are asked with NOQUEUE inside), so the tree lock takes
     * part in no deadlock. With {@code fair} the lock is a new request each
     * time, which queues behind waiting requests; without, the owner's lock is kept in NL between
     * services and converted in place, which is cheaper but lets readers pass a waiting writer
     * (see {@link dev.locksmith.rms.ContentionPolicy}). Services of one owner take turns.
     *
     * @throws RmsException DEADLOCK, CANCELLED or CLOSED if the lock is not granted
     */
    public Service enterService(LockOwner owner, boolean changes, boolean fair) {
        Held h = current(owner);
        h.serviceGate.lock();
        try {
            Service service = new Service(owner, h, changes ? LockMode.EX : LockMode.CR, fair);
            service.acquire();
            return service;
        } catch (RuntimeException e) {
            h.serviceGate.unlock();
            throw e;
        }
    }

    /** One service's hold on the tree lock; not thread-safe, used by the thread that entered it. */
    public final class Service implements AutoCloseable {
        private final LockOwner owner;
        private final Held h;
        private final LockMode mode;
        private final boolean fair;
        private Lock lock;
        private boolean closed;

        private Service(LockOwner owner, Held h, LockMode mode, boolean fair) {
            this.owner = owner;
            this.h = h;
            this.mode = mode;
            this.fair = fair;
        }

        private void acquire() {
            String name = bucketName(TREE_BUCKET);
            try {
                if (fair) {
                    lock = owner.enqueue(LockRequest.of(name, mode).withParent(h.root));
                } else {
                    if (h.cachedTree == null) {
                        // EXPEDITE: an NL request need not queue behind a writer waiting for the tree.
                        h.cachedTree = owner.enqueue(LockRequest.of(name, LockMode.NL).withParent(h.root)
                                .withFlags(LockFlag.EXPEDITE));
                    }
                    lock = owner.convert(h.cachedTree, mode);
                }
            } catch (LockException e) {
                throw translate(e, "bucket lock " + name);
            } catch (InterruptedException e) {
                throw interrupted("bucket lock " + name);
            }
        }

        /** Leaves the service: the lock goes back to NL (cached) or is released (fair). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (fair) {
                    owner.dequeue(lock);
                } else {
                    owner.convert(lock, LockMode.NL);
                }
            } catch (LockException e) {
                // The owner was run down meanwhile: its locks are gone, which is all close wants.
                h.cachedTree = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                h.serviceGate.unlock();
            }
        }
    }

    /**
     * Locks sublock {@code name} of the owner's file lock; {@code kind} and {@code subject} name it
     * in an error (joined only then: a lock that is granted builds no message).
     */
    private Lock lock(LockOwner owner, String name, LockMode mode, RecordOptions options, String kind, Object subject) {
        requireArgument(mode, "mode");
        requireArgument(options, "options");
        Held h = current(owner);
        synchronized (h) {
            Optional<Lock> existing = h.sublock(name);
            if (existing.isPresent() && existing.get().grantedMode().ordinal() >= mode.ordinal()) {
                return existing.get();
            }
            LockFlag[] flags = flagsOf(options);
            try {
                if (existing.isPresent()) {
                    LockRequest conversion = timed(LockRequest.conversionTo(mode).withFlags(flags), options);
                    return owner.convert(existing.get(), conversion);
                }
                LockRequest request = timed(LockRequest.of(name, mode).withParent(h.root).withFlags(flags), options);
                Lock lock = owner.enqueue(request);
                h.sublocks.put(name, lock);
                return lock;
            } catch (LockException e) {
                throw translate(e, kind + subject);
            } catch (InterruptedException e) {
                throw interrupted(kind + subject);
            }
        }
    }

    /** The lock flags {@code options} ask for: NOQUEUE without WAT, NODLCKWT and NODLCKBLK as given. */
    private static LockFlag[] flagsOf(RecordOptions options) {
        boolean noQueue = !options.has(RecordOption.WAT);
        boolean noWait = options.has(RecordOption.NODLCKWT);
        boolean noBlock = options.has(RecordOption.NODLCKBLK);
        LockFlag[] flags = new LockFlag[(noQueue ? 1 : 0) + (noWait ? 1 : 0) + (noBlock ? 1 : 0)];
        int i = 0;
        if (noQueue) {
            flags[i++] = LockFlag.NOQUEUE;
        }
        if (noWait) {
            flags[i++] = LockFlag.NODLCKWT;
        }
        if (noBlock) {
            flags[i] = LockFlag.NODLCKBLK;
        }
        return flags;
    }

    private static LockRequest timed(LockRequest request, RecordOptions options) {
        return options.has(RecordOption.WAT) && options.timeoutSeconds() > 0
                ? request.withTimeout(Duration.ofSeconds(options.timeoutSeconds()))
                : request;
    }

    /** The owner's held locks, taking its NL file lock first if it has none (or lost it). */
    private Held current(LockOwner owner) {
        requireArgument(owner, "owner");
        Held h = held.get(owner);
        if (h != null && h.root.queue().isPresent()) {
            return h;
        }
        synchronized (this) {
            h = held.get(owner);
            if (h != null && h.root.queue().isPresent()) {
                return h;
            }
            try {
                Lock root = owner.enqueue(LockRequest.of(fileLockName, LockMode.NL)
                        .withFlags(LockFlag.SYSTEM, LockFlag.EXPEDITE));
                Held fresh = new Held(root);
                // Owners closed without releaseAll (a transaction simply closing its owner) are forgotten here.
                held.keySet().removeIf(LockOwner::isClosed);
                held.put(owner, fresh);
                return fresh;
            } catch (LockException e) {
                throw translate(e, "the file lock");
            } catch (InterruptedException e) {
                throw interrupted("the file lock");
            }
        }
    }

    /** The locks one owner holds on this file. */
    private static final class Held {
        final Lock root;
        final Map<String, Lock> sublocks = new LinkedHashMap<>();
        final ReentrantLock serviceGate = new ReentrantLock();
        Lock cachedTree;

        Held(Lock root) {
            this.root = root;
        }

        synchronized Optional<Lock> sublock(String name) {
            Lock lock = sublocks.get(name);
            if (lock != null && lock.queue().isEmpty()) {
                sublocks.remove(name);
                return Optional.empty();
            }
            return Optional.ofNullable(lock);
        }

        synchronized boolean release(String name) {
            Lock lock = sublocks.remove(name);
            if (lock == null || lock.queue().isEmpty()) {
                return false;
            }
            dequeueQuietly(lock);
            return true;
        }

        /** Releases {@code lock} if it is the one held under its name; false if it was not held. */
        synchronized boolean release(Lock lock) {
            if (!sublocks.remove(lock.resourceName(), lock)) {
                return false;
            }
            try {
                lock.owner().dequeue(lock);
                return true;
            } catch (LockException e) {
                return false; // already gone: owner run down, or cleared by LKE
            }
        }

        synchronized void releaseMatching(String prefix) {
            sublocks.entrySet().removeIf(e -> {
                if (e.getKey().startsWith(prefix)) {
                    dequeueQuietly(e.getValue());
                    return true;
                }
                return false;
            });
        }

        synchronized void releaseAll() {
            for (Lock lock : sublocks.values()) {
                dequeueQuietly(lock);
            }
            sublocks.clear();
            if (cachedTree != null) {
                dequeueQuietly(cachedTree);
                cachedTree = null;
            }
            dequeueQuietly(root);
        }

        private static void dequeueQuietly(Lock lock) {
            try {
                if (lock.queue().isPresent()) {
                    lock.owner().dequeue(lock);
                }
            } catch (LockException e) {
                // Already gone (owner run down, or cleared by LKE): nothing left to release.
            }
        }
    }

    /** The RMS status of a lock-manager failure on {@code what}. */
    public static RmsException translate(LockException e, String what) {
        RmsStatus status = switch (e.status()) {
            case NOTQUEUED -> RmsStatus.RLK;
            case TIMEOUT -> RmsStatus.TMO;
            case DEADLOCK -> RmsStatus.DEADLOCK;
            case CANCELLED -> RmsStatus.CANCELLED;
            case SHUTDOWN, OWNERCLOSED -> RmsStatus.CLOSED;
            default -> RmsStatus.IAL;
        };
        String message = switch (status) {
            case RLK -> what + " is locked by another stream or transaction";
            case TMO -> what + " stayed locked by another stream or transaction until the wait timed out";
            case DEADLOCK -> "waiting for " + what + " would deadlock; this request was chosen as the victim";
            case CLOSED -> "the lock manager or owner is closed: " + e.getMessage();
            default -> "locking " + what + ": " + e.getMessage();
        };
        return new RmsException(status, message, e);
    }

    private static RmsException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new RmsException(RmsStatus.CANCELLED, "interrupted while waiting for " + what);
    }

    private static void requireArgument(Object value, String name) {
        if (value == null) {
            throw new RmsException(RmsStatus.IAL, name + " is null");
        }
    }

    private static String truncate(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        String cut = new String(bytes, 0, maxBytes, StandardCharsets.UTF_8);
        return cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut;
    }
}
