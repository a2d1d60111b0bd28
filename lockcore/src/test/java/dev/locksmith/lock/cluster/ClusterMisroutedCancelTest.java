package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CANCEL that reaches a node which does not master its lock's tree is routed again, to the
 * master that holds the request. Node 2's request waits at node 0, node 2's owner cancels it and
 * the CANCEL is held back on its way while the tree moves to node 1: it then reaches node 0, which
 * no longer has the tree. Dropped there, the request would wait at node 1 for ever. A CANCEL
 * that reaches the real master late, after its request was granted, is still ignored there
 * without an answer (no re-route). Real JGroups channels on 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterMisroutedCancelTest {
    private static final String ROOT = "MISROUTED";
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        // a lease long enough that a loaded machine's pauses do not clear node 0's grants meanwhile
        cluster = ClusterTestSupport.startWith("misrouted-cancel-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(3)));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCancelThatReachesTheOldMasterAfterTheTreeMovedCancelsTheRequestAtTheNewOne() throws Exception {
        Waiting w = node2WaitingAtNode0();
        LockOwner waiter = w.waiter();
        Lock waiting = w.request();
        HoldMessages cancels = HoldMessages.install(cluster.node(2), Wire.CANCEL);
        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> waiter.cancel(waiting));
        ClusterTestSupport.awaitTrue("node 2's CANCEL to node 0 is held", () -> cancels.heldCount() == 1);

        // node 1's requests outnumber node 0's: the tree moves there with node 2's request
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue(ROOT, LockMode.CR);
        AtomicBoolean stop = new AtomicBoolean();
        Thread worker = new Thread(() -> ClusterTestSupport.churn(busy, busyRoot, "busy", stop), "busy-on-n1");
        worker.start();
        try {
            ClusterTestSupport.awaitTrue("node 1 masters the tree, node 0 no longer", () -> waitingOn(1)
                    && cluster.node(0).resource(Namespace.group(0), List.of(ROOT)).isEmpty());
        } finally {
            stop.set(true);
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        cancels.release();

        assertThat(cancel.get(30, TimeUnit.SECONDS)).as("the request ended CANCELLED").isTrue();
        assertThat(waiting.grantedMode()).isNull();
        ClusterTestSupport.awaitTrue("node 1 no longer holds node 2's request", () -> !waitingOn(1));
        w.first().dequeue(w.firstRow());
        Lock next = busy.enqueue(LockRequest.of("row", LockMode.EX).withParent(busyRoot));
        assertThat(next.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aLateCancelAtTheMasterOfTheTreeIsIgnoredWithoutAnAnswer() throws Exception {
        Waiting w = node2WaitingAtNode0();
        LockOwner waiter = w.waiter();
        Lock waiting = w.request();
        HoldMessages cancels = HoldMessages.install(cluster.node(2), Wire.CANCEL);
        HoldMessages refusals = HoldMessages.install(cluster.node(0), Wire.NOTMASTER);
        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> waiter.cancel(waiting));
        ClusterTestSupport.awaitTrue("node 2's CANCEL to node 0 is held", () -> cancels.heldCount() == 1);

        w.first().dequeue(w.firstRow()); // the request is granted before its CANCEL arrives
        assertThat(cancel.get(30, TimeUnit.SECONDS)).as("the request ended CANCELLED").isFalse();
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        cancels.release();
        // node 0 takes node 2's messages in order: once this one is granted, the CANCEL was handled
        Lock after = waiter.enqueue(LockRequest.of("other", LockMode.EX).withParent(w.waiterRoot()));

        assertThat(after.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(refusals.heldCount()).as("NOTMASTER answers from node 0").isZero();
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
    }

    /**
     * Node 0's owner {@code first} holding {@code row} in EX (node 0 masters the tree), and node 2's
     * owner {@code waiter} with its EX request on {@code row} waiting behind it at node 0.
     */
    private record Waiting(LockOwner first, Lock firstRow, LockOwner waiter, Lock waiterRoot, Lock request) {
    }

    private Waiting node2WaitingAtNode0() throws InterruptedException {
        LockOwner first = cluster.node(0).newOwner("first");
        Lock firstRoot = first.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        Lock firstRow = first.enqueue(LockRequest.of("row", LockMode.EX).withParent(firstRoot));
        LockOwner waiter = cluster.node(2).newOwner("waiter");
        Lock waiterRoot = waiter.enqueue(ROOT, LockMode.CR);
        Lock request = waiter.enqueueAsync(LockRequest.of("row", LockMode.EX).withParent(waiterRoot));
        ClusterTestSupport.awaitTrue("node 2's request waits at node 0", () -> waitingOn(0));
        return new Waiting(first, firstRow, waiter, waiterRoot, request);
    }

    /** Whether node {@code node} masters {@code row} with node 2's request waiting on it. */
    private boolean waitingOn(int node) {
        Optional<List<LockInfo>> waiting = cluster.node(node).resource(Namespace.group(0), List.of(ROOT, "row"))
                .map(r -> r.waiting());
        return waiting.map(w -> w.stream().anyMatch(l -> l.owner().startsWith("waiter@")
                && l.requestedMode() == LockMode.EX)).orElse(false);
    }
}
