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
 * bucket that always names the record's current bucket. RRVs take room in their home bucket until
 * the record is deleted; splits count that room, and a home bucket whose RRVs leave no room for its
 * entries gives all of them up and is retired from the tree as an RRV-only bucket, so an insert
 * never fails for RRV space ({@link dev.locksmith.rms.bucket.BucketLayout} describes the scheme).
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
        Bucket replaced = position.bucket().withPayload(position.index(), payload);
        if (replaced != null) {
            access.write(position.bucketId(), replaced);
            return;
        }
        byte[] key = position.key();
        remove(position);
        insert(key, payload, false);
    }

    private long[] pathFor(byte[] key) {
        return pathTo(key, 0);
    }

    /** Buckets from the root down to the one at {@code level} whose range holds {@code key}. */
    private long[] pathTo(byte[] key, int level) {
        long[] path = new long[MAX_LEVEL + 1];
        int depth = 0;
        long id = root();
        Bucket bucket = access.read(id);
        path[0] = id;
        while (bucket.level() > level) {
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

    /**
     * How a split shares out the bucket's entries and the new one: part {@code j} holds entries
     * {@code cuts[j] .. cuts[j+1]-1}. Part 0 stays in the split bucket unless {@code retire}, in which
     * case every part is a new bucket and the split bucket keeps only its RRVs (see
     * {@link dev.locksmith.rms.bucket.BucketLayout}).
     */
    private record SplitPlan(int[] cuts, boolean retire) {
        int parts() {
            return cuts.length - 1;
        }

        int partOf(int entry) {
            int part = 0;
            while (entry >= cuts[part + 1]) {
                part++;
            }
            return part;
        }
    }

    /** Splits bucket {@code path[depth]} while inserting the entry at {@code position}. */
    private Rfa split(long[] path, int depth, Bucket bucket, int position, byte[] key, byte[] payload, boolean assignRfa) {
        long id = path[depth];
        boolean data = bucket.kind() == KIND_DATA;
        int count = bucket.entryCount() + 1;
        int[] sizes = new int[count];
        boolean[] homedHere = new boolean[count];
        long[] recordIds = new long[count];
        for (int i = 0; i < count; i++) {
            if (i == position) {
                sizes[i] = entrySpace(keyLength, payload.length);
                homedHere[i] = data && !assignRfa && Bucket.u32(payload, 0) == id;
                recordIds[i] = homedHere[i] ? Bucket.u32(payload, RFA_ID_OFFSET) : 0;
            } else {
                int old = i < position ? i : i - 1;
                sizes[i] = entrySpace(keyLength, bucket.payloadLength(old));
                homedHere[i] = data && bucket.payloadU32(old, 0) == id;
                recordIds[i] = homedHere[i] ? bucket.payloadU32(old, RFA_ID_OFFSET) : 0;
            }
        }
        SplitPlan plan = planSplit(bucket, position, sizes, homedHere);
        int parts = plan.parts();
        long[] ids = new long[parts];
        for (int j = 0; j < parts; j++) {
            ids[j] = j == 0 && !plan.retire() ? id : access.allocate();
        }

        int newPart = plan.partOf(position);
        Rfa assigned = null;
        long homeNextId = bucket.nextRecordId();
        byte[] stored = payload;
        if (assignRfa) {
            assigned = ids[newPart] == id ? new Rfa(id, (int) homeNextId++) : new Rfa(ids[newPart], 0);
            stored = withRfa(payload, assigned);
        }
        Bucket.Builder[] builders = new Bucket.Builder[parts];
        for (int j = 0; j < parts; j++) {
            builders[j] = new Bucket.Builder(bucket.kind(), bucket.level(), keyLength, access.bucketBytes());
        }
        for (int i = 0; i < count; i++) {
            Bucket.Builder target = builders[plan.partOf(i)];
            if (i == position) {
                target.addEntry(key, stored);
            } else {
                target.addEntryFrom(bucket, i < position ? i : i - 1);
            }
        }
        // The home bucket keeps its RRVs and gains one for each record homed here that moves out.
        Bucket.Builder home = plan.retire()
                ? new Bucket.Builder(KIND_RRV, 0, keyLength, access.bucketBytes())
                : builders[0];
        for (int i = 0; i < bucket.rrvCount(); i++) {
            home.addRrv(bucket.rrvRecordId(i), bucket.rrvTarget(i));
        }
        for (int i = 0; i < count; i++) {
            long holder = ids[plan.partOf(i)];
            if (homedHere[i] && holder != id) {
                home.addRrv(recordIds[i], holder);
            }
        }
        Bucket[] built = new Bucket[parts];
        for (int j = 0; j < parts; j++) {
            long nextRecordId = ids[j] == id ? homeNextId : assigned != null && j == newPart ? 1 : 0;
            built[j] = builders[j].nextBucket(j + 1 < parts ? ids[j + 1] : bucket.nextBucket())
                    .nextRecordId(nextRecordId).build();
            access.write(ids[j], built[j]);
        }
        if (plan.retire()) {
            access.write(id, home.nextRecordId(homeNextId).build());
        }
        if (data) {
            for (int j = 0; j < parts; j++) {
                if (ids[j] != id) {
                    forwardMovedRecords(id, ids[j], built[j], assigned);
                }
            }
        }

        if (plan.retire()) {
            replaceInTree(path, depth, id, ids[0]);
        }
        for (int j = 1; j < parts; j++) {
            byte[] separator = built[j].key(0);
            if (depth == 0 && j == 1) {
                long newRoot = access.allocate();
                Bucket root = new Bucket.Builder(KIND_INDEX, bucket.level() + 1, keyLength, access.bucketBytes())
                        .addEntry(new byte[keyLength], childPayload(ids[0]))
                        .addEntry(separator, childPayload(ids[1]))
                        .build();
                if (root.level() > MAX_LEVEL) {
                    throw new RmsException(RmsStatus.BUG, "the index would exceed " + MAX_LEVEL + " levels");
                }
                access.write(newRoot, root);
                access.state().setRoot(rootSlot, newRoot);
            } else {
                // The path is found again: inserting an earlier part's separator may have split the parent.
                long[] parentPath = pathTo(separator, bucket.level() + 1);
                insertInto(parentPath, parentPath.length - 1, separator, childPayload(ids[j]), false);
            }
        }
        return assigned;
    }

    /**
     * Puts {@code replacement} where leaf {@code retired} was: in its parent's entry (or as the root)
     * and in its left sibling's chain link. The replacement already links to the retired bucket's
     * right sibling.
     */
    private void replaceInTree(long[] path, int depth, long retired, long replacement) {
        if (depth == 0) {
            access.state().setRoot(rootSlot, replacement);
            return;
        }
        long parentId = path[depth - 1];
        Bucket parent = access.read(parentId);
        int index = -1;
        for (int i = 0; i < parent.entryCount() && index < 0; i++) {
            if (child(parent, i) == retired) {
                index = i;
            }
        }
        if (index < 0) {
            throw new RmsException(RmsStatus.BUG, "index bucket " + parentId + " has no entry for its child " + retired);
        }
        access.write(parentId, parent.withPayload(index, childPayload(replacement)));
        long previous = previousLeaf(parent.key(index));
        if (previous != 0) {
            Bucket left = access.read(previous);
            if (left.nextBucket() != retired) {
                throw new RmsException(RmsStatus.BUG, "leaf " + previous + " precedes leaf " + retired
                        + " in the tree but links to " + left.nextBucket());
            }
            access.write(previous, left.withNextBucket(replacement));
        }
    }

    /**
     * The leaf just left of the one whose index entry has key {@code low}, or 0 if that one is the
     * leftmost: at each level the last entry whose key is below {@code low}.
     */
    private long previousLeaf(byte[] low) {
        long id = root();
        Bucket bucket = access.read(id);
        int depth = 0;
        while (!bucket.isLeaf()) {
            int index = bucket.lowerBound(low, keyLength) - 1;
            if (index < 0) {
                return 0;
            }
            id = child(bucket, index);
            bucket = readChild(id, bucket, ++depth);
        }
        return id;
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
     * Picks the split: two-way if some cut lets both halves fit (the left one with the bucket's
     * RRVs, old and new), following the fill rule in the class comment, and leaves the RRVs at most
     * half the bucket. Otherwise (a data bucket crowded by RRVs, whose splits would only shed a few
     * entries at a time into ever emptier buckets) every entry moves out to one or two new buckets
     * and the bucket is retired, at least half full of RRVs.
     */
    private SplitPlan planSplit(Bucket bucket, int position, int[] sizes, boolean[] homedHere) {
        int count = sizes.length;
        int capacity = capacity(access.bucketBytes());
        int splitAt = chooseSplit(bucket, position, sizes, homedHere, bucket.rrvCount() * rrvSpace());
        if (splitAt > 0) {
            int rrvsAfter = bucket.rrvCount();
            for (int i = splitAt; i < count; i++) {
                rrvsAfter += homedHere[i] ? 1 : 0;
            }
            if (rrvsAfter * rrvSpace() <= capacity / 2) {
                return new SplitPlan(new int[] {0, splitAt, count}, false);
            }
        }
        int total = 0;
        int rrvs = bucket.rrvCount();
        for (int i = 0; i < count; i++) {
            total += sizes[i];
            rrvs += homedHere[i] ? 1 : 0;
        }
        if (bucket.kind() != KIND_DATA || rrvs * rrvSpace() > capacity) {
            throw new RmsException(RmsStatus.BUG, "no way to split a bucket of " + count + " entries ("
                    + total + " bytes) and " + bucket.rrvCount() + " RRVs into buckets of " + capacity);
        }
        if (total <= capacity) {
            return new SplitPlan(new int[] {0, count}, true);
        }
        splitAt = chooseSplit(bucket, position, sizes, new boolean[count], 0);
        if (splitAt < 0) {
            throw new RmsException(RmsStatus.BUG, "no way to split " + count + " entries (" + total
                    + " bytes) into two buckets of " + capacity);
        }
        return new SplitPlan(new int[] {0, splitAt, count}, true);
    }

    /**
     * How many of the {@code sizes.length} entries stay in the left bucket of a two-way split, or -1
     * if no cut fits: the left part holds {@code leftRrvBytes} of RRVs plus one RRV per entry in the
     * right part that {@code homedHere} marks.
     */
    private int chooseSplit(Bucket bucket, int position, int[] sizes, boolean[] homedHere, int leftRrvBytes) {
        int count = sizes.length;
        int capacity = capacity(access.bucketBytes());
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
            int left = leftBytes[splitAt] + leftRrvBytes + rightHomedHere[splitAt] * rrvSpace();
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
