package dev.locksmith.rms.org;

import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.Rfa;

/**
 * The record operations of one file organization, on which {@link dev.locksmith.rms.RecordStream}
 * builds the RMS services. Implementations are not thread-safe and run inside
 * {@link dev.locksmith.rms.access.BucketAccess#perform}; they validate every argument before
 * changing anything and report errors as {@link dev.locksmith.rms.RmsException}.
 */
public interface FileOrganization {

    /** The first record in key {@code keyOfReference}'s order (0 for non-indexed files), or null at end of file. */
    Located first(int keyOfReference);

    /** The first record matching {@code key} under {@code match}, or null if none. */
    Located seek(int keyOfReference, byte[] key, KeyMatch match);

    /** The record after {@code position} in that position's order, or null at end of file. */
    Located after(Located position);

    /** The record at {@code rfa}; RNF or RFA status if there is none. */
    Located byRfa(Rfa rfa);

    /** Stores a new record and returns its RFA. */
    Rfa put(byte[] record);

    /** Replaces the record at {@code current} with {@code record}. */
    void update(Located current, byte[] record);

    /** Deletes the record at {@code current}. */
    void delete(Located current);

    /** Deletes {@code current} and every record after it. */
    void truncate(Located current);
}
