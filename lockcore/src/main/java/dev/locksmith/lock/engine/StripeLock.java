package dev.locksmith.lock.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The mutual exclusion of one {@link Stripe}: a non-reentrant lock whose acquisition is one CAS
 * and whose release is one release store, with no fence.
 *
 * <p>Why not {@link java.util.concurrent.locks.ReentrantLock}: every uncontended request takes a
 * stripe twice (enqueue, dequeue), and ReentrantLock's release is a volatile write, a full fence
 * on x86, besides its owner-thread bookkeeping; that was a fifth of an uncontended request.
 * A stripe is held for well under a microsecond, so a contender first spins; only a contender
 * that still finds it held (its holder was preempted) sleeps. While any thread contends, a
 * newcomer (the thread that just released it, typically) that wins the CAS gives the lock back
 * at once and joins the contenders: a plain test-and-set lock lets one thread that keeps coming
 * back win nearly every time, which made two threads on a hot resource see 6 to 19 times each
 * other's share. It looks for contenders after its CAS, not before, so that an uncontended
 * acquisition does not wait for that load before it can start the CAS.
 *
 * <p>Sleepers announce themselves on {@link #sleepers} and in {@link #sleeping}, and the releaser
 * unparks the first it sees. The release store and the releaser's read of {@code sleeping} are not ordered (that is
 * the fence saved), so a sleeper that announced itself just as the lock was released can be
 * missed. Two things bound that: after announcing, a sleeper keeps checking the lock for
 * {@value #SPINS_AFTER_ANNOUNCE} spins, longer than a store takes to become visible, and it
 * parks for at most {@link #PARK_BOUND_NANOS} at a time, so a missed wake-up costs at most that
 * much latency and never liveness.
 *
 * <p>Memory effects: {@link #unlock()} happens-before the {@link #lock()} that next acquires,
 * as with any {@link java.util.concurrent.locks.Lock}.
 */
class StripeLock {
    private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 128 : 1;
    private static final int SPINS_AFTER_ANNOUNCE = 64;
    static final long PARK_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final VarHandle HELD;
    private static final VarHandle SLEEPING;
    private static final VarHandle CONTENDING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HELD = lookup.findVarHandle(StripeLock.class, "held", int.class);
            SLEEPING = lookup.findVarHandle(StripeLock.class, "sleeping", int.class);
            CONTENDING = lookup.findVarHandle(StripeLock.class, "contending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while held. */
    private volatile int held;
    /** Threads on {@link #sleepers}: one int the releaser can read for nothing. */
    private volatile int sleeping;
    /** Threads in {@link #lockContended()}: while there are any, newcomers join them instead of barging. */
    private volatile int contending;
    private final ConcurrentLinkedQueue<Thread> sleepers = new ConcurrentLinkedQueue<>();

    /** Acquires the lock, spinning and then sleeping while another thread holds it. Not reentrant: a holder that calls it again never returns. */
    final void lock() {
        if (!HELD.compareAndSet(this, 0, 1)) {
            lockContended();
        } else if (contending != 0) {
            unlock();
            lockContended();
        }
    }

    /** Releases the lock; the caller must hold it. */
    final void unlock() {
        HELD.setRelease(this, 0);
        if (sleeping != 0) {
            Thread first = sleepers.peek();
            if (first != null) {
                LockSupport.unpark(first);
            }
        }
    }

    /** Spins up to {@code spins} times for the lock; a spin comes before each try, so a thread that just released it does not win again at once. */
    private boolean tryAcquire(int spins) {
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
            if (held == 0 && HELD.compareAndSet(this, 0, 1)) {
                return true;
            }
        }
        return false;
    }

    private void lockContended() {
        CONTENDING.getAndAdd(this, 1);
        try {
            if (tryAcquire(SPINS)) {
                return;
            }
            Thread me = Thread.currentThread();
            sleepers.add(me);
            SLEEPING.getAndAdd(this, 1);
            try {
                while (!tryAcquire(SPINS_AFTER_ANNOUNCE)) {
                    LockSupport.parkNanos(this, PARK_BOUND_NANOS);
                }
            } finally {
                SLEEPING.getAndAdd(this, -1);
                sleepers.remove(me);
            }
        } finally {
            CONTENDING.getAndAdd(this, -1);
        }
    }
}
