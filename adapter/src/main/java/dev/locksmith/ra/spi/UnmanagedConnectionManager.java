package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

/**
 * The connection manager used when the adapter runs outside an application server
 * ({@link LocksmithManagedConnectionFactory#createConnectionFactory()}): every allocation creates
 * a fresh managed connection, and closing the handle destroys it. There is no pooling and no
 * transaction enlistment (see {@link JtaConnectionManager} for that). Stateless and serializable.
 */
public final class UnmanagedConnectionManager implements ConnectionManager {

    private static final long serialVersionUID = 1L;

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo cxRequestInfo)
            throws ResourceException {
        if (mcf == null) {
            throw new ResourceException("allocateConnection: mcf must not be null");
        }
        ManagedConnection mc = mcf.createManagedConnection(null, cxRequestInfo);
        mc.addConnectionEventListener(new DestroyOnClose(mc));
        return mc.getConnection(null, cxRequestInfo);
    }
}
