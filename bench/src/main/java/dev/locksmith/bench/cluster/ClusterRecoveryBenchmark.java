package dev.locksmith.bench.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.cluster.ClusterLockManager;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time from a node's crash to grants resuming, on a three-node TCP cluster on 127.0.0.1 with
 * {@code locks} locks held. Node 2 masters the trees (it used them first) and holds EX on one
 * resource that node 1 waits for; node 0 holds {@code locks} sublocks in node 2's trees. The
 * measured interval starts when node 2's stack is stopped without leaving (its sockets close, as
 * on kill -9) and ends when node 1's waiting request is granted: failure detection, the view
 * change, the survivors re-sending their {@code locks} copies, the new masters installing them,
 * and the grant.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class ClusterRecoveryBenchmark {
    private static final int TREES = 100;

    @Param({"100000"})
    public int locks;

    private LoopbackCluster cluster;
    private Lock blocked;

    @Setup(Level.Invocation)
    public void setUp() throws Exception {
        cluster = new LoopbackCluster("recovery-" + System.nanoTime(), 3, 2);
        ClusterLockManager doomed = cluster.nodes.get(2);
        LockOwner doomedOwner = doomed.newOwner("doomed");
        for (int t = 0; t < TREES; t++) {
            doomedOwner.enqueue("tree-" + t, LockMode.NL);
        }
        doomedOwner.enqueue("contended", LockMode.EX);
        LockOwner holder = cluster.nodes.get(0).newOwner("holder");
        List<Lock> roots = new ArrayList<>();
        for (int t = 0; t < TREES; t++) {
            roots.add(holder.enqueue("tree-" + t, LockMode.CR));
        }
        List<Lock> pending = new ArrayList<>(locks);
        for (int i = 0; i < locks; i++) {
            pending.add(holder.enqueueAsync(LockRequest.of("lock-" + i, LockMode.EX).withParent(roots.get(i % TREES))));
        }
        for (Lock l : pending) {
            l.completion().toCompletableFuture().get(120, TimeUnit.SECONDS);
        }
        blocked = cluster.nodes.get(1).newOwner("waiter").enqueueAsync(LockRequest.of("contended", LockMode.EX));
        while (blocked.queue().isEmpty() || doomed.resource(dev.locksmith.lock.Namespace.group(0),
                List.of("contended")).map(r -> r.waiting().isEmpty()).orElse(true)) {
            Thread.sleep(1);
        }
    }

    @TearDown(Level.Invocation)
    public void tearDown() {
        cluster.close();
    }

    @Benchmark
    public Lock crashToGrant() throws Exception {
        cluster.nodes.get(2).crashForTest();
        return blocked.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Benchmark
    public Lock crashToRebuilt() throws Exception {
        cluster.nodes.get(2).crashForTest();
        Lock granted = blocked.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(cluster.nodes.get(0).isReady() && cluster.nodes.get(0).members().size() == 2
                && cluster.nodes.get(1).isReady() && cluster.nodes.get(1).members().size() == 2)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the survivors did not finish rebuilding within 60 s");
            }
            Thread.sleep(1);
        }
        return granted;
    }
}
