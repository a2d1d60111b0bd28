package dev.locksmith.rms;

import dev.locksmith.rms.org.Located;
import dev.locksmith.rms.org.RelativeOrganization;

/**
 * A record stream on an {@link RmsFile}, the counterpart of an RMS record access block (RAB): it
 * has a current record and a position from which {@link #next()} continues, in the order of the key
 * of reference last used.
 *
 * <p>Every service is atomic and validates its arguments before changing anything: a service that
 * throws {@link RmsException} has left the file and this stream's position as they were. Not
 * thread-safe: use one stream per thread (streams of one file may be used concurrently; the file
 * serializes their services). Record locks will be taken here when sharing arrives.
 */
public final class RecordStream {
    private final RmsFile file;
    private int keyOfReference;
    private Located current;

    RecordStream(RmsFile file) {
        this.file = file;
    }

    /**
     * Reads the first record whose key {@code keyOfReference} matches {@code key} and makes it
     * current; {@link #next()} then continues in that key's order.
     *
     * @param key the key value as the concatenated segments in record format; shorter than the key
     *            for a generic match (STRING keys)
     * @throws RmsException RNF if no record matches, KRF/KEY for a bad key of reference or value
     */
    public byte[] get(int keyOfReference, byte[] key, KeyMatch match) {
        Located found = file.run("get", () -> file.organization().seek(keyOfReference, key, match));
        if (found == null) {
            throw new RmsException(RmsStatus.RNF, "no record with key " + keyOfReference + " " + match + " the value given");
        }
        position(found);
        return found.record();
    }

    /** Like {@link #get(int, byte[], KeyMatch)} with the default exact match. */
    public byte[] get(int keyOfReference, byte[] key) {
        return get(keyOfReference, key, KeyMatch.EQ);
    }

    /** Like {@link #get(int, byte[], KeyMatch)} but returns the record's RFA instead of the record ($FIND). */
    public Rfa find(int keyOfReference, byte[] key, KeyMatch match) {
        get(keyOfReference, key, match);
        return current.rfa();
    }

    /** Reads the record at {@code rfa} and makes it current; next continues in primary key order. */
    public byte[] get(Rfa rfa) {
        if (rfa == null) {
            throw new RmsException(RmsStatus.RFA, "rfa is null");
        }
        Located found = file.run("get by rfa", () -> file.organization().byRfa(rfa));
        position(found);
        return found.record();
    }

    /** Relative files: reads cell {@code recordNumber}; RNF if it is empty. */
    public byte[] get(long recordNumber) {
        requireRelative("get by record number");
        checkRecordNumber(recordNumber);
        return get(0, RelativeOrganization.key(recordNumber), KeyMatch.EQ);
    }

    /**
     * Reads the record after the current one (or the first, after {@link #rewind}) in the current
     * key of reference's order and makes it current.
     *
     * @throws RmsException EOF when there is none
     */
    public byte[] next() {
        Located found = file.run("next", () -> current == null
                ? file.organization().first(keyOfReference)
                : file.organization().after(current));
        if (found == null) {
            throw new RmsException(RmsStatus.EOF, "no record after " + (current == null ? "the start" : "rfa " + current.rfa())
                    + " in key " + keyOfReference + " order");
        }
        position(found);
        return found.record();
    }

    /** Stores a new record; the stream's position is unchanged. Returns the record's RFA. */
    public Rfa put(byte[] record) {
        return file.run("put", () -> file.organization().put(record));
    }

    /**
     * Indexed files: stores the record, or replaces the record with the same primary key if there is
     * one — RMS {@code $PUT} with the update-if-exists option ({@code RAB$V_UIF}). The replacement
     * follows the rules of {@link #update}. The stream's position is unchanged.
     */
    public Rfa putOrUpdate(byte[] record) {
        if (!(file.organization() instanceof dev.locksmith.rms.org.IndexedOrganization indexed)) {
            throw new RmsException(RmsStatus.ORG, "update-if-exists is for indexed files; this file is "
                    + file.definition().organization());
        }
        return file.run("put or update", () -> indexed.putOrUpdate(record));
    }

    /**
     * Stores every record in {@code records} as one atomic service: all are stored, or — if any is
     * rejected — none, and the exception names the record's place in the list. Bulk loads use it
     * to write each touched bucket once per batch instead of once per record.
     */
    public java.util.List<Rfa> putAll(java.util.List<byte[]> records) {
        return file.run("put all", () -> {
            java.util.List<Rfa> rfas = new java.util.ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                try {
                    rfas.add(file.organization().put(records.get(i)));
                } catch (RmsException e) {
                    throw new RmsException(e.status(), "record " + i + " of the batch: " + e.getMessage(), e);
                }
            }
            return rfas;
        });
    }

    /** Relative files: stores {@code record} in cell {@code recordNumber}; REX if it is occupied. */
    public Rfa put(long recordNumber, byte[] record) {
        RelativeOrganization relative = requireRelative("put by record number");
        checkRecordNumber(recordNumber);
        return file.run("put", () -> relative.put(recordNumber, record));
    }

    /**
     * Replaces the current record. The primary key may not change; an alternate key only if it has
     * CHANGES (CHG otherwise); sequential records keep their size.
     */
    public void update(byte[] record) {
        Located before = current;
        file.run("update", () -> {
            file.organization().update(before, record);
            return null;
        });
        current = new Located(before.keyOfReference(), before.orderKey(), before.rfa(), record.clone());
    }

    /** Deletes the current record (indexed and relative files); next continues after it. */
    public void delete() {
        Located before = current;
        file.run("delete", () -> {
            file.organization().delete(before);
            return null;
        });
    }

    /** Sequential files: deletes the current record and every one after it. */
    public void truncate() {
        Located before = current;
        file.run("truncate", () -> {
            file.organization().truncate(before);
            return null;
        });
        current = null;
    }

    /** Positions before the first record in key {@code keyOfReference}'s order. */
    public void rewind(int keyOfReference) {
        if (file.definition().organization() == Organization.INDEXED) {
            file.definition().key(keyOfReference);
        } else if (keyOfReference != 0) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; "
                    + file.definition().organization() + " files have only 0");
        }
        this.keyOfReference = keyOfReference;
        this.current = null;
    }

    /** Positions before the first record in the current key of reference's order. */
    public void rewind() {
        rewind(keyOfReference);
    }

    /** The RFA of the current record, or null if there is none. */
    public Rfa currentRfa() {
        return current == null ? null : current.rfa();
    }

    /** Makes every completed service of the file durable. */
    public void flush() {
        file.flush();
    }

    private void position(Located found) {
        this.current = found;
        this.keyOfReference = found.keyOfReference();
    }

    private RelativeOrganization requireRelative(String operation) {
        if (file.organization() instanceof RelativeOrganization relative) {
            return relative;
        }
        throw new RmsException(RmsStatus.ORG, operation + " is for relative files; this file is "
                + file.definition().organization());
    }

    private static void checkRecordNumber(long recordNumber) {
        if (recordNumber < 1 || recordNumber > RelativeOrganization.MAX_RECORD_NUMBER) {
            throw new RmsException(RmsStatus.KEY, "record number " + recordNumber + " is not in 1.."
                    + RelativeOrganization.MAX_RECORD_NUMBER);
        }
    }
}
