package dev.locksmith.rms;

import static dev.locksmith.rms.bucket.BucketLayout.*;

import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.org.IndexedOrganization;
import dev.locksmith.rms.org.RelativeOrganization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Prints the bucket layout of a file, like ANALYZE/RMS_FILE/INTERACTIVE: every bucket of every
 * structure with its kind, level, entries, RRVs, space used and links, and the keys it holds.
 *
 * <p>Runs as one read-only service of the file (blocking others while it runs). Damaged buckets
 * throw {@link RmsException} with status BUG; output errors throw {@link UncheckedIOException}.
 */
public final class FileDumper {
    private static final HexFormat HEX = HexFormat.of();

    private FileDumper() {
    }

    /** Writes the layout of every bucket of {@code file} to {@code out}. */
    public static void dumpBuckets(RmsFile file, Appendable out) {
        file.read("dump buckets", () -> {
            try {
                write(file, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
    }

    private static void write(RmsFile file, Appendable out) throws IOException {
        BucketAccess access = file.access();
        out.append("Prolog: bucket 0 (definition), bucket 1 (file state); ")
                .append(String.valueOf(access.state().nextBucket() - FileState.FIRST_DATA_BUCKET))
                .append(" bucket numbers allocated\n");
        if (file.organization() instanceof IndexedOrganization indexed) {
            for (int k = 0; k < file.definition().keys().size(); k++) {
                out.append("Key ").append(String.valueOf(k)).append(" (root bucket ")
                        .append(String.valueOf(indexed.tree(k).root())).append(")\n");
                dumpTree(access, indexed.tree(k).root(), out);
            }
        } else if (file.organization() instanceof RelativeOrganization relative) {
            long highest = access.state().highestRecordNumber();
            long last = highest == 0 ? 0 : FileState.FIRST_DATA_BUCKET + (highest - 1) / relative.cellsPerBucket();
            for (long id = FileState.FIRST_DATA_BUCKET; id <= last; id++) {
                Bucket bucket = access.readIfPresent(id);
                if (bucket != null) {
                    dumpBucket(id, bucket, out);
                }
            }
        } else {
            for (long id = access.state().firstBucket(); id != 0; id = access.read(id).nextBucket()) {
                dumpBucket(id, access.read(id), out);
            }
        }
    }

    private static void dumpTree(BucketAccess access, long id, Appendable out) throws IOException {
        Bucket bucket = access.read(id);
        dumpBucket(id, bucket, out);
        if (!bucket.isLeaf()) {
            for (int i = 0; i < bucket.entryCount(); i++) {
                dumpTree(access, bucket.payloadU32(i, 0), out);
            }
        }
    }

    private static void dumpBucket(long id, Bucket bucket, Appendable out) throws IOException {
        String indent = "  ".repeat(Math.max(0, 4 - bucket.level()));
        out.append(indent).append(String.format("bucket %d %s level %d: %d entries, %d RRVs, %d/%d bytes used, next %d%n",
                id, kindName(bucket.kind()), bucket.level(), bucket.entryCount(), bucket.rrvCount(), bucket.usedSpace(),
                capacity(bucket.size()), bucket.nextBucket()));
        if (bucket.entryCount() > 0 && bucket.keyLength() > 0) {
            out.append(indent).append("  keys ").append(HEX.formatHex(bucket.key(0)));
            if (bucket.entryCount() > 1) {
                out.append(" .. ").append(HEX.formatHex(bucket.key(bucket.entryCount() - 1)));
            }
            out.append('\n');
        }
        for (int i = 0; i < bucket.rrvCount(); i++) {
            out.append(indent).append(String.format("  RRV id %d -> bucket %d%n", bucket.rrvRecordId(i), bucket.rrvTarget(i)));
        }
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case KIND_INDEX -> "INDEX";
            case KIND_DATA -> "DATA";
            case KIND_SIDR -> "SIDR";
            case KIND_SEQUENTIAL -> "SEQUENTIAL";
            case KIND_RELATIVE -> "RELATIVE";
            case KIND_RRV -> "RRV";
            default -> "kind " + kind;
        };
    }
}
