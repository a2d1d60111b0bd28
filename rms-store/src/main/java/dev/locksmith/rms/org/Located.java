package dev.locksmith.rms.org;

import dev.locksmith.rms.Rfa;

/**
 * A record found by an organization, with where it was found.
 *
 * @param keyOfReference the key whose order {@code orderKey} belongs to (0 for non-indexed files)
 * @param orderKey       the record's position in that order: the index entry key for indexed
 *                       files, the 4-byte record number for relative files, null for sequential
 * @param rfa            the record's file address
 * @param record         the record's bytes (a copy the caller may keep)
 */
public record Located(int keyOfReference, byte[] orderKey, Rfa rfa, byte[] record) {
}
