package dev.locksmith.bench.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One lock operation on a three-node TCP cluster on 127.0.0.1: an EX sublock enqueued and
 * dequeued under a root held in CR, from node 0, on a tree that is
 * <ul>
 *   <li>{@code LOCAL}: mastered by node 0 (first used there) — no messages;</li>
 *   <li>{@code REMOTE}: mastered by node 1 — an enqueue round trip and a one-way dequeue (node 0
 *       has remaster weight 0 here, so the tree stays remote however busy node 0 is);</li>
 *   <li>{@code REMASTERED}: first mastered by node 1, then moved to node 0 by dynamic
 *       remastering once node 0's requests dominated (the setup waits for the move).</li>
 * </ul>
 * Reports throughput and average latency; at the end of each trial it prints the lock-protocol
 * messages sent per operation.
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class ClusterLockBenchmark {
    /** Where the tree is mastered when measuring. */
    public enum Mastering { LOCAL, REMOTE, REMASTERED }

    @Param({"LOCAL", "REMOTE", "REMASTERED"})
    public Mastering mastering;

    private LoopbackCluster cluster;
    private LockOwner owner;
    private Lock root;
    private long operations;
    private long messagesAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cluster = new LoopbackCluster("bench-" + mastering + "-" + System.nanoTime(), 3, 2,
                mastering == Mastering.REMOTE ? 0 : 5);
        String tree = "tree-" + mastering;
        if (mastering != Mastering.LOCAL) {
            cluster.nodes.get(1).newOwner("first-user").enqueue(tree, LockMode.CR);
        }
        owner = cluster.nodes.get(0).newOwner("bench");
        root = owner.enqueue(tree, LockMode.CR);
        if (mastering == Mastering.REMASTERED) {
            while (cluster.nodes.get(0).resource(Namespace.group(0), List.of(tree)).isEmpty()) {
                lockAndUnlock();
            }
        }
        messagesAtStart = cluster.messagesSent();
        operations = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n%s: %.3f lock-protocol messages per operation (%d operations)%n", mastering,
                (cluster.messagesSent() - messagesAtStart) / (double) Math.max(1, operations), operations);
        cluster.close();
    }

    @Benchmark
    public Lock lockAndUnlock() throws InterruptedException {
        Lock sub = owner.enqueue(LockRequest.of("row", LockMode.EX).withParent(root));
        owner.dequeue(sub);
        operations++;
        return sub;
    }
}
