package dev.locksmith.rms;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.rms.index.BTree;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.Located;
import dev.locksmith.rms.org.RelativeOrganization;
import dev.locksmith.rms.org.SequentialOrganization;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * A record stream on an {@link RmsFile}, the counterpart of an RMS record access block (RAB): it
 * has a current record and a position from which {@link #next()} continues, in the order of the key
 * of reference last used.
 *
 * <p><b>Record locks</b> (on a file whose opener {@linkplain Sharing#takesRecordLocks() takes them}),
 * as {@code RAB$L_ROP} says ({@link RecordOption}; per stream in {@link StreamOptions}, or per call):
 * by default a record read is locked EX and unlocked by the stream's next operation; REA locks it PR,
 * RLK PW (others may still read it with NLK); ULK keeps locks until {@link #free()} or
 * {@link #release(Rfa)}; NLK probes and returns the record unlocked; RRL returns a locked record
 * anyway with {@link RmsStatus#OK_RRL}; NQL makes no record-lock call; WAT waits (TMO seconds, or
 * forever) instead of failing with {@link RmsStatus#RLK}. {@link #update} and {@link #delete} lock the
 * current record EX if the stream does not hold it so. A stream made for a caller's owner keeps every
 * lock until that owner releases it. Success statuses that carry information (OK_RLK, OK_RRL,
 * OK_WAT) are in {@link #lastStatus()}.
 *
 * <p>Every service is atomic and validates its arguments before changing anything: a service that
 * throws {@link RmsException} has left the file and this stream's position as they were (a record
 * lock held until "the next operation" is released by the failed one too). Not thread-safe: use one
 * stream per thread; streams of one file run concurrently. Close a stream to release its locks and
 * its lock owner (closing the file does it for every stream).
 */
public final class RecordStream implements AutoCloseable {
    private final RmsFile file;
    private final LockOwner callerOwner;
    private final ContentionPolicy contention;
    private LockOwner ownOwner;
    private RecordOptions options;
    private int keyOfReference;
    private Located current;
    /** The record locked until this stream's next operation (default ROP), or null. */
    private Rfa lockedUntilNext;
    /** The lock on {@link #lockedUntilNext}, kept so that the update or release after a read finds it without a lookup. */
    private Lock lockUntilNext;
    private RmsStatus lastStatus = RmsStatus.SUC;
    private boolean closed;
    /** The last WAT options a read was asked with, and the same without WAT ({@link #withoutWait}). */
    private RecordOptions waitingOptions;
    private RecordOptions withoutWaitOptions;

    RecordStream(RmsFile file, StreamOptions streamOptions) {
        this.file = file;
        this.callerOwner = streamOptions.owner();
        this.options = streamOptions.recordOptions();
        this.contention = streamOptions.contention();
    }

    /** The status of this stream's last successful operation: SUC, or OK_RLK, OK_RRL, OK_WAT. */
    public RmsStatus lastStatus() {
        return lastStatus;
    }

    /** The stream's default record options. */
    public RecordOptions options() {
        return options;
    }

    /** Sets the stream's default record options (calls without options use them). */
    public void options(RecordOptions recordOptions) {
        RmsFile.require(recordOptions, "recordOptions");
        this.options = recordOptions;
    }

    /**
     * Reads the first record whose key {@code keyOfReference} matches {@code key} and makes it
     * current; {@link #next()} then continues in that key's order.
     *
     * @param key the key value as the concatenated segments in record format; shorter than the key
     *            for a generic match (STRING keys)
     * @throws RmsException RNF if no record matches, KRF/KEY for a bad key of reference or value, IAL
     *                      for a null argument, RLK/TMO/DEADLOCK if the record is locked
     */
    public byte[] get(int keyOfReference, byte[] key, KeyMatch match, RecordOptions recordOptions) {
        RmsFile.require(key, "key");
        RmsFile.require(match, "match");
        RmsFile.require(recordOptions, "recordOptions");
        Located found = read("get", recordOptions, () -> file.organization().seek(keyOfReference, key, match));
        if (found == null) {
            throw new RmsException(RmsStatus.RNF, "no record with key " + keyOfReference + " " + match + " the value given");
        }
        return found.record();
    }

    /** Like {@link #get(int, byte[], KeyMatch, RecordOptions)} with the stream's options. */
    public byte[] get(int keyOfReference, byte[] key, KeyMatch match) {
        return get(keyOfReference, key, match, options);
    }

    /** Like {@link #get(int, byte[], KeyMatch, RecordOptions)} with the default exact match. */
    public byte[] get(int keyOfReference, byte[] key) {
        return get(keyOfReference, key, KeyMatch.EQ, options);
    }

    /** Like {@link #get(int, byte[], KeyMatch)} but returns the record's RFA instead of the record ($FIND). */
    public Rfa find(int keyOfReference, byte[] key, KeyMatch match) {
        get(keyOfReference, key, match);
        return current.rfa();
    }

    /** Reads the record at {@code rfa} and makes it current; next continues in primary key order. */
    public byte[] get(Rfa rfa, RecordOptions recordOptions) {
        RmsFile.require(rfa, "rfa");
        RmsFile.require(recordOptions, "recordOptions");
        return read("get by rfa", recordOptions, () -> file.organization().byRfa(rfa)).record();
    }

    /** Like {@link #get(Rfa, RecordOptions)} with the stream's options. */
    public byte[] get(Rfa rfa) {
        return get(rfa, options);
    }

    /** Relative files: reads cell {@code recordNumber}; RNF if it is empty. */
    public byte[] get(long recordNumber) {
        requireRelative("get by record number");
        checkRecordNumber(recordNumber);
        return get(0, RelativeOrganization.key(recordNumber), KeyMatch.EQ);
    }

    /**
     * Reads the record after the current one (or the first, after {@link #rewind}) in the current
     * key of reference's order and makes it current.
     *
     * @throws RmsException EOF when there is none
     */
    public byte[] next(RecordOptions recordOptions) {
        RmsFile.require(recordOptions, "recordOptions");
        Located from = current;
        int order = keyOfReference;
        Located found = read("next", recordOptions, () -> from == null
                ? file.organization().first(order)
                : file.organization().after(from));
        if (found == null) {
            throw new RmsException(RmsStatus.EOF, "no record after " + (from == null ? "the start" : "rfa " + from.rfa())
                    + " in key " + order + " order");
        }
        return found.record();
    }

    /** Like {@link #next(RecordOptions)} with the stream's options. */
    public byte[] next() {
        return next(options);
    }

    /** Stores a new record; the stream's position is unchanged. Returns the record's RFA. */
    public Rfa put(byte[] record) {
        RmsFile.require(record, "record");
        requireAccess(FileAccess.PUT, "put");
        releaseUntilNext();
        return change("put", () -> file.organization().put(record));
    }

    /**
     * Indexed files: stores the record, or replaces the record with the same primary key if there is
     * one — RMS {@code $PUT} with the update-if-exists option ({@code RAB$V_UIF}). The replacement
     * follows the rules of {@link #update} and needs the record's lock (RLK if another holds it).
     * The stream's position is unchanged.
     */
    public Rfa putOrUpdate(byte[] record) {
        RmsFile.require(record, "record");
        if (!(file.organization() instanceof IndexedOrganization indexed)) {
            throw new RmsException(RmsStatus.ORG, "update-if-exists is for indexed files; this file is "
                    + file.definition().organization());
        }
        requireAccess(FileAccess.PUT, "put or update");
        requireAccess(FileAccess.UPD, "put or update");
        releaseUntilNext();
        return change("put or update", () -> {
            if (recordLocking(options) && indexed.codec(0).isPresentIn(record)) {
                BTree.Position existing = indexed.tree(0).find(indexed.codec(0).fromRecord(record));
                if (existing != null) {
                    Rfa rfa = IndexedOrganization.rfaAt(existing);
                    boolean held = holdsWritable(rfa);
                    // Inside the service only a NOQUEUE request is made, so the tree lock is never held while waiting.
                    Lock lock = lockForWrite(rfa, RecordOptions.DEFAULT);
                    if (!held && !keepsLocks(options)) {
                        lockedUntilNext = rfa;
                        lockUntilNext = lock;
                    }
                }
            }
            return indexed.putOrUpdate(record);
        });
    }

    /**
     * Stores every record in {@code records} as one atomic service: all are stored, or — if any is
     * rejected — none, and the exception names the record's place in the list. Bulk loads use it
     * to write each touched bucket once per batch instead of once per record.
     */
    public List<Rfa> putAll(List<byte[]> records) {
        RmsFile.require(records, "records");
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new RmsException(RmsStatus.IAL, "records[" + i + "] is null");
            }
        }
        requireAccess(FileAccess.PUT, "put all");
        releaseUntilNext();
        return change("put all", () -> {
            List<Rfa> rfas = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                try {
                    rfas.add(file.organization().put(records.get(i)));
                } catch (RmsException e) {
                    throw new RmsException(e.status(), "record " + i + " of the batch: " + e.getMessage(), e);
                }
            }
            return rfas;
        });
    }

    /** Relative files: stores {@code record} in cell {@code recordNumber}; REX if it is occupied. */
    public Rfa put(long recordNumber, byte[] record) {
        RelativeOrganization relative = requireRelative("put by record number");
        checkRecordNumber(recordNumber);
        RmsFile.require(record, "record");
        requireAccess(FileAccess.PUT, "put");
        releaseUntilNext();
        return change("put", () -> relative.put(recordNumber, record));
    }

    /**
     * Replaces the current record. The primary key may not change; an alternate key only if it has
     * CHANGES (CHG otherwise); sequential records keep their size.
     */
    public void update(byte[] record) {
        RmsFile.require(record, "record");
        requireAccess(FileAccess.UPD, "update");
        Located before = requireCurrent("update");
        withCurrentLocked(before, "update", () -> {
            file.organization().update(before, record);
            return null;
        });
        current = new Located(before.keyOfReference(), before.orderKey(), before.rfa(), record.clone());
    }

    /** Deletes the current record (indexed and relative files); next continues after it. */
    public void delete() {
        requireAccess(FileAccess.DEL, "delete");
        if (file.organization() instanceof SequentialOrganization) {
            throw new RmsException(RmsStatus.ORG, "records of a sequential file cannot be deleted, only truncated");
        }
        Located before = requireCurrent("delete");
        withCurrentLocked(before, "delete", () -> {
            file.organization().delete(before);
            return null;
        });
    }

    /** Sequential files: deletes the current record and every one after it. */
    public void truncate() {
        requireAccess(FileAccess.TRN, "truncate");
        if (!(file.organization() instanceof SequentialOrganization)) {
            throw new RmsException(RmsStatus.ORG, "truncate is for sequential files; this file is "
                    + file.definition().organization());
        }
        Located before = requireCurrent("truncate");
        withCurrentLocked(before, "truncate", () -> {
            file.organization().truncate(before);
            return null;
        });
        current = null;
    }

    /** Positions before the first record in key {@code keyOfReference}'s order. */
    public void rewind(int keyOfReference) {
        if (file.definition().organization() == Organization.INDEXED) {
            file.definition().key(keyOfReference);
        } else if (keyOfReference != 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; "
                    + file.definition().organization() + " files have only 0");
        }
        releaseUntilNext();
        this.keyOfReference = keyOfReference;
        this.current = null;
        lastStatus = RmsStatus.SUC;
    }

    /** Positions before the first record in the current key of reference's order. */
    public void rewind() {
        rewind(keyOfReference);
    }

    /** The RFA of the current record, or null if there is none. */
    public Rfa currentRfa() {
        return current == null ? null : current.rfa();
    }

    /** {@code $FREE}: releases every record lock this stream's owner holds on this file. */
    public void free() {
        lockedUntilNext = null;
        lockUntilNext = null;
        LockOwner owner = existingOwner();
        if (owner != null) {
            file.locks().releaseRecords(owner);
        }
        lastStatus = RmsStatus.SUC;
    }

    /** {@code $RELEASE}: releases this stream's owner's lock on the record at {@code rfa}; RNF if it holds none. */
    public void release(Rfa rfa) {
        RmsFile.require(rfa, "rfa");
        LockOwner owner = existingOwner();
        if (owner == null || !file.locks().unlockRecord(owner, rfa)) {
            throw new RmsException(RmsStatus.RNF, "this stream holds no lock on the record at " + rfa);
        }
        if (rfa.equals(lockedUntilNext)) {
            lockedUntilNext = null;
            lockUntilNext = null;
        }
        lastStatus = RmsStatus.SUC;
    }

    /** Makes every completed service of the file durable. */
    public void flush() {
        file.flush();
    }

    /** Releases this stream's locks and, if the stream has its own owner, that owner. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownOwner != null) {
            file.closeStreamOwner(ownOwner);
        }
    }

    // ---- reading with record locks ----

    /**
     * What a reading service found, and whether its record must be waited for outside the service;
     * {@code lock}: the record lock it took or already held, if any.
     */
    private record Found(Located located, RmsStatus status, boolean mustWait, Lock lock) {
        Found(Located located, RmsStatus status) {
            this(located, status, false, null);
        }
    }

    private Located read(String operation, RecordOptions rop, Supplier<Located> find) {
        checkUsable(operation);
        releaseUntilNext();
        boolean locking = recordLocking(rop);
        boolean waited = false;
        Rfa waitedFor = null;
        while (true) {
            Found found = file.service(bucketOwner(), false, fair(), operation, () -> {
                Located located = find.get();
                if (located == null || !locking) {
                    return new Found(located, RmsStatus.SUC);
                }
                return tryLock(located, rop);
            });
            if (waitedFor != null && (found.located() == null || !found.located().rfa().equals(waitedFor))) {
                // The record waited for was deleted or moved away meanwhile: its lock guards nothing now.
                file.locks().unlockRecord(owner(), waitedFor);
                waitedFor = null;
            }
            if (found.mustWait()) {
                Lock lock = file.locks().lockRecord(owner(), found.located().rfa(), readMode(rop), rop);
                waited |= lock.status() == LockStatus.NORMAL;
                waitedFor = found.located().rfa();
                continue;
            }
            Located located = found.located();
            if (located != null) {
                position(located);
                if (found.status() == RmsStatus.SUC && locking && !keepsLocks(rop)) {
                    Lock lock = found.lock() != null ? found.lock() : file.locks().heldRecord(owner(), located.rfa()).orElse(null);
                    if (lock != null) {
                        lockedUntilNext = located.rfa();
                        lockUntilNext = lock;
                    }
                }
            }
            lastStatus = waited && found.status() == RmsStatus.SUC ? RmsStatus.OK_WAT : found.status();
            return located;
        }
    }

    /** Inside a reading service: locks {@code located}'s record without waiting, as {@code rop} says. */
    private Found tryLock(Located located, RecordOptions rop) {
        Rfa rfa = located.rfa();
        FileLocks locks = file.locks();
        if (rop.has(RecordOption.NLK)) {
            if (!locks.conflicts(owner(), rfa, LockMode.EX)) {
                return new Found(located, RmsStatus.SUC);
            }
            if (!locks.conflicts(owner(), rfa, LockMode.CR)) {
                return new Found(located, RmsStatus.OK_RLK);
            }
            if (rop.has(RecordOption.RRL)) {
                return new Found(located, RmsStatus.OK_RRL);
            }
            throw new RmsException(RmsStatus.RLK, "record " + rfa + " is locked by another stream or transaction");
        }
        try {
            Lock lock = locks.lockRecord(owner(), rfa, readMode(rop), withoutWait(rop));
            return new Found(located, RmsStatus.SUC, false, lock);
        } catch (RmsException e) {
            if (e.status() != RmsStatus.RLK) {
                throw e;
            }
            if (rop.has(RecordOption.RRL)) {
                return new Found(located, RmsStatus.OK_RRL);
            }
            if (rop.has(RecordOption.WAT)) {
                return new Found(located, RmsStatus.SUC, true, null);
            }
            throw e;
        }
    }

    private static LockMode readMode(RecordOptions rop) {
        if (rop.has(RecordOption.REA)) {
            return LockMode.PR;
        }
        return rop.has(RecordOption.RLK) ? LockMode.PW : LockMode.EX;
    }

    /** {@code rop} without WAT; made once per options a stream uses in turn, since every locking read asks for it. */
    private RecordOptions withoutWait(RecordOptions rop) {
        if (!rop.has(RecordOption.WAT)) {
            return rop;
        }
        if (rop != waitingOptions) {
            EnumSet<RecordOption> set = EnumSet.copyOf(rop.options());
            set.remove(RecordOption.WAT);
            withoutWaitOptions = new RecordOptions(set, 0);
            waitingOptions = rop;
        }
        return withoutWaitOptions;
    }

    // ---- changing ----

    /** Runs a changing service on the current record, locking it EX first unless the stream holds it writable. */
    private void withCurrentLocked(Located before, String operation, Supplier<Void> work) {
        checkUsable(operation);
        boolean locking = recordLocking(options);
        Rfa rfa = before.rfa();
        // The lock a read took until this operation serves it if writable: no lookup, no second request.
        Lock untilNext = rfa.equals(lockedUntilNext) ? lockUntilNext : null;
        Lock newLock = null;
        if (locking && !(untilNext != null && writable(untilNext)) && !holdsWritable(rfa)) {
            newLock = lockForWrite(rfa, options);
        }
        try {
            change(operation, work);
        } finally {
            if (locking && !keepsLocks(options) && (newLock != null || untilNext != null)) {
                file.locks().unlock(owner(), newLock != null ? newLock : untilNext);
                lockedUntilNext = null;
                lockUntilNext = null;
            }
        }
        lastStatus = RmsStatus.SUC;
    }

    private Lock lockForWrite(Rfa rfa, RecordOptions rop) {
        return file.locks().lockRecord(owner(), rfa, LockMode.EX, rop);
    }

    private <T> T change(String operation, Supplier<T> work) {
        checkUsable(operation);
        T result = file.service(bucketOwner(), true, fair(), operation, work);
        lastStatus = RmsStatus.SUC;
        return result;
    }

    // ---- owners and lock bookkeeping ----

    private boolean recordLocking(RecordOptions rop) {
        return file.takesRecordLocks() && !rop.has(RecordOption.NQL);
    }

    /** Whether locks outlive the next operation: ULK, or a caller's owner. */
    private boolean keepsLocks(RecordOptions rop) {
        return callerOwner != null || rop.has(RecordOption.ULK);
    }

    private boolean holdsWritable(Rfa rfa) {
        return file.locks().heldRecord(owner(), rfa).map(RecordStream::writable).orElse(false);
    }

    /** Whether {@code lock} is granted in a mode that lets its owner write the record (EX or PW). */
    private static boolean writable(Lock lock) {
        LockMode granted = lock.grantedMode();
        return granted == LockMode.EX || granted == LockMode.PW;
    }

    private void releaseUntilNext() {
        if (lockedUntilNext != null) {
            Lock lock = lockUntilNext;
            lockedUntilNext = null;
            lockUntilNext = null;
            file.locks().unlock(owner(), lock);
        }
    }

    /** The owner of this stream's locks, made on first use. */
    private LockOwner owner() {
        if (callerOwner != null) {
            return callerOwner;
        }
        if (ownOwner == null) {
            ownOwner = file.newStreamOwner();
        }
        return ownOwner;
    }

    private LockOwner existingOwner() {
        return callerOwner != null ? callerOwner : ownOwner;
    }

    /** The owner for bucket locks, or null when the file takes none (so no owner is made). */
    private LockOwner bucketOwner() {
        return file.takesBucketLocks() ? owner() : null;
    }

    private boolean fair() {
        return file.fairFor(contention);
    }

    private void checkUsable(String operation) {
        if (closed) {
            throw new RmsException(RmsStatus.CLOSED, "the stream is closed; " + operation + " refused");
        }
        file.checkOpen(operation);
    }

    private void requireAccess(FileAccess function, String operation) {
        if (!file.sharing().access().contains(function)) {
            throw new RmsException(RmsStatus.FAC, operation + " needs " + function + " access; the file was opened with "
                    + file.sharing().access());
        }
    }

    private Located requireCurrent(String operation) {
        if (current == null) {
            throw new RmsException(RmsStatus.CUR, "there is no current record: get or find one before " + operation);
        }
        return current;
    }

    private void position(Located found) {
        this.current = found;
        this.keyOfReference = found.keyOfReference();
    }

    private RelativeOrganization requireRelative(String operation) {
        if (file.organization() instanceof RelativeOrganization relative) {
            return relative;
        }
        throw new RmsException(RmsStatus.ORG, operation + " is for relative files; this file is "
                + file.definition().organization());
    }

    private static void checkRecordNumber(long recordNumber) {
        if (recordNumber < 1 || recordNumber > RelativeOrganization.MAX_RECORD_NUMBER) {
            throw new RmsException(RmsStatus.KEY, "record number " + recordNumber + " is not in 1.."
                    + RelativeOrganization.MAX_RECORD_NUMBER);
        }
    }
}
