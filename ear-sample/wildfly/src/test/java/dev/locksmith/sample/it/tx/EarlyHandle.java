package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;

/**
 * Lazy enlistment in the server: obtains a Locksmith connection outside every transaction
 * ({@code NOT_SUPPORTED}) and hands it to {@link HandleInTransaction}, whose {@code REQUIRED} method
 * starts a container transaction, works through the handle and closes it. (IronJacamar destroys a
 * connection whose handle is still open when the transaction it worked in ends, unless the
 * connection definition sets {@code tracking="false"}: the handle is closed inside.)
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EarlyHandle {

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @EJB
    private HandleInTransaction inTransaction;

    @EJB
    private Probe probe;

    /**
     * Gets a connection, has a container transaction lock {@code name} and set item LAZY to 3 through it
     * (rejecting the order afterwards if {@code reject}), then looks whether the name is free.
     *
     * @param name an M lock name
     * @param reject whether the transaction ends with an application exception that rolls it back
     * @return what the handle saw before and inside the transaction, and what is free after it
     */
    public String handleFromBeforeTheTransaction(String name, boolean reject) {
        try (LocksmithConnection c = factory.getConnection()) {
            StringBuilder out = new StringBuilder("xidBefore=").append(c.currentXid().orElse("none")).append('\n');
            try {
                out.append(inTransaction.lockAndSet(c, name, "LAZY", 3, reject));
            } catch (OrderRejected e) {
                out.append("exception=").append(e.getClass().getSimpleName()).append('\n');
            }
            out.append("closedInside=").append(c.isClosed()).append('\n');
            out.append("freeOutside=").append(probe.free(name)).append('\n');
            return out.toString();
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }
}
