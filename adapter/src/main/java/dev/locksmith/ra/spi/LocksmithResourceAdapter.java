package dev.locksmith.ra.spi;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAResource;

/**
 * The Locksmith resource adapter: the lifecycle of one deployment of the RAR. Between
 * {@link #start} and {@link #stop} it owns one {@link ResourceManager} per store directory, shared
 * by every managed connection factory of the deployment that points at that directory. Stopping
 * closes them all, and connections made before fail from then on.
 *
 * <p>Locksmith has outbound connections only: endpoint activation (inbound messaging) is not
 * supported, and {@link #getXAResources} returns none, because outbound XA recovery goes through
 * the managed connection factory. The adapter has no config properties of its own, so all
 * instances are equal, as the Connectors specification's JavaBean equality requires.
 */
public final class LocksmithResourceAdapter implements ResourceAdapter, Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(LocksmithResourceAdapter.class.getName());

    private transient volatile boolean running;
    private transient volatile boolean stopped;
    private transient Map<Path, ResourceManager> resourceManagers = new ConcurrentHashMap<>();

    /** Creates an adapter that is not started yet; the server calls {@link #start}. */
    public LocksmithResourceAdapter() {
        // JavaBean constructor.
    }

    /**
     * Starts the adapter.
     *
     * @param ctx the server's bootstrap context; not used yet, may be null outside a server
     * @throws ResourceAdapterInternalException if the adapter is already running
     */
    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        if (running) {
            throw new ResourceAdapterInternalException("the Locksmith resource adapter is already started");
        }
        running = true;
        stopped = false;
        LOG.log(Level.INFO, "Locksmith resource adapter {0} started", AdapterVersion.VERSION);
    }

    /** Stops the adapter and closes every store it opened. Does nothing if it is not running. */
    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopped = true;
        for (ResourceManager rm : managers().values()) {
            rm.close();
        }
        managers().clear();
        LOG.log(Level.INFO, "Locksmith resource adapter stopped");
    }

    /**
     * Tells whether the adapter is between {@link #start} and {@link #stop}.
     *
     * @return true while running
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Tells whether the adapter has been stopped. A server creates connection factories before it
     * starts the adapter, so "not yet started" is not "stopped".
     *
     * @return true after {@link #stop} and until the next {@link #start}
     */
    public boolean isStopped() {
        return stopped;
    }

    /** Returns the shared resource manager of {@code storeDirectory}, creating it on first use. */
    ResourceManager resourceManager(Path storeDirectory) throws ResourceException {
        if (stopped) {
            throw new ResourceException("the Locksmith resource adapter has been stopped");
        }
        return managers().computeIfAbsent(storeDirectory, dir -> {
            LOG.log(Level.INFO, "Locksmith store opened at {0}", dir);
            return new ResourceManager(dir);
        });
    }

    private synchronized Map<Path, ResourceManager> managers() {
        if (resourceManagers == null) {
            resourceManagers = new ConcurrentHashMap<>();
        }
        return resourceManagers;
    }

    /**
     * Always fails: Locksmith delivers no messages to endpoints.
     *
     * @throws NotSupportedException always
     */
    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec)
            throws ResourceException {
        throw new NotSupportedException("the Locksmith resource adapter has no inbound messaging");
    }

    /** Does nothing: no endpoint can have been activated. */
    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        // endpointActivation never succeeds, so there is nothing to deactivate.
    }

    /**
     * Returns no XA resources: this method serves inbound recovery, and Locksmith has no inbound
     * side. Outbound recovery uses {@code createManagedConnection(...).getXAResource()}.
     */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocksmithResourceAdapter;
    }

    @Override
    public int hashCode() {
        return LocksmithResourceAdapter.class.getName().hashCode();
    }
}
