package dev.locksmith.ra.spi;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

/**
 * An immutable copy of an {@link Xid} with value equality, so a transaction branch can be found
 * again whatever {@code Xid} implementation the transaction manager passes in later.
 *
 * <p>Two keys are equal when format id, global transaction id and branch qualifier are equal.
 */
public final class XidKey implements Xid, Serializable {

    private static final long serialVersionUID = 1L;

    private final int formatId;
    private final byte[] globalTransactionId;
    private final byte[] branchQualifier;

    private XidKey(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        this.formatId = formatId;
        this.globalTransactionId = globalTransactionId;
        this.branchQualifier = branchQualifier;
    }

    /**
     * Copies {@code xid}, checking it is a well-formed XA identifier.
     *
     * @param xid the identifier passed by a transaction manager
     * @return a key equal to every other key copied from the same identifier
     * @throws XAException with {@link XAException#XAER_INVAL} if {@code xid} is null, has the null
     *     format id -1, or its ids are null or longer than {@link Xid#MAXGTRIDSIZE} /
     *     {@link Xid#MAXBQUALSIZE} bytes
     */
    public static XidKey of(Xid xid) throws XAException {
        if (xid == null) {
            throw xaError(XAException.XAER_INVAL, "xid must not be null");
        }
        if (xid instanceof XidKey key) {
            return key;
        }
        byte[] gtrid = xid.getGlobalTransactionId();
        byte[] bqual = xid.getBranchQualifier();
        if (xid.getFormatId() == -1) {
            throw xaError(XAException.XAER_INVAL, "xid has the null format id -1");
        }
        if (gtrid == null || gtrid.length == 0 || gtrid.length > MAXGTRIDSIZE) {
            throw xaError(XAException.XAER_INVAL, "xid global transaction id must be 1.."
                    + MAXGTRIDSIZE + " bytes but was " + (gtrid == null ? "null" : gtrid.length + " bytes"));
        }
        if (bqual == null || bqual.length > MAXBQUALSIZE) {
            throw xaError(XAException.XAER_INVAL, "xid branch qualifier must be 0.."
                    + MAXBQUALSIZE + " bytes but was " + (bqual == null ? "null" : bqual.length + " bytes"));
        }
        return new XidKey(xid.getFormatId(), gtrid.clone(), bqual.clone());
    }

    /**
     * Encodes this key for the store's journal: format id (4 bytes, big-endian), the global
     * transaction id's length (1 byte), the global transaction id, the branch qualifier.
     *
     * @return a new array that {@link #fromBytes} reads back
     */
    public byte[] toBytes() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + globalTransactionId.length + branchQualifier.length);
        b.putInt(formatId).put((byte) globalTransactionId.length).put(globalTransactionId).put(branchQualifier);
        return b.array();
    }

    /**
     * Decodes what {@link #toBytes()} wrote.
     *
     * @param bytes an encoded key
     * @return the key
     * @throws IllegalArgumentException if {@code bytes} is not an encoded key
     */
    public static XidKey fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 6) {
            throw new IllegalArgumentException("an encoded xid has at least 6 bytes, not "
                    + (bytes == null ? "null" : bytes.length));
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        int format = b.getInt();
        int gtridLength = Byte.toUnsignedInt(b.get());
        if (gtridLength == 0 || gtridLength > MAXGTRIDSIZE || b.remaining() < gtridLength
                || b.remaining() - gtridLength > MAXBQUALSIZE) {
            throw new IllegalArgumentException("not an encoded xid: global transaction id length " + gtridLength
                    + " with " + b.remaining() + " bytes left");
        }
        byte[] gtrid = new byte[gtridLength];
        b.get(gtrid);
        byte[] bqual = new byte[b.remaining()];
        b.get(bqual);
        return new XidKey(format, gtrid, bqual);
    }

    static XAException xaError(int code, String message) {
        XAException e = new XAException(message + " (" + XaCodes.name(code) + ")");
        e.errorCode = code;
        return e;
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return globalTransactionId.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return branchQualifier.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XidKey other
                && formatId == other.formatId
                && Arrays.equals(globalTransactionId, other.globalTransactionId)
                && Arrays.equals(branchQualifier, other.branchQualifier);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(globalTransactionId)) + Arrays.hashCode(branchQualifier);
    }

    /** Returns {@code formatId:gtridHex:bqualHex}. */
    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return formatId + ":" + hex.formatHex(globalTransactionId) + ":" + hex.formatHex(branchQualifier);
    }
}
