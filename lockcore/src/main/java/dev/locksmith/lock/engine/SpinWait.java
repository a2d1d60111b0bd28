package dev.locksmith.lock.engine;

import java.util.function.BooleanSupplier;

/**
 * How a thread waiting for a request granted on this node spins before it parks: the one policy
 * of the embedded engine's callers ({@link Owner}) and of the cluster's callers whose request is
 * mastered on their own node, so that the two hand a busy name over alike.
 *
 * <p>Most such waits end within a microsecond, when the holder on another CPU releases the name;
 * a waiter still running sees its grant at once, where a parked one costs the releasing thread an
 * unpark and itself a wake-up of several microseconds (4–6 µs measured on the benchmarks' virtual
 * machine). The budget is a time, {@value #SPIN_NANOS} ns, rather than a count of spin-wait hints,
 * whose length differs tenfold between processors (the 256 hints both callers spun before took
 * 5 µs on the benchmarks' AMD EPYC, well under a microsecond on others). It is several wake-ups
 * long on purpose: when the holder was itself woken from a park, or took a slower path, its
 * waiter must outlast that too, or it parks in turn and the next hand-off pays another wake-up.
 * With a 5 µs budget, 13–22% of the waits in the cluster's two-thread hot-name row parked in
 * iterations where the threads contended; with 20 µs about 1% did (bench/README.md, ninth pass).
 * A wait longer than the budget (a lock held for real work) costs its waiter that much CPU once,
 * then a park.
 *
 * <p>With one processor nothing can end the wait while its waiter spins, so it parks at once.
 * Stateless and thread-safe.
 */
public final class SpinWait {
    /** The longest a waiter spins, in nanoseconds. */
    public static final long SPIN_NANOS = 20_000;
    private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;
    /** Spin-wait hints between two looks at the clock (about 0.3 µs on the AMD EPYC above). */
    private static final int HINTS_PER_CLOCK_READ = 16;

    private SpinWait() {
    }

    /**
     * Spins until {@code ended} says true or the budget runs out, whichever is first; returns
     * {@code ended}'s last answer. The clock is first read after {@value #HINTS_PER_CLOCK_READ}
     * hints, so that a wait that ends at once costs no clock read. Never blocks.
     *
     * @param ended tells whether the wait is over; read often, so cheap (a volatile read)
     * @return true if the wait ended while spinning, false if the caller should park
     */
    public static boolean spinUntil(BooleanSupplier ended) {
        if (!SPIN) {
            return ended.getAsBoolean();
        }
        boolean timing = false;
        long start = 0;
        while (true) {
            for (int i = 0; i < HINTS_PER_CLOCK_READ; i++) {
                if (ended.getAsBoolean()) {
                    return true;
                }
                Thread.onSpinWait();
            }
            long now = System.nanoTime();
            if (!timing) {
                timing = true;
                start = now;
            } else if (now - start >= SPIN_NANOS) {
                return ended.getAsBoolean();
            }
        }
    }
}
