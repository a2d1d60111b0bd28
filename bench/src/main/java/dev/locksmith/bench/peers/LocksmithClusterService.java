package dev.locksmith.bench.peers;

import dev.locksmith.bench.cluster.LoopbackCluster;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.cluster.ClusterLockManager;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Locksmith in a three-node JGroups TCP cluster on 127.0.0.1 ({@link LoopbackCluster}, the same
 * cluster the lockcore cluster benchmarks use). Every benchmark thread works on node 0, one
 * {@link LockOwner} per thread, and every name of the workload is a sublock (EX or PR) of one
 * root resource, {@value #ROOT}, that each thread's owner holds in CR:
 * <ul>
 *   <li>{@code remote == false}: node 0 takes the root first, so node 0 masters the tree and a lock
 *       operation sends no message; the nodes run with {@code deadlockWait(ZERO)}, the embedded
 *       row's engine setting, so that the two rows compare the same engine work;</li>
 *   <li>{@code remote == true}: node 1 takes the root first (and keeps an NL lock on it), so node 1
 *       masters the tree and every enqueue from node 0 is a round trip to node 1 (request, grant)
 *       and every dequeue a one-way message. Node 0 has remaster weight 0 (VMS LOCKRMWT 0), so
 *       dynamic remastering never moves the tree to it however busy it is; the trial's tear-down
 *       checks that the tree was still mastered remotely and that no remastering happened, and
 *       fails the run otherwise.</li>
 * </ul>
 * Why sublocks of one remotely mastered root rather than root names: a root name's tree is
 * mastered by the first node that uses it, so 1,024 fresh names used from node 0 would all be
 * mastered on node 0. Under a remotely mastered root, each name is a genuine remote request: the
 * master creates the sublock's resource, grants it and deletes it on the dequeue, exactly what
 * Locksmith embedded does locally, with the messages in between (VMS applications put their
 * high-rate locks under a root in the same way, e.g. RMS record locks under the file lock).
 */
public final class LocksmithClusterService implements LockService {
    static final String ROOT = "PEERS-ROOT";
    private static final int NODES = 3;

    private final boolean remote;
    private final LoopbackCluster cluster;
    private final ClusterLockManager node;
    private final LockOwner masterPin;
    private final LongAdder operations = new LongAdder();
    private final long messagesAtStart;

    LocksmithClusterService(boolean remote) throws IOException, InterruptedException {
        this.remote = remote;
        // the local row runs its master engine as the embedded row runs its engine: without
        // deadlock search, so a wait schedules no search task in either (issue 20's comparison)
        this.cluster = new LoopbackCluster("peers-" + (remote ? "remote" : "local") + "-" + System.nanoTime(), NODES, 2,
                remote ? 0 : 5, remote ? Duration.ofSeconds(1) : Duration.ZERO);
        try {
            this.node = cluster.node(0);
            this.masterPin = (remote ? cluster.node(1) : node).newOwner("root-master");
            masterPin.enqueue(ROOT, LockMode.NL);
            checkMastering();
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        this.messagesAtStart = cluster.messagesSent();
    }

    @Override
    public boolean supportsShared() {
        return true;
    }

    @Override
    public Session session(int thread) throws InterruptedException {
        LockOwner owner = node.newOwner("thread-" + thread);
        Lock root = owner.enqueue(ROOT, LockMode.CR);
        return new Session() {
            @Override
            public Object lock(String name, boolean shared) throws InterruptedException {
                operations.increment();
                return owner.enqueue(LockRequest.of(name, shared ? LockMode.PR : LockMode.EX).withParent(root));
            }

            @Override
            public void unlock(Object held) {
                owner.dequeue((Lock) held);
            }
        };
    }

    /** The node the sessions use, for the scratch tools beside the benchmark ({@link HandoffProbe}). */
    ClusterLockManager manager() {
        return node;
    }

    /** Fails unless the root's tree is mastered where this row says (node 0 locally, node 1 remotely). */
    private void checkMastering() {
        boolean here = node.resource(Namespace.group(0), List.of(ROOT)).isPresent();
        if (here == remote) {
            throw new IllegalStateException("tree " + ROOT + " is mastered " + (here ? "on" : "off")
                    + " the benchmark's node; this row measures it mastered " + (remote ? "remotely" : "locally"));
        }
        long remasters = 0;
        for (int i = 0; i < NODES; i++) {
            remasters += cluster.node(i).clusterStatistics().remasters();
        }
        if (remasters != 0) {
            throw new IllegalStateException(remasters + " remastering(s) happened during the run");
        }
    }

    /** The node's count of requests that waited: its master engine's, where a locally mastered request waits. */
    @Override
    public long waits() {
        return node.statistics().waits();
    }

    @Override
    public void close() {
        try {
            long ops = operations.sum();
            System.out.printf(Locale.ROOT, "%nLocksmith cluster, tree mastered %s: %.3f lock-protocol messages per lock + unlock"
                    + " (%,d operations)%n", remote ? "remotely" : "locally",
                    (cluster.messagesSent() - messagesAtStart) / (double) Math.max(1, ops), ops);
            checkMastering();
        } finally {
            cluster.close();
        }
    }
}
