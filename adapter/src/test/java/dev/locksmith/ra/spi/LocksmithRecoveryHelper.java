package dev.locksmith.ra.spi;

import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import javax.transaction.xa.XAResource;

/**
 * How Narayana standalone finds Locksmith's in-doubt branches (the README's recovery helper):
 * its XA recovery module calls {@code recover} on the XAResource of one Locksmith connection,
 * opened on first use and kept for later scans. Thread-safe.
 */
public final class LocksmithRecoveryHelper implements XAResourceRecoveryHelper {

    private final ManagedConnectionFactory factory;
    private ManagedConnection connection;

    /**
     * Creates a helper for the store of {@code factory}.
     *
     * @param factory a Locksmith managed connection factory associated with a started adapter
     */
    public LocksmithRecoveryHelper(ManagedConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public boolean initialise(String properties) {
        return true;
    }

    @Override
    public synchronized XAResource[] getXAResources() throws ResourceException {
        if (connection == null) {
            connection = factory.createManagedConnection(null, null);
        }
        return new XAResource[] {connection.getXAResource()};
    }
}
