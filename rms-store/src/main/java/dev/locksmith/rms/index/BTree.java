package dev.locksmith.rms.index;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.bucket.Bucket;
import java.util.Arrays;

/**
 * One key's B-tree of buckets: index buckets (level ≥ 1) over leaf buckets (level 0) of one kind.
 *
 * <p>Entry keys are encoded byte strings ({@link KeyCodec}) of one fixed length, unique in the
 * tree (keys that allow duplicates carry a sequence suffix). An index entry's key is a lower bound
 * of its child's subtree: the first key of the bucket whose split created the entry, and all zero
 * bytes in the first entry of the root (so that the leftmost path covers every smaller key).
 * Buckets of one level are chained left to right by {@code next bucket}.
 *
 * <p>Splits: a bucket that cannot take an entry is split in two, the upper part going to a new
 * bucket to the right, and the new bucket's first key is inserted in the parent (a new root when
 * the root splits). When the entry goes past the last entry of the rightmost bucket — the pattern
 * of a sorted load — the bucket is closed at DATA_FILL / INDEX_FILL percent and the entry starts a
 * new one; otherwise the bytes are halved. Buckets are never merged: deletes leave free space, as RMS does until a CONVERT.
 *
 * <p>Data leaves ({@link dev.locksmith.rms.bucket.BucketLayout#KIND_DATA}) carry each record's RFA;
 * the tree keeps RFAs valid across splits by leaving a forwarding pointer (RRV) in the record's home
 * bucket that always names the record's current bucket. As in RMS, RRVs take room in their home
 * bucket until the record is deleted; a split that cannot place a bucket's entries beside its RRVs
 * fails the service with status BUG and changes nothing (CONVERT-style reorganisation, which would
 * reclaim them, is not built yet).
 *
 * <p>Not thread-safe; every call must run inside {@link BucketAccess#perform}.
 */
public final class BTree {
    private final BucketAccess access;
    private final int rootSlot;
    private final int leafKind;
    private final int keyLength;
    private final int dataFill;
    private final int indexFill;

    /** The place of one leaf entry. The bucket is the image read when the position was found. */
    public record Position(long bucketId, Bucket bucket, int index) {
        public byte[] key() {
            return bucket.key(index);
        }
    }

    /**
     * @param rootSlot  which root in the {@link dev.locksmith.rms.access.FileState} this tree uses
     * @param leafKind  bucket kind of the leaves
     * @param keyLength length of every entry key
     */
    public BTree(BucketAccess access, int rootSlot, int leafKind, int keyLength, int dataFill, int indexFill) {
        this.access = access;
        this.rootSlot = rootSlot;
        this.leafKind = leafKind;
        this.keyLength = keyLength;
        this.dataFill = dataFill;
        this.indexFill = indexFill;
    }

    /** Creates the empty root leaf of a new tree and records it in the file state. */
    public void create() {
        long root = access.allocate();
        access.write(root, Bucket.empty(leafKind, 0, keyLength, access.bucketBytes()));
        access.state().setRoot(rootSlot, root);
    }

    public long root() {
        return access.state().root(rootSlot);
    }

    public int keyLength() {
        return keyLength;
    }

    /**
     * The first entry whose first {@code length} key bytes are ≥ {@code key} (or > when
     * {@code greater}), or null if there is none.
     */
    public Position seek(byte[] key, int length, boolean greater) {
        long id = root();
        Bucket bucket = access.read(id);
        int depth = 0;
        while (!bucket.isLeaf()) {
            int index = Math.max(0, bucket.lowerBound(key, length) - 1);
            id = child(bucket, index);
            bucket = readChild(id, bucket, ++depth);
        }
        while (true) {
            int index = greater ? bucket.upperBound(key, length) : bucket.lowerBound(key, length);
            if (index < bucket.entryCount()) {
                return new Position(id, bucket, index);
            }
            id = bucket.nextBucket();
            if (id == 0) {
                return null;
            }
            bucket = access.read(id);
        }
    }

    /** The entry with exactly this key, or null. */
    public Position find(byte[] key) {
        Position position = seek(key, keyLength, false);
        return position != null && position.bucket().compareKey(position.index(), key, keyLength) == 0 ? position : null;
    }

    /** The first entry of the tree, or null if it is empty. */
    public Position first() {
        return seek(new byte[0], 0, false);
    }

    /**
     * Inserts an entry whose key is not yet in the tree.
     *
     * @param assignRfa for data leaves: the payload's first 8 bytes are overwritten with a new RFA
     *                  in the bucket where the entry lands; otherwise the payload is kept as given
     * @return the RFA assigned, or null when {@code assignRfa} is false
     */
    public Rfa insert(byte[] key, byte[] payload, boolean assignRfa) {
        if (key.length != keyLength) {
            throw new IllegalArgumentException("entry key is " + key.length + " bytes, tree keys are " + keyLength);
        }
        long[] path = pathFor(key);
        return insertInto(path, path.length - 1, key, payload, assignRfa);
    }

    /** Removes the entry at {@code position}, leaving any RRVs alone. */
    public void remove(Position position) {
        Bucket current = access.read(position.bucketId());
        access.write(position.bucketId(), current.withRemoved(position.index()));
    }

    /**
     * Replaces the payload of the entry at {@code position} (found in this service, with no write to
     * its bucket since), splitting if it no longer fits. The RFA in a data payload is kept.
     */
    public void replace(Position position, byte[] payload) {
        byte[] key = position.key();
        Bucket replaced = position.bucket().withPayload(position.index(), payload);
        if (replaced != null) {
            access.write(position.bucketId(), replaced);
            return;
        }
        remove(position);
        insert(key, payload, false);
    }

    private long[] pathFor(byte[] key) {
        long[] path = new long[MAX_LEVEL + 1];
        int depth = 0;
        long id = root();
        Bucket bucket = access.read(id);
        path[0] = id;
        while (!bucket.isLeaf()) {
            int index = Math.max(0, bucket.upperBound(key, keyLength) - 1);
            id = child(bucket, index);
            bucket = readChild(id, bucket, ++depth);
            path[depth] = id;
        }
        return Arrays.copyOf(path, depth + 1);
    }

    private Bucket readChild(long id, Bucket parent, int depth) {
        Bucket child = access.read(id);
        if (child.level() != parent.level() - 1 || depth > MAX_LEVEL) {
            throw new RmsException(RmsStatus.BUG, "bucket " + id + " is at level " + child.level()
                    + " below a level " + parent.level() + " index bucket");
        }
        if (child.isLeaf() && child.kind() != leafKind) {
            throw new RmsException(RmsStatus.BUG, "leaf bucket " + id + " is of kind " + child.kind()
                    + ", expected " + leafKind);
        }
        return child;
    }

    static long child(Bucket bucket, int index) {
        return bucket.payloadU32(index, 0);
    }

    private Rfa insertInto(long[] path, int depth, byte[] key, byte[] payload, boolean assignRfa) {
        long id = path[depth];
        Bucket bucket = access.read(id);
        int position = bucket.upperBound(key, keyLength);
        if (isAppendBeyondFill(bucket, position, payload.length)) {
            // A sorted load starts the next bucket once this one holds its fill share, as RMS does
            // with fill factors on load: nothing moves, so no RRVs are left behind.
            return split(path, depth, bucket, position, key, payload, assignRfa);
        }
        if (assignRfa) {
            Rfa rfa = new Rfa(id, (int) bucket.nextRecordId());
            byte[] withRfa = withRfa(payload, rfa);
            Bucket changed = bucket.withNextRecordId(bucket.nextRecordId() + 1).withInserted(position, key, withRfa);
            if (changed != null) {
                access.write(id, changed);
                return rfa;
            }
        } else {
            Bucket changed = bucket.withInserted(position, key, payload);
            if (changed != null) {
                access.write(id, changed);
                return null;
            }
        }
        return split(path, depth, bucket, position, key, payload, assignRfa);
    }

    private boolean isAppendBeyondFill(Bucket bucket, int position, int payloadLength) {
        int fill = bucket.isLeaf() ? dataFill : indexFill;
        return fill < 100 && position == bucket.entryCount() && position > 0 && bucket.nextBucket() == 0
                && bucket.usedSpace() + entrySpace(keyLength, payloadLength) > capacity(access.bucketBytes()) * fill / 100;
    }

    /** Splits bucket {@code path[depth]} while inserting the entry at {@code position}. */
    private Rfa split(long[] path, int depth, Bucket bucket, int position, byte[] key, byte[] payload, boolean assignRfa) {
        long id = path[depth];
        boolean data = bucket.kind() == KIND_DATA;
        int count = bucket.entryCount() + 1;
        int[] sizes = new int[count];
        boolean[] homedHere = new boolean[count];
        for (int i = 0; i < count; i++) {
            if (i == position) {
                sizes[i] = entrySpace(keyLength, payload.length);
                homedHere[i] = data && !assignRfa && Bucket.u32(payload, 0) == id;
            } else {
                int old = i < position ? i : i - 1;
                sizes[i] = entrySpace(keyLength, bucket.payloadLength(old));
                homedHere[i] = data && bucket.payloadU32(old, 0) == id;
            }
        }
        int splitAt = chooseSplit(bucket, position, sizes, homedHere);
        long rightId = access.allocate();

        Bucket.Builder left = new Bucket.Builder(bucket.kind(), bucket.level(), keyLength, access.bucketBytes());
        Bucket.Builder right = new Bucket.Builder(bucket.kind(), bucket.level(), keyLength, access.bucketBytes());
        Rfa assigned = null;
        long leftNextId = bucket.nextRecordId();
        long rightNextId = 0;
        byte[] stored = payload;
        if (assignRfa) {
            assigned = position < splitAt ? new Rfa(id, (int) leftNextId++) : new Rfa(rightId, (int) rightNextId++);
            stored = withRfa(payload, assigned);
        }
        for (int i = 0; i < count; i++) {
            Bucket.Builder target = i < splitAt ? left : right;
            if (i == position) {
                target.addEntry(key, stored);
            } else {
                target.addEntryFrom(bucket, i < position ? i : i - 1);
            }
        }
        for (int i = 0; i < bucket.rrvCount(); i++) {
            left.addRrv(bucket.rrvRecordId(i), bucket.rrvTarget(i));
        }
        Bucket rightBucket = right.nextBucket(bucket.nextBucket()).nextRecordId(rightNextId).build();
        for (int i = 0; i < rightBucket.entryCount(); i++) {
            if (homedHere[splitAt + i]) {
                left.addRrv(rightBucket.payloadU32(i, RFA_ID_OFFSET), rightId);
            }
        }
        Bucket leftBucket = left.nextBucket(rightId).nextRecordId(leftNextId).build();
        access.write(id, leftBucket);
        access.write(rightId, rightBucket);
        if (data) {
            forwardMovedRecords(id, rightId, rightBucket, assigned);
        }

        byte[] separator = rightBucket.key(0);
        byte[] childPayload = childPayload(rightId);
        if (depth == 0) {
            long newRoot = access.allocate();
            Bucket root = new Bucket.Builder(KIND_INDEX, bucket.level() + 1, keyLength, access.bucketBytes())
                    .addEntry(new byte[keyLength], childPayload(id))
                    .addEntry(separator, childPayload)
                    .build();
            if (root.level() > MAX_LEVEL) {
                throw new RmsException(RmsStatus.BUG, "the index would exceed " + MAX_LEVEL + " levels");
            }
            access.write(newRoot, root);
            access.state().setRoot(rootSlot, newRoot);
        } else {
            insertInto(path, depth - 1, separator, childPayload, false);
        }
        return assigned;
    }

    /** Records that moved to {@code rightId} and live away from their home get their home's RRV updated. */
    private void forwardMovedRecords(long leftId, long rightId, Bucket right, Rfa assigned) {
        for (int i = 0; i < right.entryCount(); i++) {
            long home = right.payloadU32(i, 0);
            long recordId = right.payloadU32(i, RFA_ID_OFFSET);
            boolean justAssigned = assigned != null && assigned.bucket() == home && assigned.id() == recordId;
            if (home == leftId || home == rightId || justAssigned) {
                continue;
            }
            Bucket homeBucket = access.read(home);
            if (homeBucket.findRrv(recordId) < 0) {
                throw new RmsException(RmsStatus.BUG, "record (" + home + "," + recordId + ") lives in bucket " + leftId
                        + " but its home has no RRV for it");
            }
            access.write(home, homeBucket.withRrv(recordId, rightId));
        }
    }

    /**
     * Picks how many of the {@code sizes.length} entries stay in the left bucket: both halves must
     * fit (the left one with its RRVs, old and new), and within that the split follows the fill
     * rule in the class comment.
     */
    private int chooseSplit(Bucket bucket, int position, int[] sizes, boolean[] homedHere) {
        int count = sizes.length;
        int capacity = capacity(access.bucketBytes());
        int existingRrvs = bucket.rrvCount() * rrvSpace();
        int[] leftBytes = new int[count + 1];
        int[] rightHomedHere = new int[count + 1];
        for (int i = 0; i < count; i++) {
            leftBytes[i + 1] = leftBytes[i] + sizes[i];
        }
        for (int i = count - 1; i >= 0; i--) {
            rightHomedHere[i] = rightHomedHere[i + 1] + (homedHere[i] ? 1 : 0);
        }
        int total = leftBytes[count];
        boolean appending = position == count - 1 && bucket.nextBucket() == 0;
        int fill = bucket.isLeaf() ? dataFill : indexFill;
        int target = appending ? capacity * fill / 100 : total / 2;
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int splitAt = 1; splitAt < count; splitAt++) {
            int left = leftBytes[splitAt] + existingRrvs + rightHomedHere[splitAt] * rrvSpace();
            int right = total - leftBytes[splitAt];
            if (left > capacity || right > capacity) {
                continue;
            }
            int distance = appending
                    ? (leftBytes[splitAt] <= target ? target - leftBytes[splitAt] : capacity + leftBytes[splitAt])
                    : Math.abs(leftBytes[splitAt] - target);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = splitAt;
            }
        }
        if (best < 0) {
            throw new RmsException(RmsStatus.BUG, "no way to split a bucket of " + count + " entries ("
                    + total + " bytes) into two of " + capacity);
        }
        return best;
    }

    static byte[] childPayload(long child) {
        byte[] payload = new byte[CHILD_SIZE];
        Bucket.putU32(payload, 0, child);
        return payload;
    }

    private static byte[] withRfa(byte[] payload, Rfa rfa) {
        byte[] copy = payload.clone();
        Bucket.putU32(copy, 0, rfa.bucket());
        Bucket.putU32(copy, RFA_ID_OFFSET, rfa.id());
        return copy;
    }
}
