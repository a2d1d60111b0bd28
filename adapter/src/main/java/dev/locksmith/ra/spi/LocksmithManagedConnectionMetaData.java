package dev.locksmith.ra.spi;

import jakarta.resource.spi.ManagedConnectionMetaData;

/**
 * Describes the EIS behind a {@link LocksmithManagedConnection}: product name "Locksmith", the
 * adapter's version, no limit on concurrent connections, and the user the connection was
 * created for (empty when the server passed no subject). Immutable.
 */
public final class LocksmithManagedConnectionMetaData implements ManagedConnectionMetaData {

    /** The product name reported for the EIS. */
    public static final String PRODUCT_NAME = "Locksmith";

    private final String userName;

    LocksmithManagedConnectionMetaData(String userName) {
        this.userName = userName == null ? "" : userName;
    }

    @Override
    public String getEISProductName() {
        return PRODUCT_NAME;
    }

    @Override
    public String getEISProductVersion() {
        return AdapterVersion.VERSION;
    }

    /** Returns 0: Locksmith sets no limit on concurrent connections. */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public String getUserName() {
        return userName;
    }
}
