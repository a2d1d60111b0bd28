package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing an owner: after its node shut down (a worker finishing as its node stops), and while
 * another thread makes a lock through it on the local path (its master entry must go with it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterOwnerCloseTest {
    private ClusterTestSupport cluster;
    private LockOwner keeper;
    private Lock kept;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startWith("owner-close-" + System.nanoTime(), 1,
                b -> b.expectedVotes(1).emptyTreeRetention(Duration.ZERO));
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void anOwnerClosedAfterItsNodeShutDownIsClosedWithoutAnError() {
        LockOwner owner = cluster.node(0).newOwner("late");
        cluster.node(0).close();

        owner.close();

        assertThat(owner.isClosed()).isTrue();
    }

    @Test
    void anOwnerClosedWhileALockIsMadeThroughItOnTheLocalPathLeavesNoCountAndItsTreeIsDropped() throws Exception {
        ClusterLockManager node = aKeeperHoldsTheTreeOn(cluster.node(0));
        LockOwner closing = node.newOwner("closing");
        AtomicBoolean closedInside = new AtomicBoolean();
        Thread requesting = Thread.currentThread();
        node.masterTable().beforeTrack = () -> {
            node.masterTable().beforeTrack = null;
            assertThat(Thread.currentThread()).as("the request takes the local path").isSameAs(requesting);
            // the lock is in the engine, not yet counted in its tree: its owner is closed now,
            // from another thread, and its node's master table is told (on the protocol thread,
            // not waited for here: this thread holds the route gate, which that thread may want)
            try {
                CompletableFuture.runAsync(closing::close).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the close failed", e);
            }
            ClusterTestSupport.awaitTrue("the master table closed the owner's proxy, taking its engine lock",
                    () -> grantedOn(node, "closing") == 1);
            closedInside.set(true);
        };
        Lock lock = closing.enqueueAsync(LockRequest.of("closing", LockMode.PR));
        ClusterTestSupport.awaitTrue("the owner was closed inside the request", closedInside::get);
        ClusterTestSupport.awaitTrue("the lock went with its owner", () -> lock.queue().isEmpty());
        assertTheTreeIsDroppedOnceTheKeeperLetsGo(node);
        assertThat(closing.isClosed()).isTrue();
    }

    @Test
    void aLockRequestedWhileItsOwnerClosesIsRefusedAndLeavesNoCountBehind() throws Exception {
        ClusterLockManager node = aKeeperHoldsTheTreeOn(cluster.node(0));
        LockOwner closing = node.newOwner("closing");
        FutureTask<Lock> request = new FutureTask<>(() -> closing.enqueueAsync(LockRequest.of("closing", LockMode.PR)));
        Thread requester = new Thread(request, "requester");
        synchronized (closing) { // the owner's monitor, which lists a new lock: the request waits there
            requester.start();
            ClusterTestSupport.awaitTrue("the request passed its checks and waits to list its lock",
                    () -> isBlockedIn(requester, "link"));
            closing.close(); // this thread holds the monitor already: the close runs before the lock is listed
        } // (nothing here waits for the protocol thread: a task of it may want this monitor meanwhile)

        assertThat(request).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(LockException.class,
                        e -> assertThat(e.status()).isEqualTo(LockStatus.OWNERCLOSED));
        assertTheTreeIsDroppedOnceTheKeeperLetsGo(node);
    }

    /**
     * Another owner holds root "closing" on {@code node} in NL, so {@code node} masters its tree and
     * the next request for it takes the local path; returns {@code node}.
     */
    private ClusterLockManager aKeeperHoldsTheTreeOn(ClusterLockManager node) throws InterruptedException {
        keeper = node.newOwner("keeper");
        kept = keeper.enqueue("closing", LockMode.NL);
        node.members(); // once the protocol thread noted it (after it granted that request)
        return node;
    }

    /** The keeper lets go; then no lock and no count is left of the tree, which is dropped. */
    private void assertTheTreeIsDroppedOnceTheKeeperLetsGo(ClusterLockManager node) {
        keeper.dequeue(kept);
        TreeKey tree = new TreeKey(Namespace.group(0), "closing");
        ClusterTestSupport.awaitTrue("no lock and no count left: the tree is dropped",
                () -> node.masterTable().lockCount(tree) == 0 && node.resource(Namespace.group(0), List.of("closing")).isEmpty()
                        && node.clusterStatistics().treesMastered() == 0);
    }

    /** How many locks {@code node}'s master engine holds granted on root {@code name}. */
    private static int grantedOn(ClusterLockManager node, String name) {
        return node.resource(Namespace.group(0), List.of(name)).map(r -> r.granted().size()).orElse(0);
    }

    /** Whether {@code thread} waits to enter the owner's monitor in {@code ClusterOwner.method}. */
    private static boolean isBlockedIn(Thread thread, String method) {
        StackTraceElement[] stack = thread.getStackTrace();
        return thread.getState() == Thread.State.BLOCKED && stack.length > 0
                && stack[0].getClassName().equals(ClusterOwner.class.getName()) && stack[0].getMethodName().equals(method);
    }
}
