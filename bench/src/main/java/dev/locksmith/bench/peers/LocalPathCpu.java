package dev.locksmith.bench.peers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU time one uncontended lock + unlock costs its calling thread, for the peers named on the
 * command line (default: Locksmith embedded on root names, Locksmith embedded on sublocks of a CR
 * root, which is the cluster rows' workload, and the cluster row mastered locally), on the workload
 * of {@link PeerBenchmark#uncontended}. Meant for a shared, loaded machine, where JMH's wall-clock
 * throughput moves with the other processes' load: a thread's CPU time counts only what it ran.
 * Ten rounds of two million operations per peer; the first three warm up; the median, lowest and
 * highest of the other seven are printed in nanoseconds per operation.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.locksmith.bench.peers.LocalPathCpu [LOCKSMITH LOCKSMITH_SUBLOCKS CLUSTER_LOCAL ...]</pre>
 */
public final class LocalPathCpu {
    private static final int ROUNDS = 10;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int OPERATIONS = 2_000_000;

    private LocalPathCpu() {
    }

    /** Measures the peers named in {@code args} (names of {@link Peer}), one after the other. */
    public static void main(String[] args) throws Exception {
        String[] peers = args.length > 0 ? args : new String[] {"LOCKSMITH", "LOCKSMITH_SUBLOCKS", "CLUSTER_LOCAL"};
        for (String name : peers) {
            try (LockService service = Peer.valueOf(name).open()) {
                LockService.Session session = service.session(0);
                String[] names = new String[PeerBenchmark.NAMES];
                for (int i = 0; i < names.length; i++) {
                    names[i] = "T0-RESOURCE-" + i;
                }
                int[] next = {0};
                printCpuPerOperation(name, "lock + unlock", OPERATIONS,
                        () -> session.unlock(session.lock(names[next[0]++ & (names.length - 1)], false)));
            }
        }
    }

    /** One operation of a measured round. */
    interface Operation {
        void run() throws Exception;
    }

    /**
     * Runs {@value #ROUNDS} rounds of {@code operations} calls of {@code operation} on this thread
     * and prints, for the rounds after the first {@value #WARM_UP_ROUNDS}, the median, lowest and
     * highest CPU time per call in nanoseconds, as {@code name: CPU ns per what: ...}.
     */
    static void printCpuPerOperation(String name, String what, int operations, Operation operation) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] nanosPerOperation = new double[ROUNDS - WARM_UP_ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < operations; i++) {
                operation.run();
            }
            long used = threads.getCurrentThreadCpuTime() - start;
            if (round >= WARM_UP_ROUNDS) {
                nanosPerOperation[round - WARM_UP_ROUNDS] = used / (double) operations;
            }
        }
        Arrays.sort(nanosPerOperation);
        System.out.printf(Locale.ROOT, "%s: CPU ns per %s: median %.1f, lowest %.1f, highest %.1f%n", name, what,
                nanosPerOperation[nanosPerOperation.length / 2], nanosPerOperation[0],
                nanosPerOperation[nanosPerOperation.length - 1]);
    }
}
