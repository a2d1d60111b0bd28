package dev.locksmith.lock;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The arguments of one {@code $ENQ}: a new lock ({@link #of}) or a conversion
 * ({@link #conversionTo}). Immutable; each {@code with…} method returns a copy. Checks that
 * need no engine state (flag combinations, timeout sign) are made by the lock manager when the
 * request is submitted, so a bad request never reaches a queue.
 */
public final class LockRequest {
    private static final int NO_FLAGS = 0;

    private final String name;
    private final LockMode mode;
    private final int flags;
    private final Lock parent;
    private final long timeoutNanos;
    private final BlockingHandler blockingHandler;

    private LockRequest(String name, LockMode mode, int flags, Lock parent, long timeoutNanos,
                        BlockingHandler blockingHandler) {
        this.name = name;
        this.mode = mode;
        this.flags = flags;
        this.parent = parent;
        this.timeoutNanos = timeoutNanos;
        this.blockingHandler = blockingHandler;
    }

    /** A new lock on {@code name} in {@code mode}; no flags, no parent, waits without limit. */
    public static LockRequest of(String name, LockMode mode) {
        return new LockRequest(name, mode, NO_FLAGS, null, -1, null);
    }

    /** A conversion of an existing lock to {@code mode}. */
    public static LockRequest conversionTo(LockMode mode) {
        return new LockRequest(null, mode, NO_FLAGS, null, -1, null);
    }

    /** This request with these flags (replacing any given before). */
    public LockRequest withFlags(LockFlag... flags) {
        int bits = 0;
        for (LockFlag f : flags) {
            bits |= 1 << Objects.requireNonNull(f, "flags must not contain null").ordinal();
        }
        return new LockRequest(name, mode, bits, parent, timeoutNanos, blockingHandler);
    }

    /** This request as a sublock of {@code parent}, a granted lock of the same owner. */
    public LockRequest withParent(Lock parent) {
        return new LockRequest(name, mode, flags, parent, timeoutNanos, blockingHandler);
    }

    /**
     * This request, giving up with {@link LockStatus#TIMEOUT} if not granted within
     * {@code timeout}. {@link Duration#ZERO} waits not at all (but unlike NOQUEUE, still counts as
     * a wait that timed out).
     */
    public LockRequest withTimeout(Duration timeout) {
        long nanos = timeout == null ? -2 : saturatedNanos(timeout);
        return new LockRequest(name, mode, flags, parent, nanos, blockingHandler);
    }

    /** This request with a blocking callback for the lock once granted. */
    public LockRequest withBlockingHandler(BlockingHandler handler) {
        return new LockRequest(name, mode, flags, parent, timeoutNanos, handler);
    }

    /** The resource name, or null for a conversion. */
    public String name() {
        return name;
    }

    /** The requested mode. */
    public LockMode mode() {
        return mode;
    }

    /** Whether {@code flag} is set. */
    public boolean has(LockFlag flag) {
        return (flags & (1 << flag.ordinal())) != 0;
    }

    /** The flags as a bit set, bit i = {@link LockFlag} ordinal i. */
    public int flagBits() {
        return flags;
    }

    /** The flags as a set. */
    public Set<LockFlag> flags() {
        EnumSet<LockFlag> set = EnumSet.noneOf(LockFlag.class);
        for (LockFlag f : LockFlag.values()) {
            if (has(f)) {
                set.add(f);
            }
        }
        return set;
    }

    /** The parent lock, or null. */
    public Lock parent() {
        return parent;
    }

    /**
     * The timeout in nanoseconds; -1 when none was given, -2 when {@code withTimeout(null)} was
     * called (refused on submission), -3 for a negative duration (refused on submission).
     */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The blocking callback, or null. */
    public BlockingHandler blockingHandler() {
        return blockingHandler;
    }

    @Override
    public String toString() {
        return (name == null ? "conversion to " : "'" + name + "' ") + mode + " " + flags()
                + (timeoutNanos >= 0 ? " timeout " + Duration.ofNanos(timeoutNanos) : "");
    }

    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return -3;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
