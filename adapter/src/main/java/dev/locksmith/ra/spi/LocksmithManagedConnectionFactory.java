package dev.locksmith.ra.spi;

import dev.locksmith.ra.TransactionMode;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import java.beans.IntrospectionException;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.Subject;

/**
 * The managed connection factory of the Locksmith adapter: a JavaBean configured by the
 * deployer, which creates {@link LocksmithManagedConnection}s and the application-facing
 * {@link LocksmithConnectionFactoryImpl}.
 *
 * <p>Config properties:
 * <ul>
 *   <li>{@code TransactionMode} — {@code OPTIMISTIC} or {@code PESSIMISTIC} (default), case-insensitive;
 *   <li>{@code StoreLocation} — the directory of the store. {@code ${name}} is replaced by the
 *       system property {@code name}; relative paths are resolved against the working directory.
 *       Empty (the default) means {@code ${jboss.server.data.dir}/locksmith} inside WildFly and
 *       {@code ${user.dir}/locksmith-data} elsewhere;
 *   <li>{@code LockWaitMillis} — how long {@code LocksmithConnection.lock(names)} waits when the
 *       call gives no timeout, and how long a record operation waits for a record another
 *       transaction holds before failing with RLK (0) or TMO, in milliseconds (default
 *       {@value #DEFAULT_LOCK_WAIT_MILLIS}).
 * </ul>
 * A bad value fails in the setter with an {@link IllegalArgumentException} naming the property;
 * a store location that cannot be used as a directory fails when the first connection or
 * connection factory is created, with an {@link InvalidPropertyException} naming the property.
 *
 * <p>Two factories are equal when their config properties are equal, as the Connectors
 * specification requires. A factory works only once it is associated with a started
 * {@link LocksmithResourceAdapter}, which owns the lock manager; factories of one adapter that
 * resolve to the same store directory share one {@link ResourceManager}.
 *
 * <p>The class is open for one kind of subclass: a factory of another connection face on the same
 * managed connections (the jdbc module's {@code SqlManagedConnectionFactory}, whose connection
 * factory is a {@code javax.sql.DataSource}), which overrides only
 * {@link #connectionFactory(ConnectionManager)}. A subclass's instances are never equal to this class's.
 */
public class LocksmithManagedConnectionFactory
        implements ManagedConnectionFactory, ResourceAdapterAssociation, TransactionSupport,
        ValidatingManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = System.getLogger(LocksmithManagedConnectionFactory.class.getName());
    private static final Pattern SYSTEM_PROPERTY = Pattern.compile("\\$\\{([^}]*)}");

    /** Name of the transaction mode config property. */
    public static final String TRANSACTION_MODE = "TransactionMode";
    /** Name of the store location config property. */
    public static final String STORE_LOCATION = "StoreLocation";
    /** Name of the lock wait config property. */
    public static final String LOCK_WAIT_MILLIS = "LockWaitMillis";
    /** The default of {@code LockWaitMillis}: ten seconds. */
    public static final long DEFAULT_LOCK_WAIT_MILLIS = 10_000;

    private TransactionMode transactionMode = TransactionMode.PESSIMISTIC;
    private String storeLocation = "";
    private long lockWaitMillis = DEFAULT_LOCK_WAIT_MILLIS;

    private transient LocksmithResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;
    private transient ResourceManager resourceManager;

    /** Creates a factory with the default configuration (pessimistic, default store location). */
    public LocksmithManagedConnectionFactory() {
        // JavaBean constructor: the deployer sets the config properties.
    }

    /**
     * Returns the {@code TransactionMode} config property.
     *
     * @return {@code OPTIMISTIC} or {@code PESSIMISTIC}
     */
    public String getTransactionMode() {
        return transactionMode.name();
    }

    /**
     * Sets the {@code TransactionMode} config property.
     *
     * @param value {@code OPTIMISTIC} or {@code PESSIMISTIC}, case-insensitive
     * @throws IllegalArgumentException naming {@code TransactionMode} if the value names no mode
     */
    public void setTransactionMode(String value) {
        this.transactionMode = TransactionMode.parse(TRANSACTION_MODE, value);
    }

    /**
     * Returns the configured transaction mode.
     *
     * @return the mode, never null
     */
    public TransactionMode transactionModeValue() {
        return transactionMode;
    }

    /**
     * Returns the {@code LockWaitMillis} config property.
     *
     * @return the lock wait in milliseconds
     */
    public Long getLockWaitMillis() {
        return lockWaitMillis;
    }

    /**
     * Sets the {@code LockWaitMillis} config property.
     *
     * @param value milliseconds, zero or more
     * @throws IllegalArgumentException naming {@code LockWaitMillis} if null or negative
     */
    public void setLockWaitMillis(Long value) {
        if (value == null || value < 0) {
            throw new IllegalArgumentException(LOCK_WAIT_MILLIS + " must be zero or more milliseconds but was " + value);
        }
        this.lockWaitMillis = value;
    }

    /** The lock wait as a duration. */
    Duration lockWait() {
        return Duration.ofMillis(lockWaitMillis);
    }

    /**
     * Returns the {@code StoreLocation} config property as configured (before expansion).
     *
     * @return the configured text; empty means the default location
     */
    public String getStoreLocation() {
        return storeLocation;
    }

    /**
     * Sets the {@code StoreLocation} config property. The value is checked at once: every
     * {@code ${name}} must name a system property that is set, and the result must be a
     * syntactically valid path. Whether it is a usable directory is checked when the first
     * connection is made.
     *
     * @param value a directory path, possibly with {@code ${name}} references; null or blank means
     *     the default location
     * @throws IllegalArgumentException naming {@code StoreLocation} if the value cannot be a path
     */
    public void setStoreLocation(String value) {
        String v = value == null ? "" : value.trim();
        resolve(v);
        this.storeLocation = v;
        this.resourceManager = null;
    }

    /**
     * Returns the absolute store directory the {@code StoreLocation} property resolves to now.
     *
     * @return the absolute, normalised path
     * @throws IllegalArgumentException naming {@code StoreLocation} if it cannot be resolved
     */
    public Path resolvedStoreLocation() {
        return resolve(storeLocation);
    }

    private static Path resolve(String configured) {
        String text = configured;
        if (text.isEmpty()) {
            String dataDir = System.getProperty("jboss.server.data.dir");
            text = dataDir != null ? dataDir + "/locksmith" : System.getProperty("user.dir") + "/locksmith-data";
        }
        Matcher m = SYSTEM_PROPERTY.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String prop = name.isEmpty() ? null : System.getProperty(name);
            if (prop == null) {
                throw new IllegalArgumentException(STORE_LOCATION + " '" + configured + "' refers to system property '"
                        + name + "', which is not set");
            }
            m.appendReplacement(expanded, Matcher.quoteReplacement(prop));
        }
        m.appendTail(expanded);
        try {
            return Path.of(expanded.toString()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(STORE_LOCATION + " '" + configured + "' is not a valid path: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Returns the resource manager for this factory's store, opening the store directory (and
     * creating it if missing) on first use.
     *
     * @return the resource manager, never null
     * @throws InvalidPropertyException naming {@code StoreLocation} if the location exists but is
     *     not a writable directory, or cannot be created; {@link ResourceException} if the factory
     *     has no resource adapter or it is not running
     */
    public synchronized ResourceManager resourceManager() throws ResourceException {
        if (resourceManager != null && resourceManager.isOpen()) {
            return resourceManager;
        }
        Path dir = checkedStoreLocation();
        LocksmithResourceAdapter ra = resourceAdapter;
        if (ra == null) {
            throw new ResourceException("this managed connection factory is not associated with a resource adapter;"
                    + " call setResourceAdapter with a started " + LocksmithResourceAdapter.class.getSimpleName());
        }
        resourceManager = ra.resourceManager(dir);
        return resourceManager;
    }

    private Path checkedStoreLocation() throws InvalidPropertyException {
        Path dir;
        try {
            dir = resolvedStoreLocation();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e);
        }
        checkDirectory(dir);
        return dir;
    }

    private void checkDirectory(Path dir) throws InvalidPropertyException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw invalid(STORE_LOCATION + " " + dir + " exists but is not a directory", null);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw invalid(STORE_LOCATION + " " + dir + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw invalid(STORE_LOCATION + " " + dir + " is not writable", null);
        }
    }

    private InvalidPropertyException invalid(String message, Exception cause) {
        InvalidPropertyException e = new InvalidPropertyException(message, cause);
        try {
            e.setInvalidPropertyDescriptors(new PropertyDescriptor[] {
                new PropertyDescriptor("storeLocation", LocksmithManagedConnectionFactory.class)
            });
        } catch (IntrospectionException ie) {
            e.addSuppressed(ie);
        }
        return e;
    }

    /** Tells whether the server says the calling thread has no transaction (false if it cannot tell). */
    boolean callerOutsideEveryTransaction() {
        LocksmithResourceAdapter ra = resourceAdapter;
        return ra != null && ra.callerOutsideEveryTransaction();
    }

    /** Throws if the resource adapter this factory belongs to has been stopped. */
    void checkAdapterRunning() throws ResourceException {
        LocksmithResourceAdapter ra = resourceAdapter;
        if (ra != null && ra.isStopped()) {
            throw new ResourceException("the Locksmith resource adapter has been stopped");
        }
    }

    /**
     * Creates the application-facing connection factory that allocates connections through the
     * server's connection manager.
     *
     * @throws InvalidPropertyException naming {@code StoreLocation} if the store is unusable
     */
    @Override
    public final Object createConnectionFactory(ConnectionManager cxManager) throws ResourceException {
        if (cxManager == null) {
            throw new ResourceException("createConnectionFactory: cxManager must not be null");
        }
        checkedStoreLocation();
        return connectionFactory(cxManager);
    }

    /**
     * The application-facing connection factory on {@code cxManager}, once the arguments and the
     * store location are checked: a {@link LocksmithConnectionFactory} here; a subclass's face
     * otherwise.
     */
    protected Object connectionFactory(ConnectionManager cxManager) {
        return new LocksmithConnectionFactoryImpl(this, cxManager);
    }

    /**
     * Creates a connection factory for use outside an application server, backed by an
     * {@link UnmanagedConnectionManager} (no pooling, no automatic enlistment).
     *
     * @throws InvalidPropertyException naming {@code StoreLocation} if the store is unusable
     */
    @Override
    public final Object createConnectionFactory() throws ResourceException {
        return createConnectionFactory(new UnmanagedConnectionManager());
    }

    /**
     * Creates a physical connection for {@code subject} and {@code cxRequestInfo}.
     *
     * @param subject the caller's subject, or null when the server does no sign-on
     * @param cxRequestInfo a {@link LocksmithConnectionRequestInfo}, or null for this factory's mode
     * @throws ResourceException if the request info is of a foreign type, the adapter was stopped,
     *     or the store is unusable ({@link InvalidPropertyException} naming {@code StoreLocation})
     */
    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo cxRequestInfo)
            throws ResourceException {
        LocksmithConnectionRequestInfo info = requestInfo(cxRequestInfo);
        checkAdapterRunning();
        ResourceManager rm = resourceManager();
        LOG.log(Level.DEBUG, "creating managed connection to {0} ({1})", rm.location(), info.transactionMode());
        return new LocksmithManagedConnection(this, rm, subject, info);
    }

    /**
     * Returns the first connection of {@code connectionSet} created by an equal factory for an equal
     * subject and equal request info and not destroyed, or null when there is none.
     *
     * @throws ResourceException if {@code cxRequestInfo} is not a Locksmith request info
     */
    @Override
    public ManagedConnection matchManagedConnections(@SuppressWarnings("rawtypes") Set connectionSet, Subject subject,
                                                     ConnectionRequestInfo cxRequestInfo) throws ResourceException {
        LocksmithConnectionRequestInfo info = requestInfo(cxRequestInfo);
        if (connectionSet == null) {
            return null;
        }
        for (Object candidate : connectionSet) {
            if (candidate instanceof LocksmithManagedConnection mc
                    && !mc.isDestroyed()
                    && mc.factory().equals(this)
                    && mc.requestInfo().equals(info)
                    && Objects.equals(mc.subject(), subject)) {
                return mc;
            }
        }
        return null;
    }

    /**
     * Returns the connections of {@code connectionSet} that can no longer be used: destroyed, or
     * their store closed (the adapter stopped), or their lock manager unreachable.
     *
     * @param connectionSet connections of this factory; others are ignored
     * @return the invalid ones, possibly empty, never null
     */
    @Override
    public Set<ManagedConnection> getInvalidConnections(@SuppressWarnings("rawtypes") Set connectionSet) {
        Set<ManagedConnection> invalid = new HashSet<>();
        if (connectionSet == null) {
            return invalid;
        }
        for (Object candidate : connectionSet) {
            if (candidate instanceof LocksmithManagedConnection mc && !mc.isValid()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    private LocksmithConnectionRequestInfo requestInfo(ConnectionRequestInfo cxRequestInfo) throws ResourceException {
        if (cxRequestInfo == null) {
            return new LocksmithConnectionRequestInfo(transactionMode);
        }
        if (cxRequestInfo instanceof LocksmithConnectionRequestInfo info) {
            return info;
        }
        throw new ResourceException("connection request info must be a " + LocksmithConnectionRequestInfo.class.getName()
                + " but was " + cxRequestInfo.getClass().getName());
    }

    @Override
    public void setLogWriter(PrintWriter out) throws ResourceException {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    /**
     * Associates this factory with its resource adapter; may be called once.
     *
     * @throws ResourceException if {@code ra} is not the Locksmith resource adapter
     * @throws IllegalStateException if the factory is already associated with another adapter
     */
    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof LocksmithResourceAdapter locksmith)) {
            throw new ResourceException("setResourceAdapter: ra must be a " + LocksmithResourceAdapter.class.getName()
                    + " but was " + (ra == null ? "null" : ra.getClass().getName()));
        }
        synchronized (this) {
            if (resourceAdapter != null && resourceAdapter != locksmith) {
                throw new IllegalStateException("this managed connection factory is already associated with a resource adapter");
            }
            resourceAdapter = locksmith;
            resourceManager = null;
        }
        locksmith.register(this);
    }

    /** Returns {@link TransactionSupport.TransactionSupportLevel#XATransaction}. */
    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.XATransaction;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocksmithManagedConnectionFactory other
                && other.getClass() == getClass()
                && other.transactionMode == transactionMode
                && other.storeLocation.equals(storeLocation)
                && other.lockWaitMillis == lockWaitMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(transactionMode, storeLocation, lockWaitMillis);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[TransactionMode=" + transactionMode + ", StoreLocation='"
                + storeLocation + "', LockWaitMillis=" + lockWaitMillis + "]";
    }
}
