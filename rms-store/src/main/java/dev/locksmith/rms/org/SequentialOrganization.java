package dev.locksmith.rms.org;

import static dev.locksmith.rms.bucket.BucketLayout.KIND_SEQUENTIAL;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.access.BucketAccess;
import dev.locksmith.rms.access.FileState;
import dev.locksmith.rms.bucket.Bucket;

/**
 * Sequential files: a chain of buckets, records appended to the last one in the order written.
 * A record's RFA is its bucket and its slot there. Records are read in order and may be updated in
 * place at the same size; they are removed only by truncation, as on RMS disk files. Not
 * thread-safe; see {@link FileOrganization}.
 */
public final class SequentialOrganization implements FileOrganization {
    private static final byte[] NO_KEY = new byte[0];

    private final FileDefinition definition;
    private final BucketAccess access;

    public SequentialOrganization(FileDefinition definition, BucketAccess access) {
        this.definition = definition;
        this.access = access;
    }

    /** Creates the first, empty bucket. */
    public void create() {
        long first = access.allocate();
        access.write(first, emptyBucket());
        access.state().setFirstBucket(first);
        access.state().setLastBucket(first);
    }

    private Bucket emptyBucket() {
        return Bucket.empty(KIND_SEQUENTIAL, 0, 0, access.bucketBytes());
    }

    @Override
    public Located first(int keyOfReference) {
        requirePrimary(keyOfReference);
        return firstFrom(access.state().firstBucket(), 0);
    }

    @Override
    public Located seek(int keyOfReference, byte[] key, KeyMatch match) {
        throw new RmsException(RmsStatus.ORG, "keyed access needs an indexed or relative file; this file is sequential");
    }

    @Override
    public Located after(Located position) {
        return firstFrom(position.rfa().bucket(), position.rfa().id() + 1);
    }

    private Located firstFrom(long bucketId, int index) {
        long id = bucketId;
        int slot = index;
        while (id != 0) {
            Bucket bucket = access.read(id);
            if (slot < bucket.entryCount()) {
                return new Located(0, null, new Rfa(id, slot), bucket.payload(slot));
            }
            id = bucket.nextBucket();
            slot = 0;
        }
        return null;
    }

    @Override
    public Located byRfa(Rfa rfa) {
        Bucket bucket = rfa.bucket() < FileState.FIRST_DATA_BUCKET ? null : access.readIfPresent(rfa.bucket());
        if (bucket == null || bucket.kind() != KIND_SEQUENTIAL) {
            throw new RmsException(RmsStatus.RFA, "rfa " + rfa + " does not address a bucket of this file");
        }
        if (rfa.id() >= bucket.entryCount()) {
            throw new RmsException(RmsStatus.RNF, "no record at rfa " + rfa + "; bucket " + rfa.bucket()
                    + " holds " + bucket.entryCount());
        }
        return new Located(0, null, rfa, bucket.payload(rfa.id()));
    }

    @Override
    public Rfa put(byte[] record) {
        definition.checkRecordSize(record);
        long lastId = access.state().lastBucket();
        Bucket last = access.read(lastId);
        Bucket appended = last.withInserted(last.entryCount(), NO_KEY, record);
        if (appended != null) {
            access.write(lastId, appended);
            return new Rfa(lastId, last.entryCount());
        }
        long newId = access.allocate();
        access.write(lastId, last.withNextBucket(newId));
        access.write(newId, emptyBucket().withInserted(0, NO_KEY, record));
        access.state().setLastBucket(newId);
        return new Rfa(newId, 0);
    }

    @Override
    public void update(Located current, byte[] record) {
        definition.checkRecordSize(record);
        Located now = requireCurrent(current);
        if (now.record().length != record.length) {
            throw new RmsException(RmsStatus.RTB, "record is " + record.length + " bytes; a sequential record can only be"
                    + " updated at its own size, " + now.record().length);
        }
        Bucket bucket = access.read(now.rfa().bucket());
        access.write(now.rfa().bucket(), bucket.withPayload(now.rfa().id(), record));
    }

    @Override
    public void delete(Located current) {
        throw new RmsException(RmsStatus.ORG, "records of a sequential file cannot be deleted, only truncated");
    }

    @Override
    public void truncate(Located current) {
        Located now = requireCurrent(current);
        long id = now.rfa().bucket();
        Bucket bucket = access.read(id);
        long following = bucket.nextBucket();
        access.write(id, bucket.sliceOf(0, now.rfa().id()));
        while (following != 0) {
            long next = access.read(following).nextBucket();
            access.remove(following);
            following = next;
        }
        access.state().setLastBucket(id);
    }

    private Located requireCurrent(Located current) {
        if (current == null) {
            throw new RmsException(RmsStatus.CUR, "there is no current record: get one first");
        }
        return byRfa(current.rfa());
    }

    private static void requirePrimary(int keyOfReference) {
        if (keyOfReference != 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; sequential files"
                    + " have only order 0");
        }
    }
}
