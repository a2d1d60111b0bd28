package dev.locksmith.rms.org;

import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.index.BTree;

/**
 * A record found by an organization, with where it was found.
 *
 * @param keyOfReference the key whose order {@code orderKey} belongs to (0 for non-indexed files)
 * @param orderKey       the record's position in that order: the index entry key for indexed
 *                       files, the 4-byte record number for relative files, null for sequential
 * @param rfa            the record's file address
 * @param record         the record's bytes (a copy the caller may keep)
 * @param primary        indexed files: the record's entry in its data bucket as found (the bucket
 *                       image then current), so that a later update or delete of it needs no new
 *                       search while that image is still the bucket's; null when not known
 */
public record Located(int keyOfReference, byte[] orderKey, Rfa rfa, byte[] record, BTree.Position primary) {

    /** A record found without its data-bucket entry (relative and sequential files). */
    public Located(int keyOfReference, byte[] orderKey, Rfa rfa, byte[] record) {
        this(keyOfReference, orderKey, rfa, record, null);
    }
}
