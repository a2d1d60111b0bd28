package dev.locksmith.rms.org;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.index.BTree;
import dev.locksmith.rms.index.KeyCodec;
import java.util.Arrays;

/**
 * Indexed files: a B-tree per key. Key 0's leaves are data buckets holding the records; each
 * alternate key's leaves are SIDR buckets mapping the key value to the record's RFA, as in RMS
 * prolog 3. A key that allows duplicates gets an 8-byte insertion sequence appended to its entry
 * keys, so equal values stay in the order they were stored and every entry key is unique.
 *
 * <p>A record shorter than an alternate key's last byte has no value for that key and is not in
 * its index (the primary key must always be present). Not thread-safe; see {@link FileOrganization}.
 */
public final class IndexedOrganization implements FileOrganization {
    private static final int SEQUENCE_SIZE = 8;

    private final FileDefinition definition;
    private final BucketAccess access;
    private final KeyCodec[] codecs;
    private final BTree[] trees;

    public IndexedOrganization(FileDefinition definition, BucketAccess access) {
        this.definition = definition;
        this.access = access;
        int keyCount = definition.keys().size();
        this.codecs = new KeyCodec[keyCount];
        this.trees = new BTree[keyCount];
        for (int k = 0; k < keyCount; k++) {
            KeyDefinition key = definition.keys().get(k);
            codecs[k] = new KeyCodec(key);
            int entryKeyLength = codecs[k].length() + (key.duplicates() ? SEQUENCE_SIZE : 0);
            trees[k] = new BTree(access, k, k == 0 ? KIND_DATA : KIND_SIDR, entryKeyLength, key.dataFill(), key.indexFill());
        }
    }

    /** Creates the empty root of every key's tree. */
    public void create() {
        for (BTree tree : trees) {
            tree.create();
        }
    }

    /** The tree of key {@code keyOfReference}, for analysis. */
    public BTree tree(int keyOfReference) {
        return trees[keyOfReference];
    }

    /** The codec of key {@code keyOfReference}, for analysis. */
    public KeyCodec codec(int keyOfReference) {
        return codecs[keyOfReference];
    }

    @Override
    public Located first(int keyOfReference) {
        definition.key(keyOfReference);
        return locate(keyOfReference, trees[keyOfReference].first());
    }

    @Override
    public Located seek(int keyOfReference, byte[] key, KeyMatch match) {
        definition.key(keyOfReference);
        byte[] encoded = codecs[keyOfReference].fromValue(key);
        BTree tree = trees[keyOfReference];
        BTree.Position position = tree.seek(encoded, encoded.length, match == KeyMatch.GT);
        if (match == KeyMatch.EQ && position != null
                && position.bucket().compareKey(position.index(), encoded, encoded.length) != 0) {
            return null;
        }
        return locate(keyOfReference, position);
    }

    @Override
    public Located after(Located position) {
        BTree tree = trees[position.keyOfReference()];
        return locate(position.keyOfReference(), tree.seek(position.orderKey(), tree.keyLength(), true));
    }

    @Override
    public Located byRfa(Rfa rfa) {
        return locate(0, resolve(rfa));
    }

    @Override
    public Rfa put(byte[] record) {
        definition.checkRecordSize(record);
        byte[][] values = keyValues(record);
        for (int k = 0; k < trees.length; k++) {
            if (values[k] != null && !codecs[k].definition().duplicates() && exists(k, values[k])) {
                throw new RmsException(RmsStatus.DUP, "key " + k + " value " + printable(k, record)
                        + " is already in the file and key " + k + " does not allow duplicates");
            }
        }
        byte[] payload = new byte[RFA_SIZE + record.length];
        System.arraycopy(record, 0, payload, RFA_SIZE, record.length);
        Rfa rfa = trees[0].insert(entryKey(0, values[0]), payload, true);
        byte[] pointer = rfaPayload(rfa);
        for (int k = 1; k < trees.length; k++) {
            if (values[k] != null) {
                trees[k].insert(entryKey(k, values[k]), pointer, false);
            }
        }
        return rfa;
    }

    /**
     * RMS {@code $PUT} with {@code RAB$V_UIF}: stores the record, or updates the record with the
     * same primary key if there is one (with the same rules as {@link #update}).
     */
    public Rfa putOrUpdate(byte[] record) {
        if (codecs[0].definition().duplicates()) {
            throw new RmsException(RmsStatus.ORG, "update-if-exists needs a primary key without DUPLICATES");
        }
        definition.checkRecordSize(record);
        BTree.Position existing = trees[0].find(codecs[0].fromRecord(record));
        if (existing == null) {
            return put(record);
        }
        Rfa rfa = rfaAt(existing);
        updateAt(existing, rfa, record);
        return rfa;
    }

    @Override
    public void update(Located current, byte[] record) {
        definition.checkRecordSize(record);
        updateAt(resolveCurrent(current), current.rfa(), record);
    }

    private void updateAt(BTree.Position primary, Rfa rfa, byte[] record) {
        if (!codecs[0].isPresentIn(record) || primary.bucket().compareKey(primary.index(), codecs[0].fromRecord(record),
                codecs[0].length()) != 0) {
            throw new RmsException(RmsStatus.CHG, "the update changes the primary key (key 0) from "
                    + printable(0, recordAt(primary)) + " to " + printable(0, record) + "; delete and put instead");
        }
        // Only alternate keys need the old record: key 0 was compared with the entry's key in place.
        byte[] oldRecord = trees.length > 1 ? recordAt(primary) : null;
        byte[][] oldValues = trees.length > 1 ? keyValues(oldRecord) : null;
        byte[][] newValues = trees.length > 1 ? keyValues(record) : null;
        for (int k = 1; k < trees.length; k++) {
            if (Arrays.equals(oldValues[k], newValues[k])) {
                continue;
            }
            KeyDefinition key = codecs[k].definition();
            if (!key.changes()) {
                throw new RmsException(RmsStatus.CHG, "the update changes key " + k + " from " + printable(k, oldRecord)
                        + " to " + printable(k, record) + " and key " + k + " does not allow CHANGES");
            }
            if (newValues[k] != null && !key.duplicates() && exists(k, newValues[k])) {
                throw new RmsException(RmsStatus.DUP, "the update gives key " + k + " the value " + printable(k, record)
                        + " which another record has, and key " + k + " does not allow duplicates");
            }
        }
        byte[] payload = new byte[RFA_SIZE + record.length];
        putRfa(payload, rfa);
        System.arraycopy(record, 0, payload, RFA_SIZE, record.length);
        trees[0].replace(primary, payload);
        for (int k = 1; k < trees.length; k++) {
            if (Arrays.equals(oldValues[k], newValues[k])) {
                continue;
            }
            if (oldValues[k] != null) {
                trees[k].remove(sidrEntry(k, oldValues[k], rfa));
            }
            if (newValues[k] != null) {
                trees[k].insert(entryKey(k, newValues[k]), rfaPayload(rfa), false);
            }
        }
    }

    @Override
    public void delete(Located current) {
        BTree.Position primary = resolveCurrent(current);
        byte[][] values = keyValues(recordAt(primary));
        Rfa rfa = current.rfa();
        for (int k = 1; k < trees.length; k++) {
            if (values[k] != null) {
                trees[k].remove(sidrEntry(k, values[k], rfa));
            }
        }
        trees[0].remove(primary);
        if (primary.bucketId() != rfa.bucket()) {
            // The record had moved: its RRV goes, and a retired home left with no RRVs is freed.
            Bucket home = access.read(rfa.bucket()).withoutRrv(rfa.id());
            if (home.kind() == KIND_RRV && home.rrvCount() == 0) {
                access.remove(rfa.bucket());
            } else {
                access.write(rfa.bucket(), home);
            }
        }
    }

    @Override
    public void truncate(Located current) {
        throw new RmsException(RmsStatus.ORG, "truncate is for sequential files; this file is indexed");
    }

    /**
     * The data-bucket position of the record at {@code rfa}, following its home bucket's RRV if
     * a split moved it.
     */
    public BTree.Position resolve(Rfa rfa) {
        boolean allocated = rfa.bucket() >= FileState.FIRST_DATA_BUCKET && rfa.bucket() < access.state().nextBucket();
        Bucket home = allocated ? access.readIfPresent(rfa.bucket()) : null;
        if (home == null && allocated) {
            // Only a retired RRV bucket whose last moved record was deleted is ever freed.
            throw new RmsException(RmsStatus.RNF, "no record at rfa " + rfa + " (deleted; its home bucket has been freed)");
        }
        if (home == null || (home.kind() != KIND_DATA && home.kind() != KIND_RRV)) {
            throw new RmsException(RmsStatus.RFA, "rfa " + rfa + " does not address a data bucket of this file");
        }
        int index = indexOfRfa(home, rfa);
        if (index >= 0) {
            return new BTree.Position(rfa.bucket(), home, index);
        }
        int rrv = home.findRrv(rfa.id());
        if (rrv < 0) {
            throw new RmsException(RmsStatus.RNF, "no record at rfa " + rfa + " (deleted, or never stored)");
        }
        long target = home.rrvTarget(rrv);
        Bucket moved = access.read(target);
        index = moved.kind() == KIND_DATA ? indexOfRfa(moved, rfa) : -1;
        if (index < 0) {
            throw new RmsException(RmsStatus.BUG, "rfa " + rfa + " forwards to bucket " + target + " which lacks the record");
        }
        return new BTree.Position(target, moved, index);
    }

    private BTree.Position resolveCurrent(Located current) {
        if (current == null) {
            throw new RmsException(RmsStatus.CUR, "there is no current record: get or find one first");
        }
        BTree.Position found = current.primary();
        if (found != null && access.isCurrent(found.bucketId(), found.bucket())) {
            // The bucket is as the read saw it: the record is where the read found it.
            return found;
        }
        try {
            return resolve(current.rfa());
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RNF) {
                throw new RmsException(RmsStatus.CUR, "the current record " + current.rfa() + " has been deleted");
            }
            throw e;
        }
    }

    private static int indexOfRfa(Bucket bucket, Rfa rfa) {
        for (int i = 0; i < bucket.entryCount(); i++) {
            if (bucket.payloadU32(i, 0) == rfa.bucket() && bucket.payloadU32(i, RFA_ID_OFFSET) == (rfa.id() & 0xFFFF_FFFFL)) {
                return i;
            }
        }
        return -1;
    }

    private Located locate(int keyOfReference, BTree.Position position) {
        if (position == null) {
            return null;
        }
        BTree.Position primary = keyOfReference == 0 ? position : resolve(rfaAt(position));
        return new Located(keyOfReference, position.key(), rfaAt(primary), recordAt(primary), primary);
    }

    /** The record bytes of a data-bucket entry. */
    public static byte[] recordAt(BTree.Position position) {
        Bucket bucket = position.bucket();
        int offset = bucket.payloadOffset(position.index());
        return Arrays.copyOfRange(bucket.image(), offset + RFA_SIZE, offset + bucket.payloadLength(position.index()));
    }

    /** The RFA held in a data or SIDR entry. */
    public static Rfa rfaAt(BTree.Position position) {
        Bucket bucket = position.bucket();
        return new Rfa(bucket.payloadU32(position.index(), 0), (int) bucket.payloadU32(position.index(), RFA_ID_OFFSET));
    }

    private byte[][] keyValues(byte[] record) {
        byte[][] values = new byte[trees.length][];
        for (int k = 0; k < trees.length; k++) {
            values[k] = codecs[k].isPresentIn(record) ? codecs[k].fromRecord(record) : null;
        }
        return values;
    }

    private boolean exists(int keyOfReference, byte[] encoded) {
        BTree.Position position = trees[keyOfReference].seek(encoded, encoded.length, false);
        return position != null && position.bucket().compareKey(position.index(), encoded, encoded.length) == 0;
    }

    /** The SIDR entry of key {@code k} with value {@code encoded} that points at {@code rfa}. */
    private BTree.Position sidrEntry(int k, byte[] encoded, Rfa rfa) {
        BTree tree = trees[k];
        BTree.Position position = tree.seek(encoded, encoded.length, false);
        while (position != null && position.bucket().compareKey(position.index(), encoded, encoded.length) == 0) {
            if (rfaAt(position).equals(rfa)) {
                return position;
            }
            position = tree.seek(position.key(), tree.keyLength(), true);
        }
        throw new RmsException(RmsStatus.BUG, "key " + k + " index has no entry for the record at " + rfa);
    }

    private byte[] entryKey(int k, byte[] encoded) {
        if (!codecs[k].definition().duplicates()) {
            return encoded;
        }
        byte[] key = Arrays.copyOf(encoded, encoded.length + SEQUENCE_SIZE);
        long sequence = access.state().nextDuplicateSequence();
        for (int i = 0; i < SEQUENCE_SIZE; i++) {
            key[encoded.length + i] = (byte) (sequence >>> (8 * (SEQUENCE_SIZE - 1 - i)));
        }
        return key;
    }

    private static byte[] rfaPayload(Rfa rfa) {
        byte[] payload = new byte[RFA_SIZE];
        putRfa(payload, rfa);
        return payload;
    }

    /** Writes {@code rfa} into the first {@code RFA_SIZE} bytes of {@code payload}. */
    private static void putRfa(byte[] payload, Rfa rfa) {
        Bucket.putU32(payload, 0, rfa.bucket());
        Bucket.putU32(payload, RFA_ID_OFFSET, rfa.id());
    }

    private String printable(int k, byte[] record) {
        if (!codecs[k].isPresentIn(record)) {
            return "(absent)";
        }
        StringBuilder text = new StringBuilder("'");
        for (var segment : codecs[k].definition().segments()) {
            for (int i = segment.position(); i < segment.end(); i++) {
                int c = record[i] & 0xFF;
                text.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return text.append('\'').toString();
    }
}
