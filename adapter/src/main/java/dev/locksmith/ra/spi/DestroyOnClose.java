package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Destroys an unpooled physical connection when its handle is closed or it reports an error: what
 * the connection managers for use outside an application server do instead of pooling. Local
 * transaction events are ignored (nobody outside a server tracks them).
 *
 * @param mc the connection to destroy
 */
record DestroyOnClose(ManagedConnection mc) implements ConnectionEventListener {

    private static final Logger LOG = System.getLogger(DestroyOnClose.class.getName());

    /** Destroys {@code mc}, logging (not throwing) a failure: it is being thrown away anyway. */
    static void destroy(ManagedConnection mc) {
        try {
            mc.destroy();
        } catch (ResourceException e) {
            LOG.log(Level.WARNING, "could not destroy a Locksmith connection", e);
        }
    }

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
        // Nobody tracks local transactions here.
    }

    @Override
    public void localTransactionCommitted(ConnectionEvent event) {
        // Nobody tracks local transactions here.
    }

    @Override
    public void localTransactionRolledback(ConnectionEvent event) {
        // Nobody tracks local transactions here.
    }
}
