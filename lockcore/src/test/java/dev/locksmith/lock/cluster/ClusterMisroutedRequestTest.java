package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
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
 * A CANCEL or a CONVERT that reaches a node which does not master its lock's tree (the tree moved
 * or was dropped after the owner routed it) is refused there (NOTMASTER) and routed again, to the
 * master that holds the lock. Node 2's message is held back on its way while the tree moves to
 * node 1: it then reaches node 0, which no longer has the tree. Dropped there, a cancelled request
 * would wait at node 1 for ever; failed there, a conversion would end while its lock is granted at
 * node 1. A CANCEL that reaches the real master late, after its request was granted, is still
 * ignored there without an answer (no re-route). Real JGroups channels on 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterMisroutedRequestTest {
    private static final String ROOT = "MISROUTED";
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        // a lease long enough that a loaded machine's pauses do not clear node 0's grants meanwhile;
        // an empty tree is dropped at once
        cluster = ClusterTestSupport.startWith("misrouted-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).quorumLease(Duration.ofSeconds(3)).emptyTreeRetention(Duration.ZERO));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCancelThatReachesTheOldMasterAfterTheTreeMovedCancelsTheRequestAtTheNewOne() throws Exception {
        Waiting w = node2WaitingAtNode0();
        Lock waiting = w.request();
        HeldCancel held = cancelHeldOnItsWay(w);
        HoldMessages cancels = held.messages();
        CompletableFuture<Boolean> cancel = held.result();

        // node 1's requests outnumber node 0's: the tree moves there with node 2's request
        Busy busy = moveTreeToNode1(() -> waitingOn(1));
        cancels.release();

        assertThat(cancel.get(30, TimeUnit.SECONDS)).as("the request ended CANCELLED").isTrue();
        assertThat(waiting.grantedMode()).isNull();
        ClusterTestSupport.awaitTrue("node 1 no longer holds node 2's request", () -> !waitingOn(1));
        w.first().dequeue(w.firstRow());
        Lock next = busy.owner().enqueue(LockRequest.of("row", LockMode.EX).withParent(busy.root()));
        assertThat(next.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aConversionThatReachesTheOldMasterAfterTheTreeMovedIsGrantedOnceAtTheNewOne() throws Exception {
        LockOwner first = cluster.node(0).newOwner("first");
        first.enqueue(ROOT, LockMode.CR); // node 0 masters the tree
        LockOwner holder = cluster.node(2).newOwner("holder");
        Lock holderRoot = holder.enqueue(ROOT, LockMode.CR);
        Lock row = holder.enqueue(LockRequest.of("row", LockMode.PR).withParent(holderRoot));
        long fenceBefore = row.fencingToken();
        HoldMessages conversions = HoldMessages.install(cluster.node(2), Wire.CONVERT);
        CompletableFuture<Lock> converted = holder.convertAsync(row, LockRequest.conversionTo(LockMode.EX))
                .toCompletableFuture();
        ClusterTestSupport.awaitTrue("node 2's CONVERT to node 0 is held", () -> conversions.heldCount() == 1);

        Busy busy = moveTreeToNode1(() -> holdersOf(1).equals(List.of("holder PR")));
        HoldMessages refusals = HoldMessages.install(cluster.node(0), Wire.NOTMASTER);
        conversions.release();
        ClusterTestSupport.awaitTrue("node 0 refused the CONVERT (NOTMASTER)", () -> refusals.heldCount() == 1);
        refusals.release();

        assertThat(converted.get(30, TimeUnit.SECONDS)).isSameAs(row);
        assertThat(row.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(row.fencingToken()).as("the new master's grant").isGreaterThan(fenceBefore);
        assertThat(holdersOf(1)).as("node 1 holds the lock once, converted, nothing pending")
                .containsExactly("holder EX");
        assertThat(cluster.node(0).resource(Namespace.group(0), List.of(ROOT, "row"))).isEmpty();
        // the new master took conversion 1: it waits for conversion 2, and the EX blocks a reader
        Lock reader = busy.owner().enqueueAsync(LockRequest.of("row", LockMode.PR).withParent(busy.root()));
        ClusterTestSupport.awaitTrue("node 1's reader waits behind node 2's EX",
                () -> cluster.node(1).resource(Namespace.group(0), List.of(ROOT, "row"))
                        .map(r -> r.waiting().size() == 1).orElse(false));
        holder.convert(row, LockMode.NL);
        assertThat(reader.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.PR);
        assertThat(row.grantedMode()).isEqualTo(LockMode.NL);
    }

    @Test
    void aCancelThatReachesANodeThatDroppedTheTreeIsRefusedAndItsRequestEndsCancelled() throws Exception {
        String root = ClusterTestSupport.rootDirectedTo(cluster.node(2).address(), cluster.node(0).members());
        // node 1 masters the tree, then drops it; its DROP is held, so node 2 still names it the master
        HoldMessages dropOfNode1 = cluster.masteredThenDroppedWithDropHeld(1, root);
        HoldMessages refusals = HoldMessages.install(cluster.node(1), Wire.NOTMASTER);
        try {
            LockOwner late = cluster.node(0).newOwner("late");
            Lock request = late.enqueueAsync(LockRequest.of(root, LockMode.EX));
            ClusterTestSupport.awaitTrue("node 1 refused the request (NOTMASTER held)", () -> refusals.heldCount() == 1);
            CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> late.cancel(request));
            ClusterTestSupport.awaitTrue("node 1 refused the CANCEL too", () -> refusals.heldCount() == 2);
            refusals.release();

            assertThat(cancel.get(30, TimeUnit.SECONDS)).as("the request ended CANCELLED").isTrue();
            assertThat(request.status()).isEqualTo(LockStatus.CANCELLED);
        } finally {
            refusals.release();
            dropOfNode1.release();
        }
        // no request was left anywhere: the tree's next user is granted at once
        LockOwner next = cluster.node(2).newOwner("next");
        assertThat(next.enqueue(root, LockMode.EX).grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aLateCancelAtTheMasterOfTheTreeIsIgnoredWithoutAnAnswer() throws Exception {
        Waiting w = node2WaitingAtNode0();
        LockOwner waiter = w.waiter();
        Lock waiting = w.request();
        HoldMessages refusals = HoldMessages.install(cluster.node(0), Wire.NOTMASTER);
        HeldCancel held = cancelHeldOnItsWay(w);
        HoldMessages cancels = held.messages();
        CompletableFuture<Boolean> cancel = held.result();

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

    /** Node 2's CANCEL of {@code w}'s request, held on its way to node 0, and the cancel's result to come. */
    private record HeldCancel(HoldMessages messages, CompletableFuture<Boolean> result) {
    }

    private HeldCancel cancelHeldOnItsWay(Waiting w) throws Exception {
        HoldMessages cancels = HoldMessages.install(cluster.node(2), Wire.CANCEL);
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> w.waiter().cancel(w.request()));
        ClusterTestSupport.awaitTrue("node 2's CANCEL to node 0 is held", () -> cancels.heldCount() == 1);
        return new HeldCancel(cancels, result);
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

    /** Node 1's owner whose activity drew the tree there, and its root lock. */
    private record Busy(LockOwner owner, Lock root) {
    }

    /**
     * Keeps an owner of node 1 busy on the tree until node 1 masters it ({@code there}: what node 1
     * must show) and node 0 no longer does: node 1's requests outnumber node 0's, so the tree moves.
     */
    private Busy moveTreeToNode1(java.util.function.BooleanSupplier there) throws InterruptedException {
        LockOwner busy = cluster.node(1).newOwner("busy");
        Lock busyRoot = busy.enqueue(ROOT, LockMode.CR);
        AtomicBoolean stop = new AtomicBoolean();
        Thread worker = new Thread(() -> ClusterTestSupport.churn(busy, busyRoot, "busy", stop), "busy-on-n1");
        worker.start();
        try {
            ClusterTestSupport.awaitTrue("node 1 masters the tree, node 0 no longer", () -> there.getAsBoolean()
                    && cluster.node(0).resource(Namespace.group(0), List.of(ROOT)).isEmpty());
        } finally {
            stop.set(true);
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        return new Busy(busy, busyRoot);
    }

    /** The locks on {@code row} at node {@code node} as "owner mode" (granted, converting, waiting), if it masters it. */
    private List<String> holdersOf(int node) {
        return cluster.node(node).resource(Namespace.group(0), List.of(ROOT, "row"))
                .map(r -> java.util.stream.Stream.of(r.granted(), r.converting(), r.waiting()).flatMap(List::stream)
                        .map(l -> l.owner().substring(0, l.owner().indexOf('@')) + " " + l.grantedMode()).toList())
                .orElse(List.of());
    }

    /** Whether node {@code node} masters {@code row} with node 2's request waiting on it. */
    private boolean waitingOn(int node) {
        Optional<List<LockInfo>> waiting = cluster.node(node).resource(Namespace.group(0), List.of(ROOT, "row"))
                .map(r -> r.waiting());
        return waiting.map(w -> w.stream().anyMatch(l -> l.owner().startsWith("waiter@")
                && l.requestedMode() == LockMode.EX)).orElse(false);
    }
}
