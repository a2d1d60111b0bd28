package dev.locksmith.bench.peers;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU time one handoff of a hot name costs, on one thread, for the Locksmith peers named on
 * the command line (default: embedded sublocks and the cluster mastered locally, the two sides of
 * {@link PeerBenchmark#hotName}'s target in issue 20), on that row's workload: two owners, each
 * holding the root {@value LocksmithClusterService#ROOT} in CR, take EX on one sublock of it. One
 * round: owner A takes the name, owner B's asynchronous request waits behind it, A's dequeue grants
 * B (so the waiter's grant path runs, in the releasing thread's call as it does in the row) and B
 * dequeues. The waiting thread's side (its wake-up and its read of the outcome) is not in it: the
 * row's handoff latency is. Meant for a loaded machine, where the two-thread row measures the
 * scheduler: a thread's CPU time counts only what it ran. The embedded engine completes an
 * asynchronous request's stage on its callback thread, which the cluster's copy does inline, so
 * the embedded figure includes a hand-off to that executor: compare each column with itself,
 * before and after a change.
 *
 * <p>Twelve rounds of 300,000 handoffs per peer; the first three warm up; the median, lowest and
 * highest of the other nine are printed in nanoseconds per handoff.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.locksmith.bench.peers.HandoffCpu [LOCKSMITH_SUBLOCKS CLUSTER_LOCAL]</pre>
 */
public final class HandoffCpu {
    private static final int ROUNDS = 12;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int HANDOFFS = 300_000;

    private HandoffCpu() {
    }

    /** Measures the peers named in {@code args} (LOCKSMITH_SUBLOCKS or CLUSTER_LOCAL), one after the other. */
    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] peers = args.length > 0 ? args : new String[] {"LOCKSMITH_SUBLOCKS", "CLUSTER_LOCAL"};
        for (String name : peers) {
            try (LockService service = Peer.valueOf(name).open()) {
                LockManager manager;
                if (service instanceof LocksmithService embedded) {
                    manager = embedded.manager();
                } else if (service instanceof LocksmithClusterService cluster) {
                    manager = cluster.manager();
                } else {
                    throw new IllegalArgumentException(name + " is not a Locksmith peer on one node");
                }
                LockOwner a = manager.newOwner("holder");
                LockOwner b = manager.newOwner("waiter");
                LockRequest hotA = LockRequest.of(PeerBenchmark.HOT, LockMode.EX)
                        .withParent(a.enqueue(LocksmithClusterService.ROOT, LockMode.CR));
                LockRequest hotB = LockRequest.of(PeerBenchmark.HOT, LockMode.EX)
                        .withParent(b.enqueue(LocksmithClusterService.ROOT, LockMode.CR));
                double[] nanosPerHandoff = new double[ROUNDS - WARM_UP_ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    long start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < HANDOFFS; i++) {
                        Lock held = a.enqueue(hotA);
                        Lock waiting = b.enqueueAsync(hotB);
                        a.dequeue(held);
                        b.dequeue(waiting);
                    }
                    long used = threads.getCurrentThreadCpuTime() - start;
                    if (round >= WARM_UP_ROUNDS) {
                        nanosPerHandoff[round - WARM_UP_ROUNDS] = used / (double) HANDOFFS;
                    }
                }
                Arrays.sort(nanosPerHandoff);
                System.out.printf(Locale.ROOT, "%s: CPU ns per handoff round: median %.1f, lowest %.1f, highest %.1f%n",
                        name, nanosPerHandoff[nanosPerHandoff.length / 2], nanosPerHandoff[0],
                        nanosPerHandoff[nanosPerHandoff.length - 1]);
            }
        }
    }
}
