package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-off of a lock mastered on the requesting node from its holder to a synchronous waiter
 * (issue 20's hot name): the releasing thread grants the waiter and applies the grant to its copy;
 * the waiter, spinning or parked, reads its outcome once its wait is cleared (a grant from the
 * request's stage, without the copy's monitor; anything else under it). Three real TCP nodes on
 * 127.0.0.1, up for the whole class; the tree is mastered on node 0, where every owner works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLocalHandoffTest {
    private static final String ROOT = "HANDOFF";
    private static ClusterTestSupport cluster;
    private static ClusterLockManager node;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("handoff-" + ProcessHandle.current().pid(), 3, 3);
        node = cluster.node(0);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void aParkedWaiterIsWokenWithTheGrantTheHoldersDequeueMade() throws Exception {
        LockOwner holder = node.newOwner("holder");
        LockRequest row = LockRequest.of("parked-row", LockMode.EX).withFlags(LockFlag.VALBLK);
        Lock held = holder.enqueue(row.withParent(holder.enqueue(ROOT, LockMode.CR)));
        LockOwner waiter = node.newOwner("waiter");
        Parked parked = parkedWaiter(waiter, row);
        CompletableFuture<Lock> granted = parked.outcome;
        byte[] value = new byte[16];
        value[0] = 7;
        held.setValueBlock(value);

        holder.dequeue(held, LockFlag.VALBLK);

        Lock lock = granted.get(30, TimeUnit.SECONDS);
        assertThat(lock.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(lock.status()).isEqualTo(LockStatus.NORMAL);
        assertThat(lock.valueBlock()).isEqualTo(value);
        assertThat(lock.fencingToken()).isGreaterThan(held.fencingToken());
        waiter.close();
        holder.close();
    }

    @Test
    void twoOwnersHandingOneNameBackAndForthNeverHoldItTogetherAndNeverStall() throws Exception {
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<CompletableFuture<Integer>> done = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        for (CompletableFuture<Integer> finished : done) {
            LockOwner owner = node.newOwner("handing");
            Lock root = owner.enqueue(ROOT, LockMode.CR);
            new Thread(() -> complete(finished, () -> {
                for (int i = 0; i < 20_000; i++) {
                    Lock hot = owner.enqueue(LockRequest.of("hot-row", LockMode.EX).withParent(root));
                    if (holders.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    holders.decrementAndGet();
                    owner.dequeue(hot);
                }
                owner.close();
                return 20_000;
            })).start();
        }

        for (CompletableFuture<Integer> finished : done) {
            assertThat(finished.get(100, TimeUnit.SECONDS)).isEqualTo(20_000);
        }
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void aWaiterWhoseRequestTimesOutIsToldTIMEOUT() throws Exception {
        LockOwner holder = node.newOwner("holder");
        Lock held = holder.enqueue(LockRequest.of("timed-row", LockMode.EX).withParent(holder.enqueue(ROOT, LockMode.CR)));
        LockOwner waiter = node.newOwner("waiter");
        Lock waiterRoot = waiter.enqueue(ROOT, LockMode.CR);

        assertThatThrownBy(() -> waiter.enqueue(LockRequest.of("timed-row", LockMode.EX).withParent(waiterRoot)
                .withTimeout(Duration.ofMillis(50))))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(held.grantedMode()).isEqualTo(LockMode.EX);
        waiter.close();
        holder.close();
    }

    @Test
    void anInterruptedWaiterCancelsItsRequestAndTheNameGoesOnToTheNext() throws Exception {
        LockOwner holder = node.newOwner("holder");
        LockRequest row = LockRequest.of("interrupted-row", LockMode.EX);
        Lock held = holder.enqueue(row.withParent(holder.enqueue(ROOT, LockMode.CR)));
        LockOwner waiter = node.newOwner("waiter");
        Parked parked = parkedWaiter(waiter, row);

        parked.thread.interrupt();

        assertThatThrownBy(() -> parked.outcome.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedException.class);
        ClusterTestSupport.awaitTrue("its request left the master", () -> waitingOn("interrupted-row") == 0);
        holder.dequeue(held);
        LockOwner next = node.newOwner("next");
        Lock nextLock = next.enqueue(row.withParent(next.enqueue(ROOT, LockMode.CR)));
        assertThat(nextLock.grantedMode()).isEqualTo(LockMode.EX);
        next.close();
        waiter.close();
        holder.close();
    }

    /**
     * The outcome a synchronous waiter reads is the one its lock shows and its canceller was told:
     * a conversion waits behind a holder, whose dequeue and the waiter owner's cancel race; it ends
     * either granted (convert returns, cancel says false) or CANCELLED (convert throws, cancel says
     * true, the lock keeps its old mode), never a mix.
     */
    @Test
    void aWaiterReadsTheOutcomeItsLockShowsWhenACancelRacesTheGrant() throws Exception {
        LockOwner holder = node.newOwner("holder");
        Lock holderRoot = holder.enqueue(ROOT, LockMode.CR);
        LockOwner waiter = node.newOwner("converter");
        Lock converting = waiter.enqueue(LockRequest.of("raced-row", LockMode.NL).withParent(waiter.enqueue(ROOT, LockMode.CR)));
        int granted = 0;
        int cancelled = 0;
        for (int i = 0; i < 200; i++) {
            Lock held = holder.enqueue(LockRequest.of("raced-row", LockMode.EX).withParent(holderRoot));
            CompletableFuture<Lock> outcome = new CompletableFuture<>();
            Thread waiting = new Thread(() -> complete(outcome, () -> waiter.convert(converting, LockMode.EX)));
            waiting.start();
            ClusterTestSupport.awaitTrue("the conversion waits on the master", () -> convertingOn("raced-row") == 1);
            Thread releasing = new Thread(() -> holder.dequeue(held));
            releasing.start();

            boolean cancelWon = waiter.cancel(converting);

            releasing.join();
            try {
                assertThat(outcome.get(30, TimeUnit.SECONDS)).isSameAs(converting);
                assertThat(cancelWon).as("cancel of a granted conversion").isFalse();
                assertThat(converting.grantedMode()).isEqualTo(LockMode.EX);
                granted++;
                waiter.convert(converting, LockMode.NL);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(LockException.class,
                        failure -> assertThat(failure.status()).isEqualTo(LockStatus.CANCELLED));
                assertThat(cancelWon).as("cancel of a cancelled conversion").isTrue();
                assertThat(converting.grantedMode()).isEqualTo(LockMode.NL);
                cancelled++;
            }
        }
        assertThat(granted + cancelled).isEqualTo(200);
        waiter.close();
        holder.close();
    }

    /** A thread parked in {@code owner}'s synchronous request and what that request ends with. */
    private record Parked(Thread thread, CompletableFuture<Lock> outcome) {
    }

    /**
     * Starts a thread in which {@code owner} takes {@code row} (a request not yet given a parent)
     * as a sublock of its own CR lock on the root, and returns once that thread has parked waiting
     * for the grant.
     */
    private static Parked parkedWaiter(LockOwner owner, LockRequest row) throws InterruptedException {
        Lock root = owner.enqueue(ROOT, LockMode.CR);
        CompletableFuture<Lock> outcome = new CompletableFuture<>();
        Thread waiting = new Thread(() -> complete(outcome, () -> owner.enqueue(row.withParent(root))));
        waiting.start();
        ClusterTestSupport.awaitTrue("the waiter parked in its wait", () -> LockSupport.getBlocker(waiting) instanceof ClusterLock);
        return new Parked(waiting, outcome);
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> void complete(CompletableFuture<T> future, Call<T> call) {
        try {
            future.complete(call.call());
        } catch (Exception | AssertionError e) {
            future.completeExceptionally(e);
        }
    }

    private static int waitingOn(String row) {
        return node.resource(Namespace.group(0), List.of(ROOT, row)).map(r -> r.waiting().size()).orElse(0);
    }

    private static int convertingOn(String row) {
        return node.resource(Namespace.group(0), List.of(ROOT, row)).map(r -> r.converting().size()).orElse(0);
    }
}
