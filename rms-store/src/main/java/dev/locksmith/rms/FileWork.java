package dev.locksmith.rms;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.rms.journal.WriteOp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@link Transaction} has done to one file of its store: its pending changes, what it read
 * (for optimistic validation) and the record and key locks it holds there. Guarded by the
 * transaction's monitor.
 *
 * <p>Lock layout: the transaction holds an NL lock on the file's root resource and takes its record
 * locks ({@code R<bucket>.<id>}, by RFA) and key-value locks ({@code K<key>.<hex of the encoded
 * value>}, for new records and changed unique keys) as sublocks of it, so a file's locks form one
 * tree with one master in a cluster.
 */
final class FileWork {
    final String name;
    final RmsFile file;
    private final Transaction transaction;
    final List<PendingOp> ops = new ArrayList<>();
    /** The UPDATE or DELETE pending for each existing record this transaction changed. */
    final Map<Rfa, PendingOp> changed = new HashMap<>();
    /** Optimistic mode: each record read, as first seen. */
    final Map<Rfa, byte[]> readImages = new HashMap<>();
    /** Optimistic mode: encoded primary keys looked up and not found. */
    final Set<ByteBuffer> absentKeys = new HashSet<>();
    private final Map<String, Lock> locks = new HashMap<>();
    private Lock fileLock;

    FileWork(String name, RmsFile file, Transaction transaction) {
        this.name = name;
        this.file = file;
        this.transaction = transaction;
    }

    boolean hasWrites() {
        for (PendingOp op : ops) {
            if (!op.removed) {
                return true;
            }
        }
        return false;
    }

    List<WriteOp> writeOps() {
        List<WriteOp> writes = new ArrayList<>();
        for (PendingOp op : ops) {
            if (!op.removed) {
                writes.add(op.toWriteOp());
            }
        }
        return writes;
    }

    PendingOp add(WriteOp.Kind kind, Rfa target, long recordNumber, byte[] before, byte[] record) {
        PendingOp op = new PendingOp(kind, target, recordNumber, before, record, transaction.nextSequence());
        ops.add(op);
        return op;
    }

    static String recordLockName(Rfa rfa) {
        return "R" + rfa.bucket() + "." + rfa.id();
    }

    static String keyLockName(int keyOfReference, byte[] encodedKey) {
        // Lock names end at 255 bytes; a long key is named by its digest (a collision only makes two
        // values share a lock, never lets two holders in).
        byte[] name = encodedKey.length <= 96 ? encodedKey : digest(encodedKey);
        return "K" + keyOfReference + (encodedKey.length <= 96 ? "." : "#") + HexFormat.of().formatHex(name);
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The EX locks applying {@code op} needs: the record changed, and the values of unique keys a new
     * or changed record takes (so two transactions cannot both store one).
     */
    List<String> writeLockNames(PendingOp op) {
        List<String> names = new ArrayList<>();
        if (op.target != null) {
            names.add(recordLockName(op.target));
        }
        if (op.kind == WriteOp.Kind.PUT_CELL) {
            names.add(keyLockName(0, dev.locksmith.rms.org.RelativeOrganization.key(op.recordNumber)));
        }
        if (op.record != null && file.organization() instanceof dev.locksmith.rms.org.IndexedOrganization indexed) {
            for (KeyDefinition key : file.definition().keys()) {
                var codec = indexed.codec(key.number());
                boolean unique = !key.duplicates();
                if (unique && codec.isPresentIn(op.record)
                        && (op.before == null || !codec.isPresentIn(op.before)
                            || !java.util.Arrays.equals(codec.fromRecord(op.before), codec.fromRecord(op.record)))) {
                    names.add(keyLockName(key.number(), codec.fromRecord(op.record)));
                }
            }
        }
        return names;
    }

    /** Whether the transaction holds (granted) the sublock {@code lockName} of this file. */
    boolean holds(String lockName) {
        Lock held = locks.get(lockName);
        return held != null && held.grantedMode() != null;
    }


    /**
     * Takes (or converts up to) {@code mode} on the sublock {@code lockName} of this file's root,
     * for the transaction's owner. Waits up to {@code wait}; with {@link java.time.Duration#ZERO} it
     * fails at once when the lock is held by someone else.
     *
     * @throws RmsException RLK (held, no wait), TMO (waited too long), DEADLOCK (the transaction is
     *                      then rollback-only), TXTIMEOUT or TXSTATE if the transaction ended meanwhile
     */
    void lock(String lockName, LockMode mode, java.time.Duration wait) {
        Lock held = locks.get(lockName);
        if (held != null && held.grantedMode() != null && covers(held.grantedMode(), mode)) {
            return;
        }
        try {
            LockRequest request = held == null
                    ? LockRequest.of(lockName, mode).withParent(fileLock())
                    : LockRequest.conversionTo(mode);
            request = wait.isZero() ? request.withFlags(LockFlag.NOQUEUE) : request.withTimeout(wait);
            Lock lock = held == null ? transaction.owner().enqueue(request) : transaction.owner().convert(held, request);
            locks.put(lockName, lock);
        } catch (LockException e) {
            throw transaction.lockFailure(e, "lock " + lockName + " of file " + name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RmsException(RmsStatus.TXSTATE, "interrupted while waiting for lock " + lockName + " of file " + name);
        }
    }

    /** Whether a lock granted in {@code held} already gives what {@code wanted} asks for. */
    private static boolean covers(LockMode held, LockMode wanted) {
        return switch (held) {
            case EX -> true;
            case PW -> wanted != LockMode.EX;
            case PR -> wanted == LockMode.PR || wanted == LockMode.CR || wanted == LockMode.NL;
            case CW -> wanted == LockMode.CW || wanted == LockMode.CR || wanted == LockMode.NL;
            case CR -> wanted == LockMode.CR || wanted == LockMode.NL;
            case NL -> wanted == LockMode.NL;
        };
    }

    private Lock fileLock() throws InterruptedException {
        if (fileLock == null) {
            try {
                fileLock = transaction.owner().enqueue(LockRequest.of(transaction.store().rootLockName(file), LockMode.NL));
            } catch (LockException e) {
                throw transaction.lockFailure(e, "file lock of " + name);
            }
        }
        return fileLock;
    }
}
