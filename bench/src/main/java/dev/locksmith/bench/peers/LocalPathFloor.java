package dev.locksmith.bench.peers;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The floor under the cluster's local path (issue 20), in CPU time of the calling thread as
 * {@link LocalPathCpu} measures it: the embedded engine on the embedded row's workload (an EX lock
 * + unlock of a root name), the same engine on the cluster row's workload (an EX sublock of a root
 * its owner holds in CR, which is how {@link LocksmithClusterService} keeps the tree mastered on its
 * node), and one {@link System#nanoTime()}, which the quorum lease reads on every grant. A cluster
 * path that added nothing else would cost the second figure plus the third.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.locksmith.bench.peers.LocalPathFloor</pre>
 */
public final class LocalPathFloor {
    private static final int ROUNDS = 10;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int OPERATIONS = 2_000_000;

    private LocalPathFloor() {
    }

    /** Prints the three figures (median and lowest of seven rounds after three warm-up rounds). */
    public static void main(String[] args) throws Exception {
        try (LockManager manager = LockManager.builder().name("floor").deadlockWait(Duration.ZERO).build()) {
            LockOwner owner = manager.newOwner("thread-0");
            Lock root = owner.enqueue(LocksmithClusterService.ROOT, LockMode.CR);
            String[] names = new String[PeerBenchmark.NAMES];
            for (int i = 0; i < names.length; i++) {
                names[i] = "T0-RESOURCE-" + i;
            }
            int[] next = new int[1];
            print("embedded, root name (the embedded row)", measure(() -> {
                owner.dequeue(owner.enqueue(names[next[0]++ & (names.length - 1)], LockMode.EX));
                return 0;
            }));
            print("embedded, sublock of a CR root (the cluster row's workload)", measure(() -> {
                owner.dequeue(owner.enqueue(LockRequest.of(names[next[0]++ & (names.length - 1)], LockMode.EX)
                        .withParent(root)));
                return 0;
            }));
            print("System.nanoTime() (the lease's read per grant)", measure(System::nanoTime));
        }
    }

    /** CPU nanoseconds per call of {@code operation}: the sorted rounds after the warm-up. */
    private static double[] measure(Interruptible operation) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] nanos = new double[ROUNDS - WARM_UP_ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < OPERATIONS; i++) {
                sink += operation.run();
            }
            long used = threads.getCurrentThreadCpuTime() - start;
            if (round >= WARM_UP_ROUNDS) {
                nanos[round - WARM_UP_ROUNDS] = used / (double) OPERATIONS;
            }
        }
        if (sink == 42) {
            System.out.print(""); // keeps the clock reads from being optimised away
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void print(String what, double[] nanos) {
        System.out.printf(Locale.ROOT, "%s: CPU ns per operation: median %.1f, lowest %.1f%n", what,
                nanos[nanos.length / 2], nanos[0]);
    }

    /** One operation; returns a value the measurement sums, so that nothing is optimised away. */
    @FunctionalInterface
    private interface Interruptible {
        long run() throws InterruptedException;
    }
}
