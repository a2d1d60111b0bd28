package dev.locksmith.rms;

import dev.locksmith.lock.LockMode;
import dev.locksmith.rms.index.KeyCodec;
import dev.locksmith.rms.journal.WriteOp;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.Located;
import dev.locksmith.rms.org.RelativeOrganization;
import java.util.Arrays;

/**
 * A record stream working inside a {@link Transaction}: the same services as a
 * {@link RecordStream}, where reads see the file as committed plus this transaction's own changes,
 * and changes stay in the transaction until it commits.
 *
 * <p><b>Order.</b> {@link #next()} returns records in the key of reference's order, merging the
 * file's records with the transaction's: a record it changed is returned with its new contents (in
 * the place its new key value gives it), one it deleted is skipped, one it stored appears in key
 * order — after the file's records with an equal key value. New records of a sequential file follow
 * the file's records; new records of a relative file stored without a record number follow every
 * numbered cell. Records a transaction stores have no RFA until it commits, so {@link #put} returns
 * none.
 *
 * <p><b>Locks.</b> {@link TransactionMode#PESSIMISTIC}: each record returned is locked PR, or EX
 * when the stream reads {@linkplain #forUpdate(boolean) for update}, and the lock is taken before
 * the record is read again, so what is returned is what the lock protects; an exact lookup of a
 * primary key that finds nothing locks that key value (PR), so no other transaction can store it
 * until this one ends. Changes lock EX what they change (and the unique key values they store).
 * {@link TransactionMode#OPTIMISTIC}: no locks; what is read is remembered and checked at commit.
 * Phantoms — records another transaction stores in a range this one scanned — are not detected.
 *
 * <p>Not thread-safe: one stream per thread; calls go through the transaction, which serializes
 * them. Errors as {@link Transaction}; a service that throws leaves the stream's position and the
 * transaction's changes as they were.
 */
public final class TransactionStream {
    private final Transaction tx;
    private final FileWork work;
    private final RmsFile file;
    private final FileDefinition definition;
    private boolean forUpdate;
    private java.time.Duration lockWait;
    private int keyOfReference;
    /** The current record, or null before the first. */
    private Candidate current;
    /** The last file record consumed in this order, from which the next is searched; null for the start. */
    private Located liveAfter;
    /** The next file record not yet consumed, when known. */
    private Candidate livePeek;
    private boolean livePeekKnown;

    /** A record the stream may return: from the file ({@code live}) or from the write set ({@code pending}). */
    private record Candidate(Located live, PendingOp pending, byte[] record, byte[] sortKey) {
        Rfa rfa() {
            return live != null ? live.rfa() : pending.target;
        }
    }

    TransactionStream(Transaction tx, FileWork work) {
        this.tx = tx;
        this.work = work;
        this.file = work.file;
        this.definition = file.definition();
        this.lockWait = tx.store().options().lockWait();
    }

    /** The file this stream works on. */
    public RmsFile file() {
        return file;
    }

    /**
     * Pessimistic mode: whether reads lock the records they return EX (to be changed) rather than PR.
     * Reading for update avoids the deadlock two readers meet when both then change the record.
     */
    public TransactionStream forUpdate(boolean value) {
        this.forUpdate = value;
        return this;
    }

    /**
     * Pessimistic mode: how long this stream's lock requests wait for a record or key held by another
     * transaction ({@code RAB$V_WAT} with {@code RAB$B_TMO}); {@link java.time.Duration#ZERO} fails at
     * once with {@link RmsStatus#RLK}. The default is the store's {@link RecordStore.Options#lockWait()}.
     */
    public TransactionStream lockWait(java.time.Duration wait) {
        if (wait == null || wait.isNegative()) {
            throw new RmsException(RmsStatus.IAL, "wait is " + wait + "; it must be zero or positive");
        }
        this.lockWait = wait;
        return this;
    }

    /** Reads the first record whose key {@code keyOfReference} matches {@code key} under {@code match}. */
    public byte[] get(int keyOfReference, byte[] key, KeyMatch match) {
        if (key == null) {
            throw new RmsException(RmsStatus.IAL, "key is null");
        }
        if (match == null) {
            throw new RmsException(RmsStatus.IAL, "match is null; choose EQ, GE or GT");
        }
        synchronized (tx) {
            tx.requireActive("get");
            if (definition.organization() == Organization.SEQUENTIAL) {
                throw new RmsException(RmsStatus.ORG, "keyed access needs an indexed or relative file; " + work.name + " is sequential");
            }
            if (definition.organization() == Organization.INDEXED) {
                definition.key(keyOfReference);
            } else if (keyOfReference != 0) {
                throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; "
                        + work.name + " is relative and has only 0");
            }
            byte[] encoded = encode(keyOfReference, key);
            while (true) {
                Located start = read("get", () -> file.organization().seek(keyOfReference, key, match));
                Candidate live = skipChanged(keyOfReference, start);
                Candidate pending = firstPending(keyOfReference, encoded, match);
                Candidate chosen = earlier(live, pending);
                if (chosen == null || (match == KeyMatch.EQ && !prefixEquals(chosen.sortKey, encoded))) {
                    missed(keyOfReference, key, encoded, match);
                    continue;
                }
                Candidate locked = lockAndReread(keyOfReference, chosen);
                if (locked == null) {
                    continue;
                }
                this.keyOfReference = keyOfReference;
                positionAt(locked, live);
                return locked.record.clone();
            }
        }
    }

    /** {@link #get(int, byte[], KeyMatch)} on the primary key, exact match. */
    public byte[] get(byte[] key) {
        return get(0, key, KeyMatch.EQ);
    }

    /** Relative files: reads cell {@code recordNumber}; RNF if it is empty. */
    public byte[] get(long recordNumber) {
        requireRelative("get by record number");
        checkRecordNumber(recordNumber);
        return get(0, RelativeOrganization.key(recordNumber), KeyMatch.EQ);
    }

    /** Reads the record at {@code rfa} (as this transaction sees it); next continues in primary key order. */
    public byte[] get(Rfa rfa) {
        if (rfa == null) {
            throw new RmsException(RmsStatus.RFA, "rfa is null");
        }
        synchronized (tx) {
            tx.requireActive("get by rfa");
            PendingOp op = work.changed.get(rfa);
            if (op != null && op.kind == WriteOp.Kind.DELETE) {
                throw new RmsException(RmsStatus.RNF, "record " + rfa + " of " + work.name + " was deleted by this transaction");
            }
            while (true) {
                Located found = read("get by rfa", () -> file.organization().byRfa(rfa));
                Candidate candidate = new Candidate(found, null, op == null ? found.record() : op.record, sortKey(0, found));
                Candidate locked = lockAndReread(0, candidate);
                if (locked != null) {
                    keyOfReference = 0;
                    positionAt(locked, null);
                    return locked.record.clone();
                }
            }
        }
    }

    /** Reads the record after the current one in the key of reference's order; EOF when there is none. */
    public byte[] next() {
        synchronized (tx) {
            tx.requireActive("next");
            while (true) {
                if (!livePeekKnown) {
                    Located after = liveAfter;
                    Located start = read("next", () -> after == null
                            ? file.organization().first(keyOfReference)
                            : file.organization().after(after));
                    livePeek = skipChanged(keyOfReference, start);
                    livePeekKnown = true;
                }
                Candidate pending = pendingAfter(current);
                Candidate chosen = earlier(livePeek, pending);
                if (chosen == null) {
                    throw new RmsException(RmsStatus.EOF, "no record after " + (current == null ? "the start" : "the current one")
                            + " of " + work.name + " in key " + keyOfReference + " order");
                }
                Candidate locked = lockAndReread(keyOfReference, chosen);
                if (locked == null) {
                    if (chosen.live != null) {
                        liveAfter = chosen.live;
                        livePeekKnown = false;
                    }
                    continue;
                }
                positionAt(locked, livePeek);
                return locked.record.clone();
            }
        }
    }

    /** Positions before the first record in key {@code keyOfReference}'s order. */
    public void rewind(int keyOfReference) {
        if (definition.organization() == Organization.INDEXED) {
            definition.key(keyOfReference);
        } else if (keyOfReference != 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; "
                    + definition.organization() + " files have only 0");
        }
        this.keyOfReference = keyOfReference;
        this.current = null;
        this.liveAfter = null;
        this.livePeekKnown = false;
    }

    /**
     * Stores a new record when the transaction commits. Indexed files: DUP at once if a unique key
     * value is already in the file or in this transaction (pessimistic mode locks the value first, so
     * a concurrent transaction storing it waits). The position is unchanged.
     */
    public void put(byte[] record) {
        checkRecord(record);
        synchronized (tx) {
            tx.requireActive("put");
            PendingOp op = new PendingOp(WriteOp.Kind.PUT, null, 0, null, record.clone(), 0);
            lockForWrite(op);
            checkUniqueKeys(record, null, null, null);
            work.add(WriteOp.Kind.PUT, null, 0, null, record.clone());
        }
    }

    /** Relative files: stores {@code record} in cell {@code recordNumber} at commit; REX if it is occupied. */
    public void put(long recordNumber, byte[] record) {
        requireRelative("put by record number");
        checkRecordNumber(recordNumber);
        checkRecord(record);
        synchronized (tx) {
            tx.requireActive("put");
            lockForWrite(new PendingOp(WriteOp.Kind.PUT_CELL, null, recordNumber, null, record, 0));
            byte[] cell = RelativeOrganization.key(recordNumber);
            for (PendingOp op : work.ops) {
                if (!op.removed && op.kind == WriteOp.Kind.PUT_CELL && op.recordNumber == recordNumber) {
                    throw new RmsException(RmsStatus.REX, "cell " + recordNumber + " of " + work.name + " is already stored by this transaction");
                }
            }
            Located there = read("put", () -> file.organization().seek(0, cell, KeyMatch.EQ));
            if (there != null && !isDeletedHere(there.rfa())) {
                throw new RmsException(RmsStatus.REX, "cell " + recordNumber + " of " + work.name + " already holds a record");
            }
            work.add(WriteOp.Kind.PUT_CELL, null, recordNumber, null, record.clone());
        }
    }

    /**
     * Replaces the current record at commit. The primary key may not change, an alternate key only
     * if it has CHANGES (CHG otherwise); sequential records keep their size.
     */
    public void update(byte[] record) {
        checkRecord(record);
        synchronized (tx) {
            tx.requireActive("update");
            Candidate at = requireCurrent("update");
            byte[] before = at.record;
            checkKeyChanges(before, record);
            if (definition.organization() == Organization.SEQUENTIAL && before.length != record.length) {
                throw new RmsException(RmsStatus.RTB, "record is " + record.length + " bytes; a sequential record can only be"
                        + " updated at its own size, " + before.length);
            }
            if (at.pending != null && at.pending.isNewRecord()) {
                checkUniqueKeys(record, before, at.pending, null);
                work.replaceRecord(at.pending, record.clone());
            } else {
                Rfa rfa = at.rfa();
                PendingOp previous = work.changed.get(rfa);
                PendingOp probe = new PendingOp(WriteOp.Kind.UPDATE, rfa, 0, before, record, 0);
                lockForWrite(probe);
                checkUniqueKeys(record, before, previous, rfa);
                if (previous != null) {
                    work.replaceRecord(previous, record.clone());
                } else {
                    work.markChanged(rfa, work.add(WriteOp.Kind.UPDATE, rfa, 0, before.clone(), record.clone()));
                }
            }
            current = new Candidate(at.live, at.pending != null ? at.pending : work.changed.get(at.rfa()), record.clone(), at.sortKey);
        }
    }

    /** Deletes the current record at commit (indexed and relative files); next continues after it. */
    public void delete() {
        synchronized (tx) {
            tx.requireActive("delete");
            if (definition.organization() == Organization.SEQUENTIAL) {
                throw new RmsException(RmsStatus.ORG, "records of a sequential file cannot be deleted, only truncated");
            }
            Candidate at = requireCurrent("delete");
            if (at.pending != null && at.pending.isNewRecord()) {
                work.drop(at.pending);
                return;
            }
            Rfa rfa = at.rfa();
            lockForWrite(new PendingOp(WriteOp.Kind.DELETE, rfa, 0, at.record, null, 0));
            PendingOp previous = work.changed.get(rfa);
            if (previous != null) {
                work.drop(previous);
            }
            work.markChanged(rfa, work.add(WriteOp.Kind.DELETE, rfa, 0, at.record.clone(), null));
        }
    }

    /**
     * Relative files: the record number of the current record, or 0 for a record this transaction
     * stored without one (it gets its cell at commit).
     *
     * @throws RmsException ORG unless the file is relative; CUR if there is no current record
     */
    public long currentRecordNumber() {
        requireRelative("currentRecordNumber");
        synchronized (tx) {
            Candidate at = requireCurrent("currentRecordNumber");
            return at.sortKey.length == RelativeOrganization.key(1).length ? RelativeOrganization.recordNumber(at.sortKey) : 0;
        }
    }

    /** The RFA of the current record; null if there is none or it is new in this transaction. */
    public Rfa currentRfa() {
        return current == null ? null : current.rfa();
    }

    // ---- reading ----

    /** The first file record from {@code start} on that this transaction did not delete or move out of place. */
    private Candidate skipChanged(int key, Located start) {
        Located at = start;
        while (at != null) {
            PendingOp op = work.changed.get(at.rfa());
            if (op == null) {
                return new Candidate(at, null, at.record(), sortKey(key, at));
            }
            if (op.kind == WriteOp.Kind.UPDATE && !op.removed && inPlace(key, op)) {
                return new Candidate(at, op, op.record, sortKey(key, at));
            }
            Located from = at;
            at = read("next", () -> file.organization().after(from));
        }
        return null;
    }

    /** Whether an updated record keeps its place in key {@code key}'s order (that key did not change). */
    private boolean inPlace(int key, PendingOp op) {
        if (definition.organization() != Organization.INDEXED || op.before == null) {
            return true;
        }
        KeyCodec codec = codec(key);
        boolean was = codec.isPresentIn(op.before);
        boolean is = codec.isPresentIn(op.record);
        return was == is && (!is || Arrays.equals(codec.fromRecord(op.before), codec.fromRecord(op.record)));
    }

    /** The first of this transaction's records (new or moved) at or after {@code encoded} under {@code match}. */
    private Candidate firstPending(int key, byte[] encoded, KeyMatch match) {
        Candidate best = null;
        for (PendingOp op : work.ops) {
            byte[] sort = pendingSortKey(key, op);
            if (sort == null) {
                continue;
            }
            int c = Arrays.compareUnsigned(sort, 0, Math.min(sort.length, encoded.length), encoded, 0, encoded.length);
            if (sort.length < encoded.length && c == 0) {
                c = -1;
            }
            boolean matches = match == KeyMatch.GT ? c > 0 : c >= 0;
            Candidate candidate = new Candidate(null, op, op.record, sort);
            if (matches && (best == null || order(candidate, best) < 0)) {
                best = candidate;
            }
        }
        return best;
    }

    /** The first of this transaction's records after {@code position} in the current order. */
    private Candidate pendingAfter(Candidate position) {
        Candidate best = null;
        for (PendingOp op : work.ops) {
            byte[] sort = pendingSortKey(keyOfReference, op);
            if (sort == null) {
                continue;
            }
            Candidate candidate = new Candidate(null, op, op.record, sort);
            if ((position == null || order(candidate, position) > 0) && (best == null || order(candidate, best) < 0)) {
                best = candidate;
            }
        }
        return best;
    }

    /** Where a change of this transaction sorts in key {@code key}'s order, or null if it is not a record there. */
    private byte[] pendingSortKey(int key, PendingOp op) {
        if (op.removed || op.record == null) {
            return null;
        }
        if (op.kind == WriteOp.Kind.UPDATE && inPlace(key, op)) {
            return null; // returned in the file record's place
        }
        return switch (definition.organization()) {
            case INDEXED -> codec(key).isPresentIn(op.record) ? codec(key).fromRecord(op.record) : null;
            case RELATIVE -> op.kind == WriteOp.Kind.PUT_CELL
                    ? RelativeOrganization.key(op.recordNumber)
                    : new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            case SEQUENTIAL -> new byte[0];
        };
    }

    /**
     * Order of two candidates: by key value; at equal values file records come before this
     * transaction's, which come in the order they were made.
     */
    private static int order(Candidate a, Candidate b) {
        int c = Arrays.compareUnsigned(a.sortKey, b.sortKey);
        if (c != 0) {
            return c;
        }
        boolean aNew = a.live == null;
        boolean bNew = b.live == null;
        if (aNew != bNew) {
            return aNew ? 1 : -1;
        }
        if (aNew) {
            return Long.compare(a.pending.sequence, b.pending.sequence);
        }
        return a.live.orderKey() == null ? 0 : Arrays.compareUnsigned(a.live.orderKey(), b.live.orderKey());
    }

    private static Candidate earlier(Candidate a, Candidate b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return order(a, b) <= 0 ? a : b;
    }

    /**
     * Locks a file record as the mode says and reads it again under the lock. Returns null if it was
     * deleted or moved meanwhile (the caller searches again). Records of this transaction need nothing.
     */
    private Candidate lockAndReread(int key, Candidate chosen) {
        if (chosen.live == null) {
            return chosen;
        }
        Rfa rfa = chosen.live.rfa();
        if (tx.mode() == TransactionMode.OPTIMISTIC) {
            if (chosen.pending == null) {
                work.readImages.putIfAbsent(rfa, chosen.record.clone());
            }
            return chosen;
        }
        if (chosen.pending != null) {
            return chosen; // changed by this transaction: already locked EX
        }
        work.lockRecord(rfa, forUpdate ? LockMode.EX : LockMode.PR, lockWait);
        Located now;
        try {
            now = read("get", () -> file.organization().byRfa(rfa));
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RNF) {
                return null;
            }
            throw e;
        }
        byte[] sort = sortKey(key, now, chosen.live);
        if (!prefixEquals(sort, chosen.sortKey)) {
            return null;
        }
        return new Candidate(chosen.live, null, now.record(), chosen.sortKey);
    }

    /** An exact lookup found nothing: lock (pessimistic) or remember (optimistic) the absent primary key. */
    private void missed(int keyOfReference, byte[] key, byte[] encoded, KeyMatch match) {
        boolean exactPrimary = keyOfReference == 0 && match == KeyMatch.EQ && definition.organization() == Organization.INDEXED
                && encoded.length == codec(0).length();
        if (exactPrimary && tx.mode() == TransactionMode.PESSIMISTIC) {
            if (!work.holdsPrimaryKey(key)) {
                work.lockKey(0, key, LockMode.PR, lockWait);
                return; // look again under the lock
            }
        } else if (exactPrimary) {
            work.absentKeys.add(Transaction.keyOf(key));
        }
        throw new RmsException(RmsStatus.RNF, "no record in " + work.name + " with key " + keyOfReference + " " + match + " the value given");
    }

    private void positionAt(Candidate at, Candidate peekIfPending) {
        current = at;
        if (at.live != null) {
            liveAfter = at.live;
            livePeekKnown = false;
        } else {
            livePeek = peekIfPending;
            livePeekKnown = true;
        }
    }

    /** The sort key of a file record in key {@code key}'s order. */
    private byte[] sortKey(int key, Located located) {
        return switch (definition.organization()) {
            case INDEXED -> codec(key).isPresentIn(located.record()) ? codec(key).fromRecord(located.record()) : new byte[0];
            case RELATIVE -> located.orderKey();
            case SEQUENTIAL -> new byte[0];
        };
    }

    private byte[] sortKey(int key, Located now, Located was) {
        return definition.organization() == Organization.RELATIVE ? was.orderKey() : sortKey(key, now);
    }

    // ---- writing ----

    private void lockForWrite(PendingOp op) {
        if (tx.mode() == TransactionMode.PESSIMISTIC) {
            for (FileWork.WriteLock lock : work.writeLocks(op)) {
                work.lock(lock, lockWait);
            }
        }
    }

    /**
     * DUP if {@code record} takes a unique key value that is already in the file or in this
     * transaction. {@code before} is the record it replaces (null for a new one), {@code self} its
     * pending change and {@code selfRfa} its place in the file, if any: values it keeps are not checked.
     */
    private void checkUniqueKeys(byte[] record, byte[] before, PendingOp self, Rfa selfRfa) {
        if (!(file.organization() instanceof IndexedOrganization)) {
            return;
        }
        for (KeyDefinition key : definition.keys()) {
            KeyCodec codec = codec(key.number());
            if (key.duplicates() || !codec.isPresentIn(record)) {
                continue;
            }
            byte[] value = codec.fromRecord(record);
            if (before != null && codec.isPresentIn(before) && Arrays.equals(value, codec.fromRecord(before))) {
                continue;
            }
            if (work.pendingCarries(key.number(), value, self)) {
                throw duplicate(key);
            }
            byte[] raw = FileWork.keyValue(key, record);
            Located there = read("put", () -> file.organization().seek(key.number(), raw, KeyMatch.EQ));
            if (there != null && !there.rfa().equals(selfRfa) && !isDeletedHere(there.rfa())
                    && !movedAway(there.rfa(), key.number(), value)) {
                throw duplicate(key);
            }
        }
    }

    private RmsException duplicate(KeyDefinition key) {
        return new RmsException(RmsStatus.DUP, "key " + key.number() + " value is already in " + work.name
                + " and key " + key.number() + " does not allow duplicates");
    }

    private boolean isDeletedHere(Rfa rfa) {
        PendingOp op = work.changed.get(rfa);
        return op != null && op.kind == WriteOp.Kind.DELETE && !op.removed;
    }

    /** Whether this transaction changed the record at {@code rfa} to another value of key {@code key}. */
    private boolean movedAway(Rfa rfa, int key, byte[] value) {
        PendingOp op = work.changed.get(rfa);
        if (op == null || op.removed || op.record == null) {
            return false;
        }
        KeyCodec codec = codec(key);
        return !codec.isPresentIn(op.record) || !Arrays.equals(value, codec.fromRecord(op.record));
    }

    private void checkKeyChanges(byte[] before, byte[] after) {
        if (definition.organization() != Organization.INDEXED) {
            return;
        }
        for (KeyDefinition key : definition.keys()) {
            KeyCodec codec = codec(key.number());
            boolean was = codec.isPresentIn(before);
            boolean is = codec.isPresentIn(after);
            boolean same = was == is && (!is || Arrays.equals(codec.fromRecord(before), codec.fromRecord(after)));
            if (!same && (key.number() == 0 || !key.changes())) {
                throw new RmsException(RmsStatus.CHG, "update changes key " + key.number() + (key.number() == 0
                        ? ", the primary key, which never changes" : ", which does not allow CHANGES"));
            }
        }
    }

    private void checkRecord(byte[] record) {
        if (record == null) {
            throw new RmsException(RmsStatus.IAL, "record is null");
        }
        definition.checkRecordSize(record);
    }

    private Candidate requireCurrent(String operation) {
        if (current == null) {
            throw new RmsException(RmsStatus.CUR, "there is no current record for " + operation + ": get or find one first");
        }
        if (current.pending != null && current.pending.removed) {
            throw new RmsException(RmsStatus.CUR, "the current record was deleted by this transaction");
        }
        if (current.live != null && isDeletedHere(current.live.rfa())) {
            throw new RmsException(RmsStatus.CUR, "the current record " + current.live.rfa() + " was deleted by this transaction");
        }
        return current;
    }

    private byte[] encode(int key, byte[] value) {
        return definition.organization() == Organization.INDEXED ? codec(key).fromValue(value) : value.clone();
    }

    private KeyCodec codec(int key) {
        return ((IndexedOrganization) file.organization()).codec(key);
    }

    private RelativeOrganization requireRelative(String operation) {
        if (file.organization() instanceof RelativeOrganization relative) {
            return relative;
        }
        throw new RmsException(RmsStatus.ORG, operation + " is for relative files; " + work.name + " is "
                + definition.organization());
    }

    private static void checkRecordNumber(long recordNumber) {
        if (recordNumber < 1 || recordNumber > RelativeOrganization.MAX_RECORD_NUMBER) {
            throw new RmsException(RmsStatus.KEY, "record number " + recordNumber + " is not in 1.."
                    + RelativeOrganization.MAX_RECORD_NUMBER);
        }
    }

    private static boolean prefixEquals(byte[] sortKey, byte[] encoded) {
        return sortKey.length >= encoded.length && Arrays.equals(sortKey, 0, encoded.length, encoded, 0, encoded.length);
    }

    /** Runs a reading service on the file for the transaction's owner. */
    private <T> T read(String operation, java.util.function.Supplier<T> work) {
        return file.inspect(tx.owner(), operation, work);
    }

    @Override
    public String toString() {
        return "TransactionStream[" + work.name + " in " + tx + "]";
    }
}
