package dev.locksmith.ra.spi;

import java.nio.charset.StandardCharsets;
import javax.transaction.xa.Xid;

/** A plain Xid as a transaction manager would pass it; deliberately without equals/hashCode. */
final class TestXid implements Xid {

    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;

    TestXid(int formatId, byte[] gtrid, byte[] bqual) {
        this.formatId = formatId;
        this.gtrid = gtrid;
        this.bqual = bqual;
    }

    static TestXid of(String gtrid) {
        return new TestXid(4711, gtrid.getBytes(StandardCharsets.UTF_8), new byte[] {1});
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid;
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual;
    }
}
