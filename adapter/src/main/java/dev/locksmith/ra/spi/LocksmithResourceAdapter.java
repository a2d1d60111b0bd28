package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.admin.LockManagerMonitor;
import dev.locksmith.lock.cluster.ClusterLockManager;
import dev.locksmith.lock.names.LockSpace;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.Serializable;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.management.MBeanServerFactory;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.transaction.xa.XAResource;
import org.jgroups.JChannel;

/**
 * The Locksmith resource adapter: the lifecycle of one deployment of the RAR. Between
 * {@link #start} and {@link #stop} it owns the one {@link LockManager} of the deployment — embedded
 * by default, a cluster node ({@link ClusterLockManager}) when {@code ClusterName} or
 * {@code ClusterChannel} is set — with the
 * lock space in which connections take name locks, and one {@link ResourceManager} per store
 * directory, shared by every managed connection factory of the deployment that points at that
 * directory. Stores are opened as soon as both the adapter runs and a factory naming them is
 * associated with it (at {@link #start} for factories associated before), and opening a store
 * recovers it: its prepared transactions are back in doubt, with their locks, before any
 * connection of it is handed out. Stopping rolls back unprepared transactions, closes every store
 * and then the lock manager; connections made before fail from then on.
 *
 * <p>Config properties (all optional; with none the adapter runs an embedded lock manager):
 * <ul>
 *   <li>{@code GlobalBufferCount} — buckets of global buffers each file of a store keeps on this
 *       node, whose read locks stay cached between reads (default {@value #DEFAULT_GLOBAL_BUFFER_COUNT};
 *       0 turns them off);
 *   <li>{@code ClusterName} — the JGroups cluster to join; empty (default) means no cluster;
 *   <li>{@code ClusterChannel} — the JNDI name of a connected JGroups channel the server already
 *       runs (a WildFly HA profile binds its channels at {@code java:jboss/jgroups/channel/<name>},
 *       e.g. {@code java:jboss/jgroups/channel/ee}); the node rides a fork of it (fork stack
 *       {@value #FORK_STACK}, fork channel {@code ClusterName}, or {@value #FORK_STACK} when that is
 *       empty) and shares its transport, discovery, membership and security, so the settings of a
 *       channel of its own ({@code ClusterBindAddress}, {@code ClusterBindPort},
 *       {@code ClusterInitialHosts}, the key store) do not apply and the last two must stay empty.
 *       Every member of that channel's view must run the adapter, and {@code ClusterExpectedVotes}
 *       must count them. The deployment must see the server's JGroups classes (on WildFly: a
 *       dependency on the {@code org.jgroups} module). Empty (default): the node makes its own channel;
 *   <li>{@code ClusterNodeName} — this node's name (default {@code locksmith-<pid>});
 *   <li>{@code ClusterBindAddress}, {@code ClusterBindPort} — where this node listens (default
 *       127.0.0.1, 7800);
 *   <li>{@code ClusterInitialHosts} — TCPPING hosts such as {@code 10.0.0.1[7800],10.0.0.2[7800]}
 *       (default: this node only);
 *   <li>{@code ClusterExpectedVotes} — nodes expected; a view needs a majority to grant (default 1);
 *   <li>{@code ClusterKeyStore}, {@code ClusterKeyAlias}, {@code ClusterKeyPassword} — the AES key
 *       that encrypts and authenticates cluster traffic (a PKCS12 or JCEKS file; default: none).
 * </ul>
 * A value that can never be right fails in its setter with an {@link IllegalArgumentException}
 * naming the property; a cluster that cannot be joined, or a key store that cannot be read, fails
 * {@link #start} with a {@link ResourceAdapterInternalException} naming what was wrong.
 *
 * <p>Locksmith has outbound connections only: endpoint activation (inbound messaging) is not
 * supported, and {@link #getXAResources} returns none, because outbound XA recovery goes through
 * the managed connection factory. Two adapters are equal when their config properties are, as the
 * Connectors specification's JavaBean equality requires. Thread-safe.
 */
public final class LocksmithResourceAdapter implements ResourceAdapter, Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(LocksmithResourceAdapter.class.getName());

    /** The default of {@code GlobalBufferCount}. */
    public static final int DEFAULT_GLOBAL_BUFFER_COUNT = 1024;
    /** The fork stack a node riding {@code ClusterChannel} adds to the server's channel. */
    public static final String FORK_STACK = "locksmith";
    /** The most name-lock nodes all connections of one adapter may hold together. */
    public static final int NAME_LOCK_LIMIT = 1 << 20;

    private int globalBufferCount = DEFAULT_GLOBAL_BUFFER_COUNT;
    private String clusterName = "";
    private String clusterChannel = "";
    private String clusterNodeName = "";
    private String clusterBindAddress = "127.0.0.1";
    private int clusterBindPort = 7800;
    private String clusterInitialHosts = "";
    private int clusterExpectedVotes = 1;
    private String clusterKeyStore = "";
    private String clusterKeyAlias = "locksmith";
    private String clusterKeyPassword = "";

    private transient volatile boolean running;
    private transient volatile boolean stopped;
    private transient LockManager lockManager;
    private transient LockSpace nameLocks;
    private transient LockManagerMonitor lockMonitor;
    private transient ScheduledExecutorService timer;
    private transient Map<Path, ResourceManager> resourceManagers;
    private transient java.util.Set<LocksmithManagedConnectionFactory> factories;
    /** The server's view of the calling thread's transaction; null outside a server. */
    private transient volatile TransactionSynchronizationRegistry transactions;

    /** Creates an adapter that is not started yet; the server calls {@link #start}. */
    public LocksmithResourceAdapter() {
        // JavaBean constructor: the deployer sets the config properties.
    }

    /**
     * Starts the adapter: creates its lock manager (joining the cluster if one is configured).
     *
     * @param ctx the server's bootstrap context, whose transaction synchronization registry (if it
     *     has one) tells handles when they work outside every transaction; may be null outside a server
     * @throws ResourceAdapterInternalException if the adapter is already running, or the lock
     *     manager cannot start (the message names the property at fault)
     */
    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        List<LocksmithManagedConnectionFactory> associated;
        synchronized (this) {
            startLockManager();
            transactions = ctx == null ? null : ctx.getTransactionSynchronizationRegistry();
            associated = List.copyOf(registered());
        }
        // Outside this monitor: a factory's monitor is always taken before the adapter's.
        associated.forEach(this::openStoreOf);
    }

    private void startLockManager() throws ResourceAdapterInternalException {
        if (running) {
            throw new ResourceAdapterInternalException("the Locksmith resource adapter is already started");
        }
        LockManager manager = newLockManager();
        ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("locksmith-transaction-timeouts");
            t.setDaemon(true);
            return t;
        });
        timeouts.setRemoveOnCancelPolicy(true);
        lockManager = manager;
        nameLocks = new LockSpace(manager, 0, NAME_LOCK_LIMIT);
        lockMonitor = registerLockMonitor(manager, nameLocks);
        timer = timeouts;
        resourceManagers = new ConcurrentHashMap<>();
        running = true;
        stopped = false;
        LOG.log(Level.INFO, "Locksmith resource adapter {0} started with {1} lock manager {2}{3}",
                AdapterVersion.VERSION, clustered() ? "cluster" : "an embedded", manager.name(),
                clusterChannel.isEmpty() ? "" : " riding a fork of " + clusterChannel);
    }

    /**
     * The lock manager's JMX bean (what {@code lke show/monitor --pid} reads), which also samples
     * the rates {@link AdapterMonitorImpl} reports. A second adapter in the same JVM finds the name
     * taken; its bean then lives in a private MBean server, so its rates still work.
     */
    private static LockManagerMonitor registerLockMonitor(LockManager manager, LockSpace names) {
        try {
            return LockManagerMonitor.register(manager, List.of(names), false);
        } catch (LockException e) {
            LOG.log(Level.WARNING, "Locksmith lock manager {0}: not visible over JMX ({1})", manager.name(),
                    e.getMessage());
            return LockManagerMonitor.register(MBeanServerFactory.newMBeanServer(), manager, List.of(names), false);
        }
    }

    /**
     * Called when {@code mcf} is associated with this adapter: its store is opened (and recovered)
     * now if the adapter runs, or at {@link #start}.
     */
    void register(LocksmithManagedConnectionFactory mcf) {
        boolean now;
        synchronized (this) {
            registered().add(mcf);
            now = running;
        }
        if (now) {
            openStoreOf(mcf);
        }
    }

    private java.util.Set<LocksmithManagedConnectionFactory> registered() {
        if (factories == null) {
            factories = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        }
        return factories;
    }

    /** Opens the store of {@code mcf}; a store that cannot be opened yet fails its first connection instead. */
    private void openStoreOf(LocksmithManagedConnectionFactory mcf) {
        try {
            mcf.resourceManager();
        } catch (ResourceException e) {
            LOG.log(Level.WARNING, "Locksmith: the store of " + mcf + " cannot be opened yet; its first connection"
                    + " will try again", e);
        }
    }

    private boolean clustered() {
        return !clusterName.isEmpty() || !clusterChannel.isEmpty();
    }

    private LockManager newLockManager() throws ResourceAdapterInternalException {
        if (!clustered()) {
            // The adapter registers the manager's bean itself, with its name-lock space (registerLockMonitor).
            return LockManager.builder().name("locksmith").registerMBean(false).build();
        }
        ClusterLockManager.Builder b = ClusterLockManager.builder()
                .nodeName(clusterNodeName.isEmpty() ? "locksmith-" + ProcessHandle.current().pid() : clusterNodeName)
                .expectedVotes(clusterExpectedVotes);
        if (!clusterName.isEmpty()) {
            b.clusterName(clusterName);
        }
        String where;
        if (clusterChannel.isEmpty()) {
            b.bindAddress(clusterBindAddress).bindPort(clusterBindPort);
            if (!clusterInitialHosts.isEmpty()) {
                b.initialHosts(clusterInitialHosts);
            }
            where = "ClusterName '" + clusterName + "', ClusterBindAddress " + clusterBindAddress + ", ClusterBindPort "
                    + clusterBindPort + ", ClusterKeyStore '" + clusterKeyStore + "'";
        } else {
            b.channel(serverChannel(), FORK_STACK, clusterName.isEmpty() ? FORK_STACK : clusterName);
            where = "ClusterChannel '" + clusterChannel + "', fork stack " + FORK_STACK;
        }
        try {
            if (!clusterKeyStore.isEmpty()) {
                b.keyStore(Path.of(clusterKeyStore), clusterKeyAlias, clusterKeyPassword.toCharArray());
            }
            return b.build();
        } catch (LockException | java.nio.file.InvalidPathException e) {
            throw new ResourceAdapterInternalException("cannot start the Locksmith cluster node (" + where + "): "
                    + e.getMessage(), e);
        }
    }

    /** How long {@link #lookUpServerChannel} waits for a channel the server is still starting. */
    private static final long CHANNEL_START_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * Looks {@code ClusterChannel} up. WildFly starts a channel on demand, when a deployment first
     * needs it, and until the channel is up a lookup of its name fails with a cause that is an
     * {@link IllegalStateException}; such a lookup is tried again, every 100 ms for up to 30 s.
     * Any other failure ends the start at once.
     */
    private Object lookUpServerChannel() throws ResourceAdapterInternalException {
        long deadline = System.nanoTime() + CHANNEL_START_WAIT_NANOS;
        while (true) {
            try {
                return new InitialContext().lookup(clusterChannel);
            } catch (NamingException e) {
                boolean starting = e.getRootCause() instanceof IllegalStateException;
                if (!starting || System.nanoTime() - deadline > 0) {
                    throw new ResourceAdapterInternalException("ClusterChannel '" + clusterChannel + "': no JGroups"
                            + " channel can be looked up under that JNDI name" + (starting ? " within 30 s" : "")
                            + " (" + e + ")", e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResourceAdapterInternalException("ClusterChannel '" + clusterChannel
                        + "': interrupted while the server starts the channel", e);
            }
        }
    }

    /** The connected JGroups channel {@code ClusterChannel} names, looked up in the server's JNDI. */
    private JChannel serverChannel() throws ResourceAdapterInternalException {
        if (!clusterInitialHosts.isEmpty() || !clusterKeyStore.isEmpty()) {
            throw new ResourceAdapterInternalException("ClusterChannel '" + clusterChannel + "' rides the server's"
                    + " channel, which has its own discovery and security: ClusterInitialHosts and ClusterKeyStore"
                    + " must be empty with it, but were '" + clusterInitialHosts + "' and '" + clusterKeyStore + "'");
        }
        Object found = lookUpServerChannel();
        if (found instanceof JChannel channel) {
            return channel;
        }
        String what = found == null ? "null" : found.getClass().getName();
        throw new ResourceAdapterInternalException("ClusterChannel '" + clusterChannel + "' names " + what
                + (JChannel.class.getName().equals(what)
                        ? " from another class loader than the adapter's: the deployment must use the server's JGroups"
                                + " classes (on WildFly: a dependency on the org.jgroups module)"
                        : ", not a JGroups channel (" + JChannel.class.getName() + ")"));
    }

    /**
     * Stops the adapter: rolls back unprepared transactions and closes every store, then closes
     * the lock manager. Does nothing if it is not running.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopped = true;
        for (ResourceManager rm : resourceManagers.values()) {
            rm.close();
        }
        resourceManagers.clear();
        timer.shutdownNow();
        lockMonitor.close();
        lockManager.close();
        LOG.log(Level.INFO, "Locksmith resource adapter stopped");
    }

    /**
     * Tells whether the server says the calling thread has no transaction, so a handle need not
     * ask it to enlist a connection lazily. False when it cannot tell (no registry, outside a
     * server): the handle then asks, and the connection manager decides.
     */
    boolean callerOutsideEveryTransaction() {
        TransactionSynchronizationRegistry registry = transactions;
        return registry != null && registry.getTransactionStatus() == Status.STATUS_NO_TRANSACTION;
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
     * Tells whether the adapter has been stopped. A server may create connection factories before
     * it starts the adapter, so "not yet started" is not "stopped".
     *
     * @return true after {@link #stop} and until the next {@link #start}
     */
    public boolean isStopped() {
        return stopped;
    }

    /**
     * The lock manager the adapter owns.
     *
     * @throws ResourceException if the adapter is not running
     */
    synchronized LockManager lockManager() throws ResourceException {
        checkRunning();
        return lockManager;
    }

    /** The lock manager's JMX bean and rate sampler; see {@link #lockManager()}. */
    synchronized LockManagerMonitor lockMonitor() throws ResourceException {
        checkRunning();
        return lockMonitor;
    }

    /** Returns the shared resource manager of {@code storeDirectory}, creating it on first use. */
    synchronized ResourceManager resourceManager(Path storeDirectory) throws ResourceException {
        checkRunning();
        ResourceManager rm = resourceManagers.get(storeDirectory);
        if (rm == null) {
            try {
                rm = new ResourceManager(storeDirectory, nameLocks, timer, globalBufferCount);
            } catch (dev.locksmith.rms.RmsException e) {
                throw new dev.locksmith.ra.RecordException(e.status(), "cannot open the Locksmith store at "
                        + storeDirectory + ": " + e.getMessage(), e);
            }
            resourceManagers.put(storeDirectory, rm);
            LOG.log(Level.INFO, "Locksmith store opened at {0}", storeDirectory);
        }
        return rm;
    }

    private void checkRunning() throws ResourceException {
        if (stopped) {
            throw new ResourceException("the Locksmith resource adapter has been stopped");
        }
        if (!running) {
            throw new ResourceException("the Locksmith resource adapter has not been started");
        }
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

    // ---- config properties ---------------------------------------------------------------------

    /** @return the {@code GlobalBufferCount} config property */
    public Integer getGlobalBufferCount() {
        return globalBufferCount;
    }

    /**
     * Sets {@code GlobalBufferCount}.
     *
     * @param value buckets, zero or more
     * @throws IllegalArgumentException naming the property if null or negative
     */
    public void setGlobalBufferCount(Integer value) {
        if (value == null || value < 0) {
            throw new IllegalArgumentException("GlobalBufferCount must be zero or more buckets but was " + value);
        }
        globalBufferCount = value;
    }

    /** @return the {@code ClusterName} config property; empty: no cluster */
    public String getClusterName() {
        return clusterName;
    }

    /** @param value the JGroups cluster to join; null or blank: no cluster, an embedded lock manager */
    public void setClusterName(String value) {
        clusterName = text(value);
    }

    /** @return the {@code ClusterChannel} config property; empty: the node makes its own channel */
    public String getClusterChannel() {
        return clusterChannel;
    }

    /**
     * @param value the JNDI name of a connected JGroups channel of the server to ride a fork of,
     *     such as {@code java:jboss/jgroups/channel/ee}; null or blank: the node makes its own channel
     */
    public void setClusterChannel(String value) {
        clusterChannel = text(value);
    }

    /** @return the {@code ClusterNodeName} config property; empty: {@code locksmith-<pid>} */
    public String getClusterNodeName() {
        return clusterNodeName;
    }

    /** @param value this node's name in the cluster; null or blank: {@code locksmith-<pid>} */
    public void setClusterNodeName(String value) {
        clusterNodeName = text(value);
    }

    /** @return the {@code ClusterBindAddress} config property */
    public String getClusterBindAddress() {
        return clusterBindAddress;
    }

    /**
     * Sets {@code ClusterBindAddress}.
     *
     * @param value the address this node listens on
     * @throws IllegalArgumentException naming the property if null or blank
     */
    public void setClusterBindAddress(String value) {
        if (text(value).isEmpty()) {
            throw new IllegalArgumentException("ClusterBindAddress must not be null or blank");
        }
        clusterBindAddress = value.trim();
    }

    /** @return the {@code ClusterBindPort} config property */
    public Integer getClusterBindPort() {
        return clusterBindPort;
    }

    /**
     * Sets {@code ClusterBindPort}.
     *
     * @param value a TCP port, 1..65535
     * @throws IllegalArgumentException naming the property otherwise
     */
    public void setClusterBindPort(Integer value) {
        if (value == null || value < 1 || value > 65535) {
            throw new IllegalArgumentException("ClusterBindPort must be 1..65535 but was " + value);
        }
        clusterBindPort = value;
    }

    /** @return the {@code ClusterInitialHosts} config property; empty: this node only */
    public String getClusterInitialHosts() {
        return clusterInitialHosts;
    }

    /** @param value TCPPING initial hosts such as {@code 127.0.0.1[7800],127.0.0.1[7801]}; blank: this node */
    public void setClusterInitialHosts(String value) {
        clusterInitialHosts = text(value);
    }

    /** @return the {@code ClusterExpectedVotes} config property */
    public Integer getClusterExpectedVotes() {
        return clusterExpectedVotes;
    }

    /**
     * Sets {@code ClusterExpectedVotes}.
     *
     * @param value the nodes expected, at least 1
     * @throws IllegalArgumentException naming the property if null or below 1
     */
    public void setClusterExpectedVotes(Integer value) {
        if (value == null || value < 1) {
            throw new IllegalArgumentException("ClusterExpectedVotes must be at least 1 but was " + value);
        }
        clusterExpectedVotes = value;
    }

    /** @return the {@code ClusterKeyStore} config property; empty: traffic is not encrypted */
    public String getClusterKeyStore() {
        return clusterKeyStore;
    }

    /** @param value path of a PKCS12 ({@code .jceks}: JCEKS) key store with the cluster's AES key; blank: none */
    public void setClusterKeyStore(String value) {
        clusterKeyStore = text(value);
    }

    /** @return the {@code ClusterKeyAlias} config property */
    public String getClusterKeyAlias() {
        return clusterKeyAlias;
    }

    /**
     * Sets {@code ClusterKeyAlias}.
     *
     * @param value the alias of the AES key entry in {@code ClusterKeyStore}
     * @throws IllegalArgumentException naming the property if null or blank
     */
    public void setClusterKeyAlias(String value) {
        if (text(value).isEmpty()) {
            throw new IllegalArgumentException("ClusterKeyAlias must not be null or blank");
        }
        clusterKeyAlias = value.trim();
    }

    /** @return the {@code ClusterKeyPassword} config property */
    public String getClusterKeyPassword() {
        return clusterKeyPassword;
    }

    /** @param value the password of {@code ClusterKeyStore} and of its key entry; null: empty */
    public void setClusterKeyPassword(String value) {
        clusterKeyPassword = value == null ? "" : value;
    }

    private static String text(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocksmithResourceAdapter other
                && globalBufferCount == other.globalBufferCount
                && clusterName.equals(other.clusterName)
                && clusterChannel.equals(other.clusterChannel)
                && clusterNodeName.equals(other.clusterNodeName)
                && clusterBindAddress.equals(other.clusterBindAddress)
                && clusterBindPort == other.clusterBindPort
                && clusterInitialHosts.equals(other.clusterInitialHosts)
                && clusterExpectedVotes == other.clusterExpectedVotes
                && clusterKeyStore.equals(other.clusterKeyStore)
                && clusterKeyAlias.equals(other.clusterKeyAlias)
                && clusterKeyPassword.equals(other.clusterKeyPassword);
    }

    @Override
    public int hashCode() {
        return Objects.hash(globalBufferCount, clusterName, clusterChannel, clusterNodeName, clusterBindAddress, clusterBindPort,
                clusterInitialHosts, clusterExpectedVotes, clusterKeyStore, clusterKeyAlias);
    }
}
