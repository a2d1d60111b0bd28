package dev.locksmith.rms;

import dev.locksmith.lock.LockOwner;

/**
 * How a {@link RecordStream} is made ({@link RmsFile#stream(StreamOptions)}). Immutable.
 *
 * @param owner         the lock owner whose record locks the stream takes, or null for an owner of
 *                      the stream's own (closed with the stream). With a caller's owner (a
 *                      transaction's) every record lock the stream takes stays held until that owner
 *                      releases it: the stream's next operation does not release it, as with
 *                      {@link RecordOption#ULK}
 * @param recordOptions the stream's default record options ({@code RAB$L_ROP}); calls may give their own
 * @param contention    the stream's contention policy; {@link ContentionPolicy#SYSTEM_DEFAULT} for the file's
 */
public record StreamOptions(LockOwner owner, RecordOptions recordOptions, ContentionPolicy contention) {
    /** An own owner, default record options, the file's contention policy. */
    public static final StreamOptions DEFAULT = new StreamOptions(null, RecordOptions.DEFAULT, ContentionPolicy.SYSTEM_DEFAULT);

    public StreamOptions {
        if (recordOptions == null) {
            throw new RmsException(RmsStatus.IAL, "recordOptions is null; use RecordOptions.DEFAULT");
        }
        if (contention == null) {
            throw new RmsException(RmsStatus.IAL, "contention is null; use SYSTEM_DEFAULT for the file's policy");
        }
    }

    /** A stream whose record locks belong to {@code owner} and stay until it releases them. */
    public static StreamOptions forOwner(LockOwner owner) {
        if (owner == null) {
            throw new RmsException(RmsStatus.IAL, "owner is null");
        }
        return new StreamOptions(owner, RecordOptions.DEFAULT, ContentionPolicy.SYSTEM_DEFAULT);
    }

    /** These options with other default record options. */
    public StreamOptions withRecordOptions(RecordOptions options) {
        return new StreamOptions(owner, options, contention);
    }

    /** These options with another contention policy. */
    public StreamOptions withContention(ContentionPolicy policy) {
        return new StreamOptions(owner, recordOptions, policy);
    }
}
