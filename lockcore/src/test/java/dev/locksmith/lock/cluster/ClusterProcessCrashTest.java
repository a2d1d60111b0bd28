package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in this JVM and a third in a child JVM, all on 127.0.0.1 TCP, two votes expected.
 * The child masters a tree and holds locks, then is killed with SIGKILL
 * ({@link Process#destroyForcibly()}): the survivors keep their grants, the dead node's locks go,
 * and its EX value block is not valid. Or the child is cut off (a JGroups DISCARD in its stack):
 * alone it is a minority, and grants nothing, not even on its own tree, until it merges back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterProcessCrashTest {
    @Test
    void killingANodeProcessFreesItsLocksAndRebuildsTheTreesItMastered() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("process-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2));
             ChildProcess child = ChildProcess.join(cluster, 2)) {
            LockOwner keeper = cluster.node(0).newOwner("keeper");
            keeper.enqueue(LockRequest.of("vb", LockMode.NL).withFlags(LockFlag.VALBLK));
            child.command("ENQ child-tree PR");
            child.command("ENQ vb EX VALBLK");
            Lock survivorGrant = keeper.enqueue("child-tree", LockMode.PR);
            LockOwner waiter = cluster.node(1).newOwner("waiter");
            Lock valueWaiter = waiter.enqueueAsync(LockRequest.of("vb", LockMode.PR).withFlags(LockFlag.VALBLK));
            Lock treeWaiter = waiter.enqueueAsync(LockRequest.of("child-tree", LockMode.EX));
            ClusterTestSupport.awaitTrue("the value reader waits on node 0",
                    () -> cluster.node(0).resource(Namespace.group(0), List.of("vb"))
                            .map(r -> r.waiting().size()).orElse(0) == 1);

            assertThat(cluster.nodes).as("the child masters child-tree")
                    .noneMatch(n -> n.resource(Namespace.group(0), List.of("child-tree")).isPresent());

            child.kill();

            valueWaiter.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(valueWaiter.status()).isEqualTo(LockStatus.VALNOTVALID);
            cluster.awaitView(2);
            assertThat(survivorGrant.grantedMode()).isEqualTo(LockMode.PR);
            assertThat(treeWaiter.queue()).contains(LockQueue.WAITING);
            keeper.dequeue(survivorGrant);
            treeWaiter.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(treeWaiter.grantedMode()).isEqualTo(LockMode.EX);
        }
    }

    @Test
    void killingAMasterWithItsExHolderMakesTheValueBlockNotValidForTheWaiterLeftBehind() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("process-valblk-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2));
             ChildProcess child = ChildProcess.join(cluster, 2)) {
            child.command("ENQ written EX VALBLK"); // the child masters 'written' and holds it in EX
            Lock waiter = cluster.node(1).newOwner("waiter")
                    .enqueueAsync(LockRequest.of("written", LockMode.EX).withFlags(LockFlag.VALBLK));
            ClusterTestSupport.awaitTrue("the waiter is queued on the child", () -> {
                try {
                    return child.attempt("WAITING written").equals("WAITING 1");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            child.kill();

            waiter.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(waiter.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(waiter.status()).as("no one left knows what the lost EX holder wrote")
                    .isEqualTo(LockStatus.VALNOTVALID);
        }
    }

    @Test
    void aPartitionedChildProcessGrantsNothingUntilItMergesBack() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("process-cut-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2));
             ChildProcess child = ChildProcess.join(cluster, 2)) {
            child.command("ENQ child-tree NL"); // the child masters child-tree
            Lock majorityCopy = cluster.node(0).newOwner("reader").enqueue("child-tree", LockMode.PR);

            child.command("CUT");
            child.command("AWAIT-NO-LEASE");
            // compatible with everything held there: only the lease (then the lost quorum) stops it
            assertThat(child.attempt("TRY child-tree CR 1000")).isEqualTo("STATUS TIMEOUT");
            cluster.awaitView(2);
            Lock majorityGrant = cluster.node(1).newOwner("writer").enqueue("free", LockMode.EX);

            assertThat(majorityGrant.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(majorityCopy.grantedMode()).as("the majority keeps its grant in the rebuilt tree")
                    .isEqualTo(LockMode.PR);
            child.command("HEAL");
            cluster.awaitView(3);
            assertThat(child.attempt("TRY child-tree CR 20000")).isEqualTo("STATUS GRANTED");
        }
    }
}
