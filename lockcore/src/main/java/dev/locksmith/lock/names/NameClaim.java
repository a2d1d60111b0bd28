package dev.locksmith.lock.names;

/**
 * What one process claims on one name, for inspection.
 *
 * @param name        the name
 * @param level       the LOCK level (how many {@code LOCK +} are not yet undone); 0 if only ZALLOCATEd
 * @param zallocated  whether the name is ZALLOCATEd
 */
public record NameClaim(MName name, int level, boolean zallocated) {
}
