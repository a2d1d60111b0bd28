package dev.locksmith.rms;

/**
 * Record's file address: where a record was first stored and its number there.
 *
 * <p>For indexed files {@code bucket} is the record's home bucket and {@code id} its record id in
 * that bucket; the address stays valid when the record moves in a bucket split, because the home
 * bucket keeps a forwarding pointer (RRV) to the record's current bucket. For sequential and
 * relative files it is the bucket and the record's slot or cell in it. Immutable value.
 *
 * @param bucket bucket number, at least 1
 * @param id     record id within the bucket, at least 0
 */
public record Rfa(long bucket, int id) {

    public Rfa {
        if (bucket < 1 || bucket > 0xFFFF_FFFFL || id < 0) {
            throw new RmsException(RmsStatus.RFA, "rfa (" + bucket + "," + id + ") is out of range");
        }
    }

    /** The RFA as one number: bucket in the high 32 bits, id in the low 32 bits. */
    public long toLong() {
        return (bucket << 32) | (id & 0xFFFF_FFFFL);
    }

    /** The inverse of {@link #toLong()}. */
    public static Rfa fromLong(long value) {
        return new Rfa(value >>> 32, (int) value);
    }

    @Override
    public String toString() {
        return "(" + bucket + "," + id + ")";
    }
}
