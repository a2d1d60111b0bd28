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
