package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A remote owner cancels its waiting request (or conversion) at the moment the master grants it.
 * Whatever wins, both sides agree: cancel() true and the request gone (a conversion back in its
 * old mode) on owner and master, or cancel() false and the lock granted on both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterCancelRaceTest {
    private static final int ITERATIONS = 150;
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("cancel-" + System.nanoTime(), 2, 2);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCancelRacingAGrantOfANewRequestHasOneOutcomeOnBothNodes() throws Exception {
        LockOwner holder = cluster.node(0).newOwner("holder");
        LockOwner waiter = cluster.node(1).newOwner("waiter");
        for (int i = 0; i < ITERATIONS; i++) {
            String name = "new-" + i;
            Lock held = holder.enqueue(name, LockMode.EX); // node 0 masters the tree
            Lock waiting = waiter.enqueueAsync(LockRequest.of(name, LockMode.EX));
            ClusterTestSupport.awaitTrue("waiting on the master", () -> waitingOn(name) == 1);

            boolean won = race(() -> holder.dequeue(held), () -> waiter.cancel(waiting));

            if (won) {
                assertThat(waiting.status()).as("iteration %d", i).isEqualTo(LockStatus.CANCELLED);
                assertThat(waiting.queue()).as("iteration %d", i).isEmpty();
                ClusterTestSupport.awaitTrue("the master forgot the cancelled request",
                        () -> lockOnMaster(name, "waiter@").isEmpty());
            } else {
                waiting.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(waiting.queue()).as("iteration %d", i).contains(LockQueue.GRANTED);
                assertThat(lockOnMaster(name, "waiter@")).as("iteration %d", i)
                        .hasValueSatisfying(l -> assertThat(l.queue()).isEqualTo(LockQueue.GRANTED));
                waiter.dequeue(waiting);
            }
        }
    }

    @Test
    void aCancelRacingAGrantOfAConversionHasOneOutcomeOnBothNodes() throws Exception {
        LockOwner holder = cluster.node(0).newOwner("holder");
        LockOwner converter = cluster.node(1).newOwner("converter");
        for (int i = 0; i < ITERATIONS; i++) {
            String name = "cvt-" + i;
            Lock held = holder.enqueue(name, LockMode.EX);
            Lock lock = converter.enqueue(name, LockMode.NL);
            converter.convertAsync(lock, LockRequest.conversionTo(LockMode.PW));
            ClusterTestSupport.awaitTrue("converting on the master",
                    () -> lockOnMaster(name, "converter@").map(l -> l.queue() == LockQueue.CONVERTING).orElse(false));

            boolean won = race(() -> holder.dequeue(held), () -> converter.cancel(lock));

            LockMode expected = won ? LockMode.NL : LockMode.PW;
            ClusterTestSupport.awaitTrue("no conversion pending on the owner", () -> ((ClusterLock) lock).endedStatus() != null);
            assertThat(lock.grantedMode()).as("iteration %d, cancel %s", i, won).isEqualTo(expected);
            assertThat(lock.queue()).as("iteration %d", i).contains(LockQueue.GRANTED);
            ClusterTestSupport.awaitTrue("the master holds the lock granted in " + expected, () -> lockOnMaster(name,
                    "converter@").map(l -> l.queue() == LockQueue.GRANTED && l.grantedMode() == expected).orElse(false));
            converter.dequeue(lock);
        }
    }

    private interface Cancel {
        boolean run();
    }

    /** Runs the release and the cancel at the same moment; returns what cancel() said. */
    private static boolean race(Runnable release, Cancel cancel) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicBoolean result = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                start.await(20, TimeUnit.SECONDS);
                result.set(cancel.run());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        start.await(20, TimeUnit.SECONDS);
        release.run();
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(t.isAlive()).as("cancel() returned").isFalse();
        return result.get();
    }

    private int waitingOn(String root) {
        return cluster.node(0).resource(Namespace.group(0), List.of(root)).map(r -> r.waiting().size()).orElse(0);
    }

    private Optional<LockInfo> lockOnMaster(String root, String ownerPrefix) {
        Optional<ResourceInfo> r = cluster.node(0).resource(Namespace.group(0), List.of(root));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        return java.util.stream.Stream.of(r.get().granted(), r.get().converting(), r.get().waiting())
                .flatMap(List::stream).filter(l -> l.owner().startsWith(ownerPrefix)).findFirst();
    }
}
