package dev.locksmith.ra;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import java.io.Serializable;

/**
 * What an application looks up in JNDI (or has injected with {@code @Resource}) to talk to a
 * Locksmith store: a factory of {@link LocksmithConnection} handles.
 *
 * <p>In an application server each {@code getConnection} call goes through the server's
 * connection manager: the physical connection comes from a pool, and its {@code XAResource} is
 * enlisted in the caller's JTA transaction — by a server that enlists lazily (WildFly) when the
 * handle first does work in that transaction, so a handle obtained before the transaction began
 * joins it too. The factory is serializable and referenceable so it can be bound in JNDI.
 */
public interface LocksmithConnectionFactory extends Serializable, Referenceable {

    /**
     * Gets a connection handle using the factory's configured transaction mode.
     *
     * @return an open connection handle; the caller must close it
     * @throws ResourceException if no connection can be obtained (for example the store location
     *     is unusable or the adapter has been stopped)
     */
    LocksmithConnection getConnection() throws ResourceException;

    /**
     * Gets a connection handle whose transactions use {@code mode} instead of the factory's
     * configured mode. Connections of different modes are never shared with each other.
     *
     * @param mode the transaction mode the connection must use; not null
     * @return an open connection handle; the caller must close it
     * @throws ResourceException if no connection can be obtained
     * @throws NullPointerException if {@code mode} is null
     */
    LocksmithConnection getConnection(TransactionMode mode) throws ResourceException;

    /**
     * Gets a connection handle configured by {@code spec} (its transaction mode overrides the
     * factory's).
     *
     * @param spec what the connection must be; not null
     * @return an open connection handle; the caller must close it
     * @throws ResourceException if no connection can be obtained
     * @throws NullPointerException if {@code spec} is null
     */
    LocksmithConnection getConnection(LocksmithConnectionSpec spec) throws ResourceException;

    /**
     * Returns the counters of the resource manager this factory connects to.
     *
     * @return a snapshot of the counters, never null
     * @throws ResourceException if the store location configured for this factory is unusable
     */
    AdapterStatistics statistics() throws ResourceException;

    /**
     * Returns the administration view of the adapter and of the store this factory connects to:
     * lock resources with holders and waiters, lock rates, hottest trees, transaction counts.
     *
     * @return a view whose every call takes a fresh snapshot
     * @throws ResourceException if the store location is unusable or the adapter is not running
     */
    AdapterMonitor monitor() throws ResourceException;
}
