package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlocks whose wait-for cycle crosses masters on three TCP nodes (deadlock wait 200 ms):
 * no single engine sees the cycle; the coordinator's search fails exactly one request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterDeadlockTest {
    private static ClusterTestSupport cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("deadlock-" + System.nanoTime(), 3, 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void aTwoNodeCycleAcrossTwoMastersLosesTheLowerPriorityRequest() throws Exception {
        LockOwner low = cluster.node(0).newOwner("low", 0, 1);
        LockOwner high = cluster.node(1).newOwner("high", 0, 9);
        Lock lowHolds = low.enqueue("two-a", LockMode.EX);
        high.enqueue("two-b", LockMode.EX);
        Lock lowWaits = low.enqueueAsync(LockRequest.of("two-b", LockMode.EX));
        Lock highWaits = high.enqueueAsync(LockRequest.of("two-a", LockMode.EX));

        LockStatus lowOutcome = outcome(lowWaits);
        low.dequeue(lowHolds);
        LockStatus highOutcome = outcome(highWaits);

        assertThat(lowOutcome).isEqualTo(LockStatus.DEADLOCK);
        assertThat(highOutcome.isGranted()).isTrue();
        low.close();
        high.close();
    }

    @Test
    void aCycleThroughThreeMastersCostsExactlyOneVictim() throws Exception {
        List<LockOwner> owners = new ArrayList<>();
        List<Lock> holds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LockOwner o = cluster.node(i).newOwner("o" + i);
            owners.add(o);
            holds.add(o.enqueue("ring-" + i, LockMode.EX));
        }
        List<Lock> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waits.add(owners.get(i).enqueueAsync(LockRequest.of("ring-" + ((i + 1) % 3), LockMode.EX)));
        }

        int victim = firstToEnd(waits);
        assertThat(waits.get(victim).status()).isEqualTo(LockStatus.DEADLOCK);
        owners.get(victim).dequeue(holds.get(victim));
        int previous = (victim + 2) % 3;
        assertThat(outcome(waits.get(previous)).isGranted()).isTrue();
        owners.get(previous).dequeueAll();
        int last = (victim + 1) % 3;
        assertThat(outcome(waits.get(last)).isGranted()).isTrue();
        owners.forEach(LockOwner::close);
    }

    @Test
    void aCrossNodeCycleIsReportedExactlyToTheVictimAndKeptByTheCoordinator() throws Exception {
        LockOwner low = cluster.node(0).newOwner("report-low", 0, 1);
        LockOwner high = cluster.node(1).newOwner("report-high", 0, 9);
        Lock lowHolds = low.enqueue("report-a", LockMode.EX);
        high.enqueue("report-b", LockMode.EX);
        Lock lowWaits = low.enqueueAsync(LockRequest.of("report-b", LockMode.EX));
        Lock highWaits = high.enqueueAsync(LockRequest.of("report-a", LockMode.EX));

        LockException failure = failure(lowWaits);
        String node0 = cluster.node(0).address().toString();
        String node1 = cluster.node(1).address().toString();
        DeadlockReport report = failure.deadlock().orElseThrow();
        assertThat(report.cycle()).containsExactlyInAnyOrder(
                new DeadlockReport.Wait("report-low", low.id(), node0, Namespace.group(0), List.of("report-b"), null,
                        LockMode.EX, "report-high", node1, LockMode.EX, null),
                new DeadlockReport.Wait("report-high", high.id(), node1, Namespace.group(0), List.of("report-a"), null,
                        LockMode.EX, "report-low", node0, LockMode.EX, null));
        assertThat(report.victimWait().owner()).isEqualTo("report-low");
        assertThat(failure.getMessage()).contains("'report-low' on node " + node0 + " waits for EX on report-b");
        List<ClusterLockManager> nodes = List.of(cluster.node(0), cluster.node(1), cluster.node(2));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (nodes.stream().noneMatch(n -> n.recentDeadlocks().contains(report)) && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(nodes).anySatisfy(n -> assertThat(n.recentDeadlocks()).contains(report));

        assertThat(highWaits.status()).as("a cluster request still waiting").isEqualTo(LockStatus.PENDING);
        low.dequeue(lowHolds);
        assertThat(outcome(highWaits).isGranted()).isTrue();
        low.close();
        high.close();
    }

    @Test
    void aSynchronousCrossNodeVictimsExceptionCarriesTheReport() throws Exception {
        LockOwner low = cluster.node(1).newOwner("sync-low", 0, 1);
        LockOwner high = cluster.node(2).newOwner("sync-high", 0, 9);
        Lock lowHolds = low.enqueue("sync-a", LockMode.EX);
        high.enqueue("sync-b", LockMode.EX);
        Lock highWaits = high.enqueueAsync(LockRequest.of("sync-a", LockMode.EX));
        try {
            low.enqueue("sync-b", LockMode.EX);
            throw new AssertionError("expected a deadlock");
        } catch (LockException e) {
            assertThat(e.status()).isEqualTo(LockStatus.DEADLOCK);
            assertThat(e.deadlock()).hasValueSatisfying(r -> assertThat(r.victimWait().owner()).isEqualTo("sync-low"));
            assertThat(e.getMessage()).contains("'sync-high' on node " + cluster.node(2).address() + " waits for EX on sync-a");
        }
        low.dequeue(lowHolds);
        assertThat(outcome(highWaits).isGranted()).isTrue();
        low.close();
        high.close();
    }

    private static LockException failure(Lock lock) throws Exception {
        try {
            lock.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (LockException) e.getCause();
        }
        throw new AssertionError("the request was granted, not a deadlock victim");
    }

    private static LockStatus outcome(Lock lock) throws Exception {
        try {
            lock.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return lock.status();
        } catch (java.util.concurrent.ExecutionException e) {
            return ((LockException) e.getCause()).status();
        }
    }

    /** The index of the first of {@code locks} whose request ends. */
    private static int firstToEnd(List<Lock> locks) throws Exception {
        CompletableFuture<Integer> first = new CompletableFuture<>();
        for (int i = 0; i < locks.size(); i++) {
            int index = i;
            locks.get(i).completion().whenComplete((l, e) -> first.complete(index));
        }
        return first.get(30, TimeUnit.SECONDS);
    }
}
