package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A view change pauses only the trees it affects. Node 1's DONE message is held back after node
 * 2 crashes, so node 0's rebuild cannot complete; meanwhile a tree mastered by node 0 that never
 * involved node 2 keeps granting, to node 0's own owners and to node 1's; and a request with a
 * timeout that waits on node 0 for a tree node 2 mastered, never reaching a master, still times
 * out when its timeout runs out, not whenever the rebuild ends; so does one that was waiting on node
 * 2 when it crashed, which node 0 holds (re-sent, not yet installed) while the rebuild is incomplete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterPartialRebuildTest {
    /** Long enough to outlast the failure detection of node 2's crash (about 2.5 s here). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(8);

    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        // no tree moves: each stays with its first master, so node 2's crash orphans the trees it took
        cluster = ClusterTestSupport.startWith("partial-" + System.nanoTime(), 3,
                b -> b.expectedVotes(3).remasterWeight(0));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aTreeMasteredByASurvivorKeepsGrantingWhileTheRebuildIsIncomplete() throws Exception {
        LockOwner local = cluster.node(0).newOwner("local");
        Lock localRoot = local.enqueue("steady", LockMode.CR); // node 0 masters "steady"
        LockOwner remote = cluster.node(1).newOwner("remote");
        Lock remoteRoot = remote.enqueue("steady", LockMode.CR);
        LockOwner doomed = cluster.node(2).newOwner("doomed");
        doomed.enqueue("orphan", LockMode.NL); // node 2 masters "orphan"
        Lock orphanCopy = remote.enqueue("orphan", LockMode.PR);
        HoldMessages doneOfNode1 = crashNode2HoldingNode1sDone();

        for (int i = 0; i < 20; i++) {
            Lock row = remote.enqueueAsync(LockRequest.of("row-" + i, LockMode.EX).withParent(remoteRoot));
            row.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            remote.dequeue(row);
            Lock own = local.enqueueAsync(LockRequest.of("own-" + i, LockMode.EX).withParent(localRoot));
            own.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            local.dequeue(own);
        }
        assertThat(cluster.node(0).isReady()).as("node 0 still waits for node 1's DONE").isFalse();
        assertThat(cluster.node(0).resource(Namespace.group(0), List.of("steady")).orElseThrow().granted())
                .hasSize(2);

        doneOfNode1.release();
        cluster.awaitView(2);

        // the tree node 2 mastered was rebuilt from node 1's copy
        Lock writer = cluster.node(0).newOwner("writer").enqueueAsync(LockRequest.of("orphan", LockMode.EX));
        ClusterTestSupport.awaitTrue("the writer waits behind node 1's rebuilt PR",
                () -> writer.queue().equals(java.util.Optional.of(LockQueue.WAITING)));
        remote.dequeue(orphanCopy);
        writer.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(writer.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aConversionHeldBackWhileItsTreeIsRebuiltTimesOutKeepingItsGrantedMode() throws Exception {
        // node 0 is the tree's directory node once node 2 is gone: the conversion waits there
        String root = rootOfNode0AfterTheCrash();
        cluster.node(2).newOwner("doomed").enqueue(root, LockMode.NL); // node 2 masters the tree
        LockOwner owner = cluster.node(0).newOwner("converter");
        Lock lock = owner.enqueue(root, LockMode.PR);
        HoldMessages doneOfNode1 = crashNode2HoldingNode1sDone();

        CompletableFuture<Lock> conversion = owner.convertAsync(lock,
                LockRequest.conversionTo(LockMode.EX).withTimeout(Duration.ofMillis(100))).toCompletableFuture();

        assertThat(conversion).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(LockException.class,
                        e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(cluster.node(0).isReady()).as("node 0 still waits for node 1's DONE").isFalse();
        assertThat(lock.grantedMode()).isEqualTo(LockMode.PR);
        assertThat(lock.queue()).isEqualTo(Optional.of(LockQueue.GRANTED));

        doneOfNode1.release();
        cluster.awaitView(2);
        // the rebuilt master holds the copy in PR, as its owner sees it: a writer waits behind it
        Lock writer = cluster.node(1).newOwner("writer").enqueueAsync(LockRequest.of(root, LockMode.EX));
        ClusterTestSupport.awaitTrue("the writer waits behind node 0's rebuilt PR",
                () -> writer.queue().equals(Optional.of(LockQueue.WAITING)));
        owner.dequeue(lock);
        writer.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(writer.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aRequestWaitingWhenItsMasterCrashedTimesOutAtItsTimeoutThoughTheRebuildIsIncomplete() throws Exception {
        // node 0 is the tree's directory node once node 2 is gone: node 1's request is re-sent there
        String root = rootOfNode0AfterTheCrash();
        cluster.node(2).newOwner("doomed").enqueue(root, LockMode.NL); // node 2 masters the tree
        cluster.node(0).newOwner("holder").enqueue(root, LockMode.EX);
        Lock waiter = cluster.node(1).newOwner("waiter").enqueueAsync(LockRequest.of(root, LockMode.PR)
                .withTimeout(REQUEST_TIMEOUT));
        ClusterTestSupport.awaitTrue("the request waits on node 2",
                () -> waiter.queue().equals(Optional.of(LockQueue.WAITING)));
        HoldMessages doneOfNode1 = crashNode2HoldingNode1sDone();

        assertThat(waiter.completion().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class).havingCause()
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(cluster.node(0).isReady()).as("node 0 still waits for node 1's DONE").isFalse();

        doneOfNode1.release();
        cluster.awaitView(2);
        // the rebuilt tree holds node 0's EX and not the request that timed out
        ResourceInfo rebuilt = cluster.node(0).resource(Namespace.group(0), List.of(root)).orElseThrow();
        // (the master's engine numbers its locks itself: its ids are not the copies')
        assertThat(rebuilt.granted()).extracting(LockInfo::owner, LockInfo::grantedMode)
                .containsExactly(tuple("holder@" + cluster.node(0).address(), LockMode.EX));
        assertThat(rebuilt.waiting()).isEmpty();
    }

    @Test
    void aConversionWaitingWhenItsMasterCrashedTimesOutKeepingItsGrantedModeThoughTheRebuildIsIncomplete()
            throws Exception {
        String root = rootOfNode0AfterTheCrash();
        cluster.node(2).newOwner("doomed").enqueue(root, LockMode.NL); // node 2 masters the tree
        LockOwner converter = cluster.node(0).newOwner("converter"); // its copy is re-sent to its own node
        Lock lock = converter.enqueue(root, LockMode.PR);
        cluster.node(1).newOwner("reader").enqueue(root, LockMode.PR);
        CompletableFuture<Lock> conversion = converter.convertAsync(lock,
                LockRequest.conversionTo(LockMode.EX).withTimeout(REQUEST_TIMEOUT)).toCompletableFuture();
        ClusterTestSupport.awaitTrue("the conversion waits on node 2",
                () -> lock.queue().equals(Optional.of(LockQueue.CONVERTING)));
        HoldMessages doneOfNode1 = crashNode2HoldingNode1sDone();

        assertThat(conversion).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(LockException.class,
                        e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(cluster.node(0).isReady()).as("node 0 still waits for node 1's DONE").isFalse();
        assertThat(lock.grantedMode()).isEqualTo(LockMode.PR);

        doneOfNode1.release();
        cluster.awaitView(2);
        // the rebuilt tree holds the copy in PR, as its owner sees it, converting no more
        ResourceInfo rebuilt = cluster.node(0).resource(Namespace.group(0), List.of(root)).orElseThrow();
        assertThat(rebuilt.granted()).extracting(LockInfo::grantedMode).containsExactly(LockMode.PR, LockMode.PR);
        assertThat(rebuilt.converting()).isEmpty();
    }

    /** A root whose directory node is node 0 once node 2 is gone. */
    private String rootOfNode0AfterTheCrash() {
        return ClusterTestSupport.rootDirectedTo(cluster.node(0).address(), List.of(cluster.node(0).address(),
                cluster.node(1).address()));
    }

    /** Node 2 crashes with node 1's DONE held back, so node 0 cannot finish its rebuild until it is released. */
    private HoldMessages crashNode2HoldingNode1sDone() throws Exception {
        HoldMessages doneOfNode1 = HoldMessages.install(cluster.node(1), Wire.DONE);
        cluster.node(2).crashForTest();
        cluster.nodes.remove(2);
        ClusterTestSupport.awaitTrue("both survivors installed the new view and node 1's DONE is held",
                () -> cluster.node(0).members().size() == 2 && cluster.node(1).members().size() == 2
                        && doneOfNode1.heldCount() == 1);
        return doneOfNode1;
    }
}
