package dev.locksmith.lock;

import dev.locksmith.lock.engine.LocalLockManager;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A lock manager: the resource database of {@code $ENQ}/{@code $DEQ}. Requests are made by
 * {@link LockOwner}s, which this manager creates.
 *
 * <p>Thread-safe. Blocking and completion callbacks run on the callback executor (by default
 * one daemon thread per manager), never while the engine holds its internal locks. Closing the
 * manager fails every pending request with {@link LockStatus#SHUTDOWN}.
 */
public interface LockManager extends AutoCloseable {

    /** A builder for an embedded (single-node) lock manager. */
    static Builder builder() {
        return new Builder();
    }

    /** This manager's name, as used in monitoring. */
    String name();

    /** A new owner in group 0 with deadlock priority 0. */
    default LockOwner newOwner(String name) {
        return newOwner(name, 0, 0);
    }

    /**
     * A new owner.
     *
     * @param name             for display; must not be null
     * @param group            the group whose namespace the owner's root locks use by default
     * @param deadlockPriority the lower, the likelier to be chosen as a deadlock victim
     */
    LockOwner newOwner(String name, int group, int deadlockPriority);

    /** A snapshot of every lock, resource by resource. */
    List<LockInfo> locks();

    /** A snapshot of every resource. */
    List<ResourceInfo> resources();

    /** The resource at {@code path} (root name first) in {@code namespace}, if it exists. */
    Optional<ResourceInfo> resource(Namespace namespace, List<String> path);

    /** Counters and sizes. */
    LockStatistics statistics();

    /**
     * The {@code n} most active resource trees, most active first: trees in use, and trees that
     * are made and removed again by each request (while their root is kept for reuse), which are
     * listed once their activity is above zero.
     */
    List<TreeActivity> hottestTrees(int n);

    /** The owners that are not closed, oldest first. */
    List<LockOwner> owners();

    /**
     * The administrative capability for this manager, needed to clear other owners' locks. Hand it
     * only to administration code (LKE, the JMX bean when clearing is enabled).
     */
    AdminCapability adminCapability();

    /**
     * LKE {@code CLEAR} of one lock: dequeues lock {@code lockId} and its sublocks as an abnormal
     * rundown would (PW/EX value blocks become not valid; a waiting request fails with
     * {@link LockStatus#CANCELLED}), then tells the owner's {@link ClearListener}s.
     *
     * @return how many locks were cleared (the lock and its sublocks)
     * @throws LockException NOPRIV without this manager's capability; IVLOCKID if no live lock has that id
     */
    int clearLock(AdminCapability capability, long lockId);

    /**
     * LKE {@code CLEAR -PID}: clears every lock of owner {@code ownerId} as {@link #clearLock}
     * does. The owner stays open and may lock again.
     *
     * @return how many locks were cleared
     * @throws LockException NOPRIV without this manager's capability; BADPARAM if no open owner has that id
     */
    int clearOwner(AdminCapability capability, long ownerId);

    /** Shuts down: pending requests fail with SHUTDOWN, new requests are refused. Idempotent. */
    @Override
    void close();

    /**
     * Settings for an embedded lock manager. Not thread-safe; build once.
     */
    final class Builder {
        private String name = "locksmith";
        private Duration deadlockWait = Duration.ofSeconds(1);
        private ContentionPolicy contentionPolicy = ContentionPolicy.CONVERSIONS_FIRST;
        private Duration starvationBound = Duration.ofMillis(100);
        private Executor callbackExecutor;
        private boolean registerMBean = true;

        Builder() {
        }

        /** The manager's name (default {@code "locksmith"}). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new LockException(LockStatus.BADPARAM, "name must not be null or blank");
            }
            this.name = name;
            return this;
        }

        /**
         * How long a request waits before a deadlock search starts from it (default 1 s, as VMS
         * DEADLOCK_WAIT); {@link Duration#ZERO} turns deadlock detection off.
         */
        public Builder deadlockWait(Duration wait) {
            if (wait == null || wait.isNegative()) {
                throw new LockException(LockStatus.BADPARAM, "deadlockWait must be zero or positive, was " + wait);
            }
            this.deadlockWait = wait;
            return this;
        }

        /** The contention policy (default {@link ContentionPolicy#CONVERSIONS_FIRST}). */
        public Builder contentionPolicy(ContentionPolicy policy) {
            this.contentionPolicy = Objects.requireNonNull(policy, "contentionPolicy");
            return this;
        }

        /** Under {@link ContentionPolicy#FAIR}, how long a request may wait before it is overdue and served in arrival order (default 100 ms). */
        public Builder starvationBound(Duration bound) {
            if (bound == null || bound.isNegative()) {
                throw new LockException(LockStatus.BADPARAM, "starvationBound must be zero or positive, was " + bound);
            }
            this.starvationBound = bound;
            return this;
        }

        /**
         * Where callbacks and asynchronous completions run. Handlers run in the order their
         * events happened only if this executor runs tasks in order (the default does).
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
            return this;
        }

        /**
         * Whether {@link #build()} registers the manager's
         * {@link dev.locksmith.lock.admin.LockManagerMXBean} in the platform MBean server (default
         * true), which {@code lke show --pid}, {@code lke monitor} and JMX consoles read. The bean
         * reports no lock spaces and refuses clearing; to change that, register one with
         * {@link dev.locksmith.lock.admin.LockManagerMonitor#register} instead. If a manager of the
         * same name already has a bean, none is registered.
         */
        public Builder registerMBean(boolean register) {
            this.registerMBean = register;
            return this;
        }

        /** Starts the lock manager (and registers its bean unless told not to). */
        public LockManager build() {
            LocalLockManager manager = new LocalLockManager(name, deadlockWait, contentionPolicy, starvationBound,
                    callbackExecutor);
            if (registerMBean) {
                manager.closeWith(dev.locksmith.lock.admin.LockManagerMonitor.registerDefault(manager));
            }
            return manager;
        }
    }
}
