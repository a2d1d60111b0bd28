package dev.locksmith.rms;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.index.BTree;
import dev.locksmith.rms.index.KeyCodec;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.RelativeOrganization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole file, like ANALYZE/RMS_FILE/CHECK: every bucket is decoded with full validation,
 * every tree is walked top-down checking levels, key order and bounds against the parent, sibling
 * chains, that each data entry's key is the key of its record, that each RFA resolves (through its
 * RRV if moved) to the entry that holds it, that every RRV — in a data bucket or in a retired
 * RRV-only bucket found through the RFAs of moved records — leads to its record, and that each
 * alternate index holds exactly one entry
 * per record that has the key, pointing at a record with that key value.
 *
 * <p>Runs as one read-only service of the file, so it blocks other services while it runs. Damage
 * is reported in the {@link AnalysisReport}, never thrown; only a closed file throws.
 */
public final class FileAnalyzer {
    private final RmsFile file;
    private final BucketAccess access;
    private final List<String> problems = new ArrayList<>();

    private FileAnalyzer(RmsFile file) {
        this.file = file;
        this.access = file.access();
    }

    /**
     * Checks every structure of {@code file} (open, any organization) and reports what it found;
     * {@link AnalysisReport#consistent()} is false if anything is wrong.
     *
     * @throws RmsException CLOSED if the file is closed
     */
    public static AnalysisReport analyze(RmsFile file) {
        FileAnalyzer analyzer = new FileAnalyzer(file);
        return file.read("analyze", analyzer::run);
    }

    private AnalysisReport run() {
        FileDefinition definition = file.definition();
        List<AnalysisReport.Structure> structures = new ArrayList<>();
        switch (definition.organization()) {
            case INDEXED -> analyzeIndexed((IndexedOrganization) file.organization(), structures);
            case SEQUENTIAL -> structures.add(analyzeSequential());
            case RELATIVE -> structures.add(analyzeRelative((RelativeOrganization) file.organization()));
        }
        return new AnalysisReport(definition, structures, problems);
    }

    // ---- indexed ----

    /** Statistics gathered while walking one tree. */
    private static final class TreeWalk {
        int depth;
        long indexBuckets;
        long leafBuckets;
        long entries;
        long rrvs;
        long indexUsed;
        long leafUsed;
        long rrvBuckets;
        final List<List<Long>> levels = new ArrayList<>();
        /** Home buckets of records that live elsewhere (key 0 only). */
        final Set<Long> forwardingHomes = new HashSet<>();
        long[] rfas = new long[1024];

        void addRfa(Rfa rfa) {
            if (entries >= rfas.length) {
                rfas = Arrays.copyOf(rfas, rfas.length * 2);
            }
            rfas[(int) entries] = rfa.toLong();
        }
    }

    private void analyzeIndexed(IndexedOrganization indexed, List<AnalysisReport.Structure> structures) {
        long primaryRecords = 0;
        long[] recordsWithKey = new long[file.definition().keys().size()];
        for (int k = 0; k < recordsWithKey.length; k++) {
            BTree tree = indexed.tree(k);
            TreeWalk walk = new TreeWalk();
            try {
                Bucket root = access.readValidated(tree.root());
                walk.depth = root.level() + 1;
                walkTree(indexed, k, tree.root(), root, null, null, walk, recordsWithKey);
                checkRetiredHomes(indexed, walk);
                checkChains(k, walk);
                checkUniqueRfas(k, walk);
            } catch (RmsException e) {
                problems.add("key " + k + ": " + e.getMessage());
            }
            if (k == 0) {
                primaryRecords = walk.entries;
            } else if (walk.entries != recordsWithKey[k]) {
                problems.add("key " + k + " index has " + walk.entries + " entries but " + recordsWithKey[k]
                        + " of the " + primaryRecords + " records have key " + k);
            }
            structures.add(new AnalysisReport.Structure(k, walk.depth, walk.indexBuckets, walk.leafBuckets, walk.entries,
                    walk.rrvs, walk.rrvBuckets, fill(walk.indexUsed, walk.indexBuckets), fill(walk.leafUsed, walk.leafBuckets)));
        }
    }

    private void walkTree(IndexedOrganization indexed, int k, long id, Bucket bucket, byte[] low, byte[] high,
                          TreeWalk walk, long[] recordsWithKey) {
        while (walk.levels.size() <= bucket.level()) {
            walk.levels.add(new ArrayList<>());
        }
        walk.levels.get(bucket.level()).add(id);
        if (bucket.keyLength() != indexed.tree(k).keyLength()) {
            problems.add("bucket " + id + " of key " + k + " has key length " + bucket.keyLength());
            return;
        }
        for (int i = 0; i < bucket.entryCount(); i++) {
            if ((low != null && bucket.compareKey(i, low, low.length) < 0)
                    || (high != null && bucket.compareKey(i, high, high.length) >= 0)) {
                problems.add("bucket " + id + " entry " + i + " of key " + k + " is outside the range its parent gives");
            }
        }
        if (!bucket.isLeaf()) {
            walk.indexBuckets++;
            walk.indexUsed += bucket.usedSpace();
            for (int i = 0; i < bucket.entryCount(); i++) {
                long child = bucket.payloadU32(i, 0);
                Bucket childBucket = access.readValidated(child);
                if (childBucket.level() != bucket.level() - 1) {
                    problems.add("bucket " + child + " at level " + childBucket.level() + " is a child of level "
                            + bucket.level() + " bucket " + id);
                    continue;
                }
                byte[] childLow = i == 0 ? low : bucket.key(i);
                byte[] childHigh = i + 1 < bucket.entryCount() ? bucket.key(i + 1) : high;
                walkTree(indexed, k, child, childBucket, childLow, childHigh, walk, recordsWithKey);
            }
            return;
        }
        walk.leafBuckets++;
        walk.leafUsed += bucket.usedSpace();
        walk.rrvs += bucket.rrvCount();
        int expectedKind = k == 0 ? KIND_DATA : KIND_SIDR;
        if (bucket.kind() != expectedKind) {
            problems.add("leaf bucket " + id + " of key " + k + " is of kind " + bucket.kind());
            return;
        }
        for (int i = 0; i < bucket.entryCount(); i++) {
            BTree.Position position = new BTree.Position(id, bucket, i);
            Rfa rfa = IndexedOrganization.rfaAt(position);
            walk.addRfa(rfa);
            walk.entries++;
            if (k == 0) {
                if (rfa.bucket() != id) {
                    walk.forwardingHomes.add(rfa.bucket());
                }
                checkDataEntry(indexed, id, position, rfa, recordsWithKey);
            } else {
                checkSidrEntry(indexed, k, id, position, rfa);
            }
        }
        checkRrvs(indexed, id, bucket);
    }

    /** Each RRV of bucket {@code id} must lead to the record it names, in the bucket it names. */
    private void checkRrvs(IndexedOrganization indexed, long id, Bucket bucket) {
        for (int i = 0; i < bucket.rrvCount(); i++) {
            long target = bucket.rrvTarget(i);
            Rfa rfa = new Rfa(id, (int) bucket.rrvRecordId(i));
            try {
                if (indexed.resolve(rfa).bucketId() != target) {
                    problems.add("RRV " + rfa + " in bucket " + id + " does not lead to bucket " + target);
                }
            } catch (RmsException e) {
                problems.add("RRV " + rfa + " in bucket " + id + " is dangling: " + e.getMessage());
            }
        }
    }

    /**
     * Home buckets of moved records that are not leaves of the tree must be retired RRV-only
     * buckets; their RRVs are counted and checked like those in the tree. (A retired bucket is only
     * reachable through the RFAs of its moved records, and is freed when the last of them goes.)
     */
    private void checkRetiredHomes(IndexedOrganization indexed, TreeWalk walk) {
        if (walk.forwardingHomes.isEmpty()) {
            return;
        }
        Set<Long> leaves = new HashSet<>(walk.levels.get(0));
        for (long home : walk.forwardingHomes) {
            if (leaves.contains(home)) {
                continue;
            }
            Bucket bucket = access.readValidated(home);
            if (bucket.kind() != KIND_RRV) {
                problems.add("bucket " + home + " is home to moved records but is neither a leaf of the tree"
                        + " nor a retired RRV bucket (kind " + bucket.kind() + ")");
                continue;
            }
            walk.rrvBuckets++;
            walk.rrvs += bucket.rrvCount();
            checkRrvs(indexed, home, bucket);
        }
    }

    private void checkDataEntry(IndexedOrganization indexed, long id, BTree.Position position, Rfa rfa,
                                long[] recordsWithKey) {
        byte[] record = IndexedOrganization.recordAt(position);
        try {
            file.definition().checkRecordSize(record);
        } catch (RmsException e) {
            problems.add("record at " + rfa + " in bucket " + id + ": " + e.getMessage());
            return;
        }
        KeyCodec primary = indexed.codec(0);
        if (position.bucket().compareKey(position.index(), primary.fromRecord(record), primary.length()) != 0) {
            problems.add("record at " + rfa + " in bucket " + id + " is filed under a key that is not its own");
        }
        for (int k = 0; k < recordsWithKey.length; k++) {
            if (indexed.codec(k).isPresentIn(record)) {
                recordsWithKey[k]++;
            }
        }
        try {
            BTree.Position resolved = indexed.resolve(rfa);
            if (resolved.bucketId() != id || resolved.index() != position.index()) {
                problems.add("rfa " + rfa + " of the record in bucket " + id + " resolves to bucket " + resolved.bucketId());
            }
        } catch (RmsException e) {
            problems.add("rfa " + rfa + " of the record in bucket " + id + " does not resolve: " + e.getMessage());
        }
    }

    private void checkSidrEntry(IndexedOrganization indexed, int k, long id, BTree.Position position, Rfa rfa) {
        try {
            byte[] record = IndexedOrganization.recordAt(indexed.resolve(rfa));
            KeyCodec codec = indexed.codec(k);
            if (!codec.isPresentIn(record)
                    || position.bucket().compareKey(position.index(), codec.fromRecord(record), codec.length()) != 0) {
                problems.add("key " + k + " entry in bucket " + id + " points at " + rfa + " whose key " + k + " differs");
            }
        } catch (RmsException e) {
            problems.add("key " + k + " entry in bucket " + id + " points at " + rfa + " which does not resolve: "
                    + e.getMessage());
        }
    }

    /** Each level's buckets, in tree order, must be chained by next-bucket links ending in 0. */
    private void checkChains(int k, TreeWalk walk) {
        for (int level = 0; level < walk.levels.size(); level++) {
            List<Long> buckets = walk.levels.get(level);
            for (int i = 0; i < buckets.size(); i++) {
                long expected = i + 1 < buckets.size() ? buckets.get(i + 1) : 0;
                long actual = access.read(buckets.get(i)).nextBucket();
                if (actual != expected) {
                    problems.add("key " + k + " level " + level + " bucket " + buckets.get(i) + " links to " + actual
                            + " instead of " + expected);
                }
            }
        }
    }

    private void checkUniqueRfas(int k, TreeWalk walk) {
        long[] sorted = Arrays.copyOf(walk.rfas, (int) walk.entries);
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                problems.add("key " + k + " has two entries for the record at " + Rfa.fromLong(sorted[i]));
            }
        }
    }

    // ---- sequential and relative ----

    private AnalysisReport.Structure analyzeSequential() {
        long buckets = 0;
        long records = 0;
        long used = 0;
        long id = access.state().firstBucket();
        long last = 0;
        try {
            while (id != 0) {
                Bucket bucket = access.readValidated(id);
                if (bucket.kind() != KIND_SEQUENTIAL) {
                    problems.add("bucket " + id + " in the sequential chain is of kind " + bucket.kind());
                    break;
                }
                checkRecords(id, bucket);
                buckets++;
                records += bucket.entryCount();
                used += bucket.usedSpace();
                last = id;
                id = bucket.nextBucket();
                if (buckets > access.state().nextBucket()) {
                    problems.add("the bucket chain loops");
                    break;
                }
            }
        } catch (RmsException e) {
            problems.add(e.getMessage());
        }
        if (last != access.state().lastBucket()) {
            problems.add("the chain ends at bucket " + last + " but the file state says " + access.state().lastBucket());
        }
        return new AnalysisReport.Structure(0, 1, 0, buckets, records, 0, 0, 0, fill(used, buckets));
    }

    private AnalysisReport.Structure analyzeRelative(RelativeOrganization relative) {
        long buckets = 0;
        long records = 0;
        long used = 0;
        long highest = access.state().highestRecordNumber();
        long lastBucket = highest == 0 ? FileState.FIRST_DATA_BUCKET - 1
                : FileState.FIRST_DATA_BUCKET + (highest - 1) / relative.cellsPerBucket();
        for (long id = FileState.FIRST_DATA_BUCKET; id <= lastBucket; id++) {
            if (access.readIfPresent(id) == null) {
                continue;
            }
            try {
                Bucket bucket = access.readValidated(id);
                if (bucket.kind() != KIND_RELATIVE || bucket.keyLength() != 4) {
                    problems.add("bucket " + id + " is of kind " + bucket.kind() + " in a relative file");
                    continue;
                }
                long firstCell = (id - FileState.FIRST_DATA_BUCKET) * relative.cellsPerBucket() + 1;
                for (int i = 0; i < bucket.entryCount(); i++) {
                    long number = Bucket.u32(bucket.key(i), 0);
                    if (number < firstCell || number >= firstCell + relative.cellsPerBucket() || number > highest) {
                        problems.add("bucket " + id + " holds cell " + number + " which belongs elsewhere");
                    }
                }
                checkRecords(id, bucket);
                buckets++;
                records += bucket.entryCount();
                used += bucket.usedSpace();
            } catch (RmsException e) {
                problems.add(e.getMessage());
            }
        }
        return new AnalysisReport.Structure(0, 1, 0, buckets, records, 0, 0, 0, fill(used, buckets));
    }

    private void checkRecords(long id, Bucket bucket) {
        for (int i = 0; i < bucket.entryCount(); i++) {
            try {
                file.definition().checkRecordSize(bucket.payload(i));
            } catch (RmsException e) {
                problems.add("bucket " + id + " record " + i + ": " + e.getMessage());
            }
        }
    }

    private double fill(long used, long buckets) {
        return buckets == 0 ? 0 : (double) used / (buckets * (double) capacity(access.bucketBytes()));
    }
}
