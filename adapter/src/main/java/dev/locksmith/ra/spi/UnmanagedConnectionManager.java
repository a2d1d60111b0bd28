package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The connection manager used when the adapter runs outside an application server
 * ({@link LocksmithManagedConnectionFactory#createConnectionFactory()}): every allocation creates
 * a fresh managed connection, and closing the handle destroys it. There is no pooling and no
 * transaction enlistment; a caller that wants XA enlists the connection's {@code XAResource}
 * itself. Stateless and serializable.
 */
public final class UnmanagedConnectionManager implements ConnectionManager {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(UnmanagedConnectionManager.class.getName());

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo cxRequestInfo)
            throws ResourceException {
        if (mcf == null) {
            throw new ResourceException("allocateConnection: mcf must not be null");
        }
        ManagedConnection mc = mcf.createManagedConnection(null, cxRequestInfo);
        mc.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                destroy(mc);
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                destroy(mc);
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
                // Outside a server nobody tracks local transactions.
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
                // Outside a server nobody tracks local transactions.
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
                // Outside a server nobody tracks local transactions.
            }
        });
        return mc.getConnection(null, cxRequestInfo);
    }

    private static void destroy(ManagedConnection mc) {
        try {
            mc.destroy();
        } catch (ResourceException e) {
            LOG.log(Level.WARNING, "could not destroy an unmanaged Locksmith connection", e);
        }
    }
}
