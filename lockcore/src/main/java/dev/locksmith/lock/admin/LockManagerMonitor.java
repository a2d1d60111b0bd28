package dev.locksmith.lock.admin;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.TreeActivity;
import dev.locksmith.lock.names.LockSpace;
import java.lang.management.ManagementFactory;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The {@link LockManagerMXBean} of one lock manager. {@link #register} puts it in an MBean
 * server and starts a daemon thread that samples the counters once a second for the rates;
 * {@link #close()} unregisters it and stops the thread.
 *
 * <p>Every manager built by {@link LockManager#builder()} has one already, in the platform MBean
 * server with no lock spaces and clearing off ({@link #registerDefault}), unless it was built with
 * {@code registerMBean(false)}; closing the manager unregisters it. {@link #register} of the same
 * manager in the platform server replaces that bean, to report lock spaces or allow clearing.
 *
 * <p>Clearing locks over JMX is off unless {@code enableClear} is given to {@link #register}:
 * whoever registers the bean decides whether JMX clients (the {@code lke clear} command) may
 * clear locks; when off, the clear operations throw {@link SecurityException}. Thread-safe.
 */
public final class LockManagerMonitor implements LockManagerMXBean, AutoCloseable {
    /** The JMX domain of Locksmith's beans. */
    public static final String DOMAIN = "dev.locksmith";
    private static final System.Logger LOG = System.getLogger(LockManagerMonitor.class.getName());

    /** A counter that is rated, and how to read it from the statistics. */
    private record Rated(String name, ToLongFunction<LockStatistics> reader) {
    }

    private static final List<Rated> RATED = List.of(
            new Rated("requests", s -> s.newRequests() + s.conversions()),
            new Rated("dequeues", LockStatistics::dequeues),
            new Rated("waits", LockStatistics::waits),
            new Rated("deadlocks", LockStatistics::deadlockVictims));

    private final LockAdmin admin;
    /** Beans registered by default, by manager (identity): an explicit {@link #register} replaces its manager's. */
    private static final Map<LockManager, LockManagerMonitor> DEFAULT_BEANS = new ConcurrentHashMap<>();

    private final LockManager manager;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AdminCapability capability;
    private final List<LockSpace> spaces;
    private final MBeanServer server;
    private final ObjectName objectName;
    private final ScheduledExecutorService sampler;
    /** Guarded by this. */
    private final RateHistory history = new RateHistory(RATED.stream().map(Rated::name).toList());

    private LockManagerMonitor(LockManager manager, List<LockSpace> spaces, boolean enableClear, MBeanServer server)
            throws MalformedObjectNameException {
        this.manager = manager;
        this.admin = new LockAdmin(manager, spaces);
        this.spaces = List.copyOf(spaces);
        this.capability = enableClear ? manager.adminCapability() : null;
        this.server = server;
        this.objectName = objectName(manager.name());
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "locksmith-jmx-" + manager.name());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers the bean of {@code manager} in {@code server}.
     *
     * @param spaces      lock spaces on {@code manager} whose use and name-lock levels to report
     * @param enableClear whether JMX clients may clear locks
     * @throws LockException BADPARAM if a bean for a manager of the same name is already registered
     *                       (other than this manager's default bean in the same server), or the name
     *                       cannot be part of an ObjectName
     */
    public static LockManagerMonitor register(MBeanServer server, LockManager manager, List<LockSpace> spaces,
                                              boolean enableClear) {
        LockManagerMonitor byDefault = DEFAULT_BEANS.get(manager);
        if (byDefault != null && byDefault.server == server) {
            byDefault.close();
        }
        LockManagerMonitor monitor;
        try {
            monitor = new LockManagerMonitor(manager, spaces, enableClear, server);
            server.registerMBean(monitor, monitor.objectName);
        } catch (JMException e) {
            throw new LockException(LockStatus.BADPARAM, "manager: cannot register the bean of " + manager
                    + ": " + e.getMessage());
        }
        monitor.sample();
        monitor.sampler.scheduleAtFixedRate(monitor::sample, 1, 1, TimeUnit.SECONDS);
        return monitor;
    }

    /** As {@link #register(MBeanServer, LockManager, List, boolean)} in the platform MBean server. */
    public static LockManagerMonitor register(LockManager manager, List<LockSpace> spaces, boolean enableClear) {
        return register(ManagementFactory.getPlatformMBeanServer(), manager, spaces, enableClear);
    }

    /**
     * The bean every manager gets from {@link LockManager#builder()} unless built with
     * {@code registerMBean(false)}: in the platform MBean server, with no lock spaces and clearing
     * off, so that {@code lke show --pid} finds the manager. Registers nothing if a bean of a manager
     * of the same name is registered already (several managers of one name in one JVM).
     *
     * @return the bean, to be closed with the manager; null if nothing was registered
     */
    public static LockManagerMonitor registerDefault(LockManager manager) {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        try {
            if (platform.isRegistered(objectName(manager.name()))) {
                LOG.log(System.Logger.Level.DEBUG, "not registering a bean for " + manager
                        + ": a lock manager of that name has one already");
                return null;
            }
            LockManagerMonitor monitor = register(platform, manager, List.of(), false);
            DEFAULT_BEANS.put(manager, monitor);
            return monitor;
        } catch (MalformedObjectNameException | LockException e) {
            // Another manager of the same name won the race, or the name does not fit: monitoring is optional.
            LOG.log(System.Logger.Level.DEBUG, "not registering a bean for " + manager + ": " + e.getMessage());
            return null;
        }
    }

    /** {@code dev.locksmith:type=LockManager,name=<managerName>}, the name quoted if it must be. */
    public static ObjectName objectName(String managerName) throws MalformedObjectNameException {
        Hashtable<String, String> keys = new Hashtable<>();
        keys.put("type", "LockManager");
        keys.put("name", managerName);
        try {
            return new ObjectName(DOMAIN, keys);
        } catch (MalformedObjectNameException e) {
            keys.put("name", ObjectName.quote(managerName));
            return new ObjectName(DOMAIN, keys);
        }
    }

    /** The name the bean is registered under. */
    public ObjectName objectName() {
        return objectName;
    }

    /** Adds this second's totals to the history. */
    private synchronized void sample() {
        LockStatistics stats = admin.manager().statistics();
        history.add(RATED.stream().mapToLong(r -> r.reader().applyAsLong(stats)).toArray());
    }

    @Override
    public String getName() {
        return admin.manager().name();
    }

    @Override
    public LockStatistics getStatistics() {
        return admin.manager().statistics();
    }

    @Override
    public synchronized List<Rate> getRates() {
        return history.rates();
    }

    @Override
    public int getLockSpaceUsed() {
        return spaces.stream().mapToInt(LockSpace::used).sum();
    }

    @Override
    public int getLockSpaceLimit() {
        return spaces.stream().mapToInt(LockSpace::limit).sum();
    }

    @Override
    public boolean isClearEnabled() {
        return capability != null;
    }

    @Override
    public List<TreeActivity> hottestTrees(int n) {
        return jmxErrors(() -> admin.manager().hottestTrees(n));
    }

    @Override
    public List<String> show(String namePrefix, long ownerId, boolean waitingOnly) {
        return LockAdmin.format(admin.show(new ShowFilter(namePrefix, ownerId, waitingOnly)));
    }

    @Override
    public int clearLock(long lockId) {
        return jmxErrors(() -> admin.clearLock(clearCapability(), lockId));
    }

    @Override
    public int clearOwner(long ownerId) {
        return jmxErrors(() -> admin.clearOwner(clearCapability(), ownerId));
    }

    @Override
    public int clearName(String name) {
        return jmxErrors(() -> admin.clearName(clearCapability(), name));
    }

    private AdminCapability clearCapability() {
        if (capability == null) {
            throw new SecurityException(LockStatus.NOPRIV + ": clearing locks over JMX is not enabled for "
                    + admin.manager() + " (register the bean with enableClear)");
        }
        return capability;
    }

    /** Runs an operation, turning a LockException into one a JMX client can read without Locksmith classes. */
    private static <T> T jmxErrors(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (LockException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Unregisters the bean and stops sampling. Idempotent. */
    @Override
    public void close() {
        // A replaced default bean must not unregister the bean that took its name.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        DEFAULT_BEANS.remove(manager, this);
        sampler.shutdownNow();
        try {
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "could not unregister " + objectName, e);
        }
    }
}
