package dev.locksmith.rms;

import dev.locksmith.lock.LockMode;
import dev.locksmith.rms.index.KeyCodec;
import dev.locksmith.rms.journal.WriteOp;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.RelativeOrganization;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@link Transaction} has done to one file of its store: its pending changes, what it read
 * (for optimistic validation) and, through the file's {@link FileLocks} (its lock layout), the record
 * and key-value locks it holds there for the transaction's owner. Guarded by the transaction's monitor.
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
    /** Optimistic mode: primary key values (as stored in records) looked up and not found. */
    final Set<ByteBuffer> absentKeys = new HashSet<>();
    /**
     * Indexed files: for each key without duplicates, how many live pending records carry each of
     * its values, so that a put checks uniqueness within the write set without going through it.
     */
    private final Map<Integer, Map<ByteBuffer, Integer>> uniqueValues = new HashMap<>();

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

    /*
     * Every change of the write set below tells the transaction how to undo it, for its savepoints
     * (Transaction#undoable); undone in reverse order, each finds the state it left.
     */

    PendingOp add(WriteOp.Kind kind, Rfa target, long recordNumber, byte[] before, byte[] record) {
        PendingOp op = new PendingOp(kind, target, recordNumber, before, record, transaction.nextSequence());
        ops.add(op);
        countUniqueValues(op, 1);
        transaction.undoable(() -> {
            countUniqueValues(op, -1);
            ops.remove(ops.size() - 1);
            op.removed = true; // a stream still positioned on it finds no current record
        });
        return op;
    }

    /** Gives pending change {@code op} a new record image. */
    void replaceRecord(PendingOp op, byte[] record) {
        byte[] was = op.record;
        setRecord(op, record);
        transaction.undoable(() -> setRecord(op, was));
    }

    private void setRecord(PendingOp op, byte[] record) {
        countUniqueValues(op, -1);
        op.record = record;
        countUniqueValues(op, 1);
    }

    /** Takes pending change {@code op} out of the write set. */
    void drop(PendingOp op) {
        countUniqueValues(op, -1);
        op.removed = true;
        transaction.undoable(() -> {
            op.removed = false;
            countUniqueValues(op, 1);
        });
    }

    /** Records that {@code op} is the pending UPDATE or DELETE of the file's record at {@code rfa}. */
    void markChanged(Rfa rfa, PendingOp op) {
        PendingOp was = changed.put(rfa, op);
        transaction.undoable(() -> {
            if (was == null) {
                changed.remove(rfa);
            } else {
                changed.put(rfa, was);
            }
        });
    }

    /**
     * Whether a live pending record other than {@code except} carries {@code value} (as key
     * {@code key}'s codec encodes it) of unique key {@code key}.
     */
    boolean pendingCarries(int key, byte[] value, PendingOp except) {
        Map<ByteBuffer, Integer> counts = uniqueValues.get(key);
        if (counts == null) {
            return false;
        }
        int carriers = counts.getOrDefault(ByteBuffer.wrap(value), 0);
        if (except != null && !except.removed && except.record != null) {
            KeyCodec codec = ((IndexedOrganization) file.organization()).codec(key);
            if (codec.isPresentIn(except.record) && Arrays.equals(value, codec.fromRecord(except.record))) {
                carriers--;
            }
        }
        return carriers > 0;
    }

    private void countUniqueValues(PendingOp op, int delta) {
        if (op.removed || op.record == null || !(file.organization() instanceof IndexedOrganization indexed)) {
            return;
        }
        for (KeyDefinition key : file.definition().keys()) {
            KeyCodec codec = indexed.codec(key.number());
            if (!key.duplicates() && codec.isPresentIn(op.record)) {
                uniqueValues.computeIfAbsent(key.number(), k -> new HashMap<>())
                        .merge(ByteBuffer.wrap(codec.fromRecord(op.record)), delta, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    /** Whether the transaction holds a granted lock on key value {@code value} of key 0. */
    boolean holdsPrimaryKey(byte[] value) {
        String name = FileLocks.keyName(0, value);
        return transaction.owner().locks().stream()
                .anyMatch(l -> l.resourceName().equals(name) && l.grantedMode() != null
                        && l.parent().map(p -> p.resourceName().equals(file.locks().fileLockName())).orElse(false));
    }

    /**
     * Locks (or converts up) the record at {@code rfa} in {@code mode} for the transaction's owner,
     * waiting up to {@code wait} ({@link Duration#ZERO}: not at all).
     *
     * @throws RmsException RLK, TMO, DEADLOCK (the transaction is then rollback-only), TXTIMEOUT if the
     *                      transaction timed out meanwhile, CANCELLED or CLOSED
     */
    void lockRecord(Rfa rfa, LockMode mode, Duration wait) {
        try {
            file.locks().lockRecord(transaction.owner(), rfa, mode, waiting(wait));
        } catch (RmsException e) {
            throw transaction.lockFailure(e);
        }
    }

    /** Locks value {@code value} (as stored in records) of key {@code keyOfReference}; otherwise as {@link #lockRecord}. */
    void lockKey(int keyOfReference, byte[] value, LockMode mode, Duration wait) {
        try {
            file.locks().lockKey(transaction.owner(), keyOfReference, value, mode, waiting(wait));
        } catch (RmsException e) {
            throw transaction.lockFailure(e);
        }
    }

    /** RMS's WAT with TMO in whole seconds (rounded up, at most 255), or no wait for zero. */
    private static RecordOptions waiting(Duration wait) {
        return WAITS[RecordOptions.timeoutSecondsFor(wait)];
    }

    /** Each WAT+TMO by its seconds, made once: every record lock a transaction takes needs one. */
    private static final RecordOptions[] WAITS = java.util.stream.IntStream.rangeClosed(0, RecordOptions.MAX_TIMEOUT_SECONDS)
            .mapToObj(seconds -> seconds == 0 ? RecordOptions.DEFAULT : RecordOptions.waitSeconds(seconds))
            .toArray(RecordOptions[]::new);

    /** Gives back every lock the transaction holds on this file. */
    void releaseLocks() {
        file.locks().releaseAll(transaction.owner());
    }

    /** One EX lock a change needs: a record (by RFA) or a key value; {@code name} orders them. */
    record WriteLock(String name, Rfa rfa, int keyOfReference, byte[] value) {
    }

    /**
     * The EX locks applying {@code op} needs: the record changed, and the values of unique keys a new
     * or changed record takes (so two transactions cannot both store one).
     */
    List<WriteLock> writeLocks(PendingOp op) {
        List<WriteLock> needed = new ArrayList<>();
        if (op.target != null) {
            needed.add(new WriteLock(FileLocks.recordName(op.target), op.target, 0, null));
        }
        if (op.kind == WriteOp.Kind.PUT_CELL) {
            byte[] cell = RelativeOrganization.key(op.recordNumber);
            needed.add(new WriteLock(FileLocks.keyName(0, cell), null, 0, cell));
        }
        if (op.record != null && file.definition().organization() == Organization.INDEXED) {
            for (KeyDefinition key : file.definition().keys()) {
                if (key.duplicates() || op.record.length < key.minimumRecordSize()) {
                    continue;
                }
                byte[] value = keyValue(key, op.record);
                boolean kept = op.before != null && op.before.length >= key.minimumRecordSize()
                        && Arrays.equals(value, keyValue(key, op.before));
                if (!kept) {
                    needed.add(new WriteLock(FileLocks.keyName(key.number(), value), null, key.number(), value));
                }
            }
        }
        return needed;
    }

    /** Takes one write lock EX. */
    void lock(WriteLock lock, Duration wait) {
        if (lock.rfa() != null) {
            lockRecord(lock.rfa(), LockMode.EX, wait);
        } else {
            lockKey(lock.keyOfReference(), lock.value(), LockMode.EX, wait);
        }
    }

    /** The value of {@code key} in {@code record}: its segments, concatenated. */
    static byte[] keyValue(KeyDefinition key, byte[] record) {
        byte[] value = new byte[key.length()];
        int at = 0;
        for (KeySegment segment : key.segments()) {
            System.arraycopy(record, segment.position(), value, at, segment.length());
            at += segment.length();
        }
        return value;
    }
}
