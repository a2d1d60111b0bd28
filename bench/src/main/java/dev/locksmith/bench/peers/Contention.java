package dev.locksmith.bench.peers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * What the threads of a contended row ({@link PeerBenchmark#hotName}, {@link PeerBenchmark#readMostly})
 * did in one JMH iteration, printed by the fork at the end of each iteration, beside the throughput
 * JMH prints for it, so that iterations and forks can be compared like for like:
 * <pre>[contention] 2 threads, 2.01 s: 2,345,678 ops (thread shares 50/50%); waits 0.99 per op;
 * parks 0.002 per op; preemptions 0.0001 per op; CPU 99/98% of wall, 846 ns per op</pre>
 * <ul>
 *   <li><b>ops</b>: the operations (lock + unlock) the threads ran from the iteration's set-up to its
 *       tear-down, and each thread's share: one thread with nearly all of them kept the name while
 *       the other was off the CPU;</li>
 *   <li><b>waits</b>: requests that had to wait, per operation (the service's own count,
 *       {@link LockService#waits()}; "n/a" for a service that has none). With two threads, 1.0
 *       means that the name was handed over at every operation, 0 that it never was;</li>
 *   <li><b>parks</b>: the threads' voluntary context switches per operation (Linux
 *       {@code /proc/thread-self/status}): a thread blocked in the kernel, a waiter that stopped
 *       spinning and parked (or a parked stripe lock). A hand-off to a parked thread costs a
 *       wake-up of several microseconds, one to a spinning thread a fraction of one;</li>
 *   <li><b>preemptions</b>: involuntary context switches per operation: the scheduler took the CPU
 *       from a thread (another process's load);</li>
 *   <li><b>CPU</b>: each thread's CPU time over the iteration's wall time, and the threads' CPU
 *       time per operation. Two threads near 50% each with waits near 0 ran in turns, as on
 *       one CPU: the name was then hardly ever contended and the row ran the uncontended path;
 *       near 100% each they ran at once on two CPUs and contended for the name. The two kinds
 *       make the row bimodal on a machine whose other load moves the threads (bench/README.md,
 *       ninth pass): compare peers only between iterations of the same kind.</li>
 * </ul>
 * Counting costs each operation one increment of a thread-confined field, the same in every row;
 * the rest runs in the iteration's set-up and tear-down, outside the measured time.
 * Thread-safety: one instance per benchmark thread; the shared {@link Tally} is synchronized.
 */
@State(Scope.Thread)
public class Contention {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path STATUS = Path.of("/proc/thread-self/status");

    /** Operations this thread ran in the current iteration; counted by the benchmark method. */
    long operations;
    private Tally tally;
    private long cpuAtStart;
    private long[] switchesAtStart;

    /** Notes this thread's counters (and, for the first thread, the service's) as the iteration starts. */
    @Setup(Level.Iteration)
    public void start(PeerBenchmark.Service service, ThreadParams params) {
        tally = service.contention;
        tally.begin(params.getThreadCount(), service.service);
        operations = 0;
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
        switchesAtStart = contextSwitches();
    }

    /** Adds this thread's iteration to the tally; the last thread to end the iteration prints it. */
    @TearDown(Level.Iteration)
    public void end(ThreadParams params) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
        long[] switches = contextSwitches();
        long voluntary = switches == null || switchesAtStart == null ? -1 : switches[0] - switchesAtStart[0];
        long involuntary = switches == null || switchesAtStart == null ? -1 : switches[1] - switchesAtStart[1];
        String line = tally.end(params.getThreadIndex(), operations, cpu, voluntary, involuntary);
        if (line != null) {
            System.out.println(line);
        }
    }

    /** The calling thread's voluntary and involuntary context switches so far, or null where Linux's /proc is not there. */
    private static long[] contextSwitches() {
        try {
            long[] counts = {-1, -1};
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return counts[0] < 0 || counts[1] < 0 ? null : counts;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * One iteration's counters of all threads of a trial. JMH runs an iteration's set-ups, loop and
     * tear-downs on all threads before it starts the next iteration, so an iteration's
     * {@link #begin}s all come before its {@link #end}s.
     */
    static final class Tally {
        private int begun;
        private int ended;
        private long startNanos;
        private long waitsAtStart;
        private long[] operations;
        private long[] cpu;
        private long voluntary;
        private long involuntary;
        private LockService service;

        /** A thread starts the iteration; the first one notes the service's wait count and the time. */
        synchronized void begin(int threads, LockService service) {
            if (begun++ == 0) {
                this.service = service;
                operations = new long[threads];
                cpu = new long[threads];
                voluntary = 0;
                involuntary = 0;
                waitsAtStart = service.waits();
                startNanos = System.nanoTime();
            }
        }

        /**
         * Adds one thread's iteration (its index, operations, CPU nanoseconds and context switches,
         * -1 when unknown); returns the iteration's report line when it was the last thread, else null.
         */
        synchronized String end(int thread, long ops, long cpuNanos, long voluntarySwitches, long involuntarySwitches) {
            operations[thread] = ops;
            cpu[thread] = cpuNanos;
            voluntary = voluntary < 0 || voluntarySwitches < 0 ? -1 : voluntary + voluntarySwitches;
            involuntary = involuntary < 0 || involuntarySwitches < 0 ? -1 : involuntary + involuntarySwitches;
            if (++ended < begun) {
                return null;
            }
            begun = 0;
            ended = 0;
            return line(System.nanoTime() - startNanos, service.waits());
        }

        private String line(long wallNanos, long waitsAtEnd) {
            long total = 0;
            for (long ops : operations) {
                total += ops;
            }
            double perOp = Math.max(1, total);
            StringBuilder shares = new StringBuilder();
            StringBuilder cpuShares = new StringBuilder();
            long cpuTotal = 0;
            for (int i = 0; i < operations.length; i++) {
                String separator = i == 0 ? "" : "/";
                shares.append(separator).append(Math.round(100.0 * operations[i] / perOp));
                cpuShares.append(separator).append(Math.round(100.0 * cpu[i] / Math.max(1, wallNanos)));
                cpuTotal += cpu[i];
            }
            return String.format(Locale.ROOT, "[contention] %d threads, %.2f s: %,d ops (thread shares %s%%); waits %s per op;"
                            + " parks %s per op; preemptions %s per op; CPU %s%% of wall, %.0f ns per op",
                    operations.length, wallNanos / 1e9, total, shares,
                    ratio(waitsAtStart < 0 ? -1 : waitsAtEnd - waitsAtStart, perOp), ratio(voluntary, perOp),
                    ratio(involuntary, perOp), cpuShares, cpuTotal / perOp);
        }

        private static String ratio(long count, double operations) {
            return count < 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", count / operations);
        }
    }
}
