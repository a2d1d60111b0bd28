package dev.locksmith.rms;

import java.util.List;
import java.util.Locale;

/**
 * The result of {@link FileAnalyzer#analyze}: structure statistics per key (or for the whole file
 * when it has no keys) and every inconsistency found. Immutable.
 *
 * @param definition the file's definition
 * @param structures one entry per key of an indexed file, one for the file otherwise
 * @param problems   inconsistencies, each naming the bucket and what is wrong; empty if none
 */
public record AnalysisReport(FileDefinition definition, List<Structure> structures, List<String> problems) {

    public AnalysisReport {
        structures = List.copyOf(structures);
        problems = List.copyOf(problems);
    }

    /**
     * Statistics of one key's tree (or of a sequential or relative file's buckets).
     *
     * @param key          key of reference, 0 for non-indexed files
     * @param depth        levels in the tree, leaves included (1 for non-indexed files)
     * @param indexBuckets buckets at level 1 and above
     * @param leafBuckets  data, SIDR, sequential or relative buckets
     * @param records      entries in the leaves: records, or alternate-index entries
     * @param rrvs         forwarding pointers (RRVs) kept for records moved by splits, in data buckets
     *                     and in retired buckets
     * @param rrvBuckets   retired buckets: former data buckets that hold only RRVs and are no longer
     *                     part of the tree (see {@link dev.locksmith.rms.bucket.BucketLayout})
     * @param indexFill    used share of the index buckets' space, 0..1
     * @param leafFill     used share of the leaf buckets' space, 0..1
     */
    public record Structure(int key, int depth, long indexBuckets, long leafBuckets, long records, long rrvs,
                            long rrvBuckets, double indexFill, double leafFill) {
    }

    /** Whether no inconsistency was found. */
    public boolean consistent() {
        return problems.isEmpty();
    }

    /** Records in the file: the primary structure's entries. */
    public long recordCount() {
        return structures.isEmpty() ? 0 : structures.get(0).records();
    }

    /** A human-readable report, one line per structure, then the problems. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Organization %s, %s records of at most %d bytes, buckets of %d blocks (%d bytes)%n",
                definition.organization(), definition.format(), definition.recordSize(), definition.bucketSize(),
                definition.bucketBytes()));
        for (Structure s : structures) {
            String name = definition.keys().isEmpty() ? "File" : "Key " + s.key()
                    + (definition.keys().get(s.key()).name().isEmpty() ? "" : " (" + definition.keys().get(s.key()).name() + ")");
            out.append(String.format(Locale.ROOT,
                    "%s: depth %d, index buckets %d (fill %.0f%%), leaf buckets %d (fill %.0f%%), %s %d, RRVs %d%s%n",
                    name, s.depth(), s.indexBuckets(), 100 * s.indexFill(), s.leafBuckets(), 100 * s.leafFill(),
                    s.key() == 0 ? "records" : "entries", s.records(), s.rrvs(),
                    s.rrvBuckets() == 0 ? "" : " (" + s.rrvBuckets() + " retired RRV-only buckets)"));
        }
        if (problems.isEmpty()) {
            out.append("No inconsistencies found.\n");
        } else {
            out.append(problems.size()).append(problems.size() == 1 ? " inconsistency:\n" : " inconsistencies:\n");
            for (String problem : problems) {
                out.append("  ").append(problem).append('\n');
            }
        }
        return out.toString();
    }
}
