package dev.locksmith.bench.peers;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two measurements of one hand-off of a hot name, for the Locksmith peers named on the command
 * line (default: embedded sublocks and the cluster mastered locally, the two sides of
 * {@link PeerBenchmark#hotName}'s target in issue 20), on that row's workload: two owners, each
 * holding the root {@value LocksmithClusterService#ROOT} in CR, take EX on one sublock of it.
 * Meant for a loaded machine, where the two-thread row measures the scheduler (one thread runs a
 * thousand operations while the other is off the CPU, so few operations hand the name over).
 * <ul>
 *   <li>{@code cpu}: the CPU time one hand-off costs, on one thread. One round: owner A takes the
 *       name, owner B's asynchronous request waits behind it, A's dequeue grants B (so the waiter's
 *       grant path runs, in the releasing thread's call as it does in the row) and B dequeues. The
 *       waiting thread's side (its wake-up and its read of the outcome) is not in it. The embedded
 *       engine completes an asynchronous request's stage on its callback thread, which the
 *       cluster's copy does inline, so the embedded figure includes a hand-off to that executor:
 *       compare each column with itself, before and after a change. Ten rounds of 300,000
 *       hand-offs; the first three warm up; the median, lowest and highest of the other seven are
 *       printed in nanoseconds per hand-off.</li>
 *   <li>{@code latency NANOS}: the time from the holder's dequeue call to the waiter's enqueue
 *       returning, two threads handing the name to each other in turn. The holder waits until the
 *       other thread is about to request the name, then {@code NANOS} more (time for the request to
 *       queue: the waiter spins then, or has parked if {@code NANOS} is long), then releases (a
 *       waiter that had not queued by then takes the name at once, and its sample is that of a
 *       free name; the next request waits until it has). A warm-up of 20,000 hand-offs, then
 *       60,000 measured; the 10th, 50th and 90th percentiles are printed in nanoseconds.</li>
 * </ul>
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.locksmith.bench.peers.HandoffProbe cpu|latency NANOS [LOCKSMITH_SUBLOCKS CLUSTER_LOCAL]</pre>
 */
public final class HandoffProbe {
    private static final int HANDOFFS = 300_000;
    private static final int LATENCY_WARM_UP = 20_000;
    private static final int LATENCY_HANDOFFS = 60_000;

    private HandoffProbe() {
    }

    /** Runs the measurement {@code args[0]} on the peers named after it (LOCKSMITH_SUBLOCKS or CLUSTER_LOCAL). */
    public static void main(String[] args) throws Exception {
        boolean latency = args.length > 0 && args[0].equals("latency");
        if (args.length == 0 || !latency && !args[0].equals("cpu") || latency && args.length < 2) {
            throw new IllegalArgumentException("usage: HandoffProbe cpu|latency NANOS [peer...]");
        }
        int firstPeer = latency ? 2 : 1;
        String[] peers = args.length > firstPeer ? Arrays.copyOfRange(args, firstPeer, args.length)
                : new String[] {"LOCKSMITH_SUBLOCKS", "CLUSTER_LOCAL"};
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
                if (latency) {
                    latency(name, a, hotRequest(a), b, hotRequest(b), Long.parseLong(args[1]));
                } else {
                    cpu(name, a, hotRequest(a), b, hotRequest(b));
                }
            }
        }
    }

    /** The row's request of {@code owner}: EX on the hot name under the root it holds in CR. */
    private static LockRequest hotRequest(LockOwner owner) throws InterruptedException {
        return LockRequest.of(PeerBenchmark.HOT, LockMode.EX)
                .withParent(owner.enqueue(LocksmithClusterService.ROOT, LockMode.CR));
    }

    private static void cpu(String name, LockOwner a, LockRequest hotA, LockOwner b, LockRequest hotB) throws Exception {
        LocalPathCpu.printCpuPerOperation(name, "handoff round", HANDOFFS, () -> {
            Lock held = a.enqueue(hotA);
            Lock waiting = b.enqueueAsync(hotB);
            a.dequeue(held);
            b.dequeue(waiting);
        });
    }

    /** The two threads' shared state in {@link #latency}. */
    private static final class Turns {
        /** The number of the hand-off whose waiter is about to request the name. */
        volatile int announced = -1;
        /** When the holder of the current hand-off called its dequeue (System.nanoTime). */
        volatile long releasedAt;
        /** The number of the last hand-off whose waiter has the name. */
        volatile int taken = -1;
        final long[] latencies = new long[LATENCY_WARM_UP + LATENCY_HANDOFFS];
    }

    private static void latency(String name, LockOwner a, LockRequest hotA, LockOwner b, LockRequest hotB, long nanos)
            throws Exception {
        Turns turns = new Turns();
        Lock first = a.enqueue(hotA);
        Thread other = new Thread(() -> handOff(turns, b, hotB, null, 1, nanos));
        other.start();
        handOff(turns, a, hotA, first, 0, nanos);
        other.join();
        long[] measured = Arrays.copyOfRange(turns.latencies, LATENCY_WARM_UP, turns.latencies.length);
        Arrays.sort(measured);
        System.out.printf(Locale.ROOT, "%s: handoff latency after %d ns, ns: p10 %d, median %d, p90 %d%n", name, nanos,
                measured[measured.length / 10], measured[measured.length / 2], measured[measured.length * 9 / 10]);
    }

    /** One thread's part: it holds the name in hand-offs of its {@code parity} and waits for it in the others. */
    private static void handOff(Turns turns, LockOwner owner, LockRequest hot, Lock held, int parity, long nanos) {
        try {
            for (int k = 0; k < turns.latencies.length; k++) {
                if (k % 2 == parity) {
                    while (turns.announced != k) {
                        Thread.yield(); // the other thread may be off the CPU on a loaded machine
                    }
                    long until = System.nanoTime() + nanos;
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    turns.releasedAt = System.nanoTime();
                    owner.dequeue(held);
                    held = null;
                } else {
                    // If the last waiter had not queued when the name was released, it takes the name
                    // only now: this thread asks after it, or the two would swap roles.
                    while (turns.taken != k - 1) {
                        Thread.yield();
                    }
                    turns.announced = k;
                    held = owner.enqueue(hot);
                    turns.latencies[k] = System.nanoTime() - turns.releasedAt;
                    turns.taken = k;
                }
            }
            if (held != null) { // the last hand-off's waiter
                owner.dequeue(held);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing the name over", e);
        }
    }
}
