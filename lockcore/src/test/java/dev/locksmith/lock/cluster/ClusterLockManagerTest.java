package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Semantics across three real TCP nodes on 127.0.0.1 that stay up for the whole class. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterLockManagerTest {
    private static ClusterTestSupport cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("semantics-" + ProcessHandle.current().pid(), 3, 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static ClusterLockManager node(int i) {
        return cluster.node(i);
    }

    /** A check made the same way on each of the two lock managers it compares. */
    private interface ManagerCheck {
        void check(LockManager manager) throws Exception;
    }

    /** Runs {@code check} on a new embedded lock manager named {@code name}, then on cluster node 1. */
    private static void onAnEmbeddedManagerAndNode1(String name, ManagerCheck check) throws Exception {
        try (dev.locksmith.lock.LockManager embedded = dev.locksmith.lock.LockManager.builder().name(name).build()) {
            for (LockManager manager : List.of(embedded, node(1))) {
                check.check(manager);
            }
        }
    }

    @Test
    void aDequeuedLockShowsWhatTheEmbeddedEnginesShows() throws Exception {
        onAnEmbeddedManagerAndNode1("embedded", manager -> {
            LockOwner owner = manager.newOwner("dequeuer");
            Lock lock = owner.enqueue("dequeued-" + manager.name(), LockMode.EX);
            LockStatus granted = lock.status();

            owner.dequeue(lock);

            assertThat(lock.grantedMode()).as(manager.name()).isNull();
            assertThat(lock.requestedMode()).as(manager.name()).isNull();
            assertThat(lock.queue()).as(manager.name()).isEmpty();
            assertThat(lock.status()).as(manager.name() + ": the status of its last request").isEqualTo(granted);
        });
    }

    @Test
    void aLockDescribesItselfAsTheEmbeddedEngineDoes() throws Exception {
        onAnEmbeddedManagerAndNode1("described", manager -> {
            LockOwner owner = manager.newOwner("describer");
            Lock lock = owner.enqueue("described-" + manager.name(), LockMode.PR);
            assertThat(lock).as(manager.name()).hasToString("Lock[described-" + manager.name() + " PR owner=describer]");
            owner.dequeue(lock);
            assertThat(lock).as(manager.name()).hasToString("Lock[described-" + manager.name() + " no mode owner=describer]");
            owner.close();
        });
    }

    @Test
    void aClearedLockShowsWhatTheEmbeddedEnginesShows() throws Exception {
        onAnEmbeddedManagerAndNode1("embedded", manager -> {
            Lock lock = manager.newOwner("cleared").enqueue("cleared-" + manager.name(), LockMode.EX);

            manager.clearLock(manager.adminCapability(), lock.id());

            assertThat(lock.grantedMode()).as(manager.name()).isNull();
            assertThat(lock.queue()).as(manager.name()).isEmpty();
        });
    }

    @Test
    void convertingAClearedLockFailsWithIvlockidAsTheEmbeddedEngineDoes() throws Exception {
        onAnEmbeddedManagerAndNode1("embedded", manager -> {
            LockOwner owner = manager.newOwner("converter");
            Lock lock = owner.enqueue("cleared-then-converted-" + manager.name(), LockMode.EX);
            manager.clearLock(manager.adminCapability(), lock.id());

            assertThatThrownBy(() -> owner.convert(lock, LockRequest.conversionTo(LockMode.NL)))
                    .as(manager.name())
                    .isInstanceOfSatisfying(LockException.class,
                            e -> assertThat(e.status()).isEqualTo(LockStatus.IVLOCKID));
            owner.close();
        });
    }

    /** {@code owner}'s root lock {@code name} (CR), its CR sublock and that sublock's EX sublock, in that order. */
    private static List<Lock> aRootWithTwoLevelsOfSublocks(LockOwner owner, String name) throws InterruptedException {
        Lock root = owner.enqueue(name, LockMode.CR);
        Lock sub = owner.enqueue(LockRequest.of("sub", LockMode.CR).withParent(root));
        return List.of(root, sub, owner.enqueue(LockRequest.of("sub-sub", LockMode.EX).withParent(sub)));
    }

    @Test
    void anOwnersLocksShowItsSublocksAtEveryDepthAsTheEmbeddedEnginesDo() throws Exception {
        onAnEmbeddedManagerAndNode1("listed", manager -> {
            LockOwner owner = manager.newOwner("lister");
            List<Lock> tree = aRootWithTwoLevelsOfSublocks(owner, "listed-" + manager.name());
            Lock root = tree.get(0);
            Lock sub = tree.get(1);
            Lock subSub = tree.get(2);
            Lock other = owner.enqueue(LockRequest.of("other", LockMode.PR).withParent(root));
            assertThat(owner.locks()).as(manager.name()).containsExactlyInAnyOrder(root, sub, subSub, other);

            owner.dequeue(subSub);
            assertThat(owner.locks()).as(manager.name()).containsExactlyInAnyOrder(root, sub, other);

            owner.dequeueSublocks(root);
            assertThat(owner.locks()).as(manager.name()).containsExactly(root);
            owner.close();
        });
    }

    @Test
    void clearingARootLockClearsItsSublocksAsTheEmbeddedEngineDoes() throws Exception {
        onAnEmbeddedManagerAndNode1("cleared-tree", manager -> {
            LockOwner owner = manager.newOwner("tree-holder");
            List<Lock> tree = aRootWithTwoLevelsOfSublocks(owner, "cleared-tree-" + manager.name());

            manager.clearLock(manager.adminCapability(), tree.get(0).id());

            assertThat(owner.locks()).as(manager.name()).isEmpty();
            assertThat(tree).as(manager.name()).allSatisfy(l -> assertThat(l.queue()).isEmpty());
            owner.close();
        });
    }

    @Test
    void requestsFromOtherNodesAreGrantedInArrivalOrderByTheMaster() throws Exception {
        LockOwner holder = node(0).newOwner("holder");
        Lock held = holder.enqueue("order", LockMode.EX);
        List<String> grants = new CopyOnWriteArrayList<>();
        LockOwner first = node(1).newOwner("first");
        Lock a = first.enqueueAsync(LockRequest.of("order", LockMode.EX));
        ClusterTestSupport.awaitTrue("first queued on the master", () -> waitingOn(0, "order") == 1);
        LockOwner second = node(2).newOwner("second");
        Lock b = second.enqueueAsync(LockRequest.of("order", LockMode.EX));
        ClusterTestSupport.awaitTrue("second queued on the master", () -> waitingOn(0, "order") == 2);
        var firstNoted = a.completion().thenRun(() -> grants.add("first")).toCompletableFuture();
        var secondNoted = b.completion().thenRun(() -> grants.add("second")).toCompletableFuture();

        holder.dequeue(held);
        firstNoted.get(10, TimeUnit.SECONDS);
        assertThat(b.queue()).contains(LockQueue.WAITING);
        first.dequeue(a);
        secondNoted.get(10, TimeUnit.SECONDS);

        assertThat(grants).containsExactly("first", "second");
        second.close();
        first.close();
        holder.close();
    }

    @Test
    void valueBlockWrittenOnOneNodeIsReadOnAnother() throws Exception {
        LockOwner writer = node(1).newOwner("writer");
        Lock w = writer.enqueue(LockRequest.of("value", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = Arrays.copyOf("hello, cluster".getBytes(StandardCharsets.US_ASCII), 16);
        w.setValueBlock(value);
        writer.convert(w, LockRequest.conversionTo(LockMode.NL).withFlags(LockFlag.VALBLK));

        LockOwner reader = node(2).newOwner("reader");
        Lock r = reader.enqueue(LockRequest.of("value", LockMode.PR).withFlags(LockFlag.VALBLK));

        assertThat(r.valueBlock()).isEqualTo(value);
        assertThat(r.status()).isIn(LockStatus.SYNCH, LockStatus.NORMAL);
        reader.close();
        writer.close();
    }

    @Test
    void waitersGrantedByTheHoldersDequeueReadTheValueItWrote() throws Exception {
        LockOwner holder = node(0).newOwner("value-holder");
        Lock held = holder.enqueue(LockRequest.of("handed-value", LockMode.EX).withFlags(LockFlag.VALBLK));
        // one waiter on the master's node (its grant is applied here) and one on another (sent to it)
        LockOwner local = node(0).newOwner("local-waiter");
        Lock l = local.enqueueAsync(LockRequest.of("handed-value", LockMode.PR).withFlags(LockFlag.VALBLK));
        LockOwner remote = node(1).newOwner("remote-waiter");
        Lock r = remote.enqueueAsync(LockRequest.of("handed-value", LockMode.PR).withFlags(LockFlag.VALBLK));
        ClusterTestSupport.awaitTrue("both waiters queued on the master", () -> waitingOn(0, "handed-value") == 2);
        byte[] value = Arrays.copyOf("handed over".getBytes(StandardCharsets.US_ASCII), 16);
        held.setValueBlock(value);

        holder.dequeue(held, LockFlag.VALBLK);

        for (Lock waiter : List.of(l, r)) {
            waiter.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(waiter.grantedMode()).isEqualTo(LockMode.PR);
            assertThat(waiter.status()).isIn(LockStatus.NORMAL, LockStatus.SYNCH);
            assertThat(waiter.valueBlock()).isEqualTo(value);
        }
        remote.close();
        local.close();
        holder.close();
    }

    @Test
    void blockingCallbackReachesTheHolderOnAnotherNode() throws Exception {
        LockOwner holder = node(2).newOwner("holder");
        List<LockMode> blocked = new CopyOnWriteArrayList<>();
        Lock held = holder.enqueue(LockRequest.of("bast", LockMode.PR)
                .withBlockingHandler((lock, mode) -> {
                    blocked.add(mode);
                    lock.owner().dequeue(lock);
                }));
        LockOwner writer = node(0).newOwner("writer");

        Lock w = writer.enqueue(LockRequest.of("bast", LockMode.EX));

        assertThat(blocked).containsExactly(LockMode.EX);
        assertThat(w.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(held.queue()).isEmpty();
        writer.close();
        holder.close();
    }

    @Test
    void aTreeUsedOnlyOnItsMasterCostsNoMessagesAfterTheFirstRequest() throws Exception {
        LockOwner owner = node(1).newOwner("solo");
        Lock root = owner.enqueue("solo-tree", LockMode.PR);
        long before = totalMessages();

        for (int i = 0; i < 200; i++) {
            Lock sub = owner.enqueue(LockRequest.of("row" + (i % 7), LockMode.EX).withParent(root));
            owner.convert(sub, LockMode.NL);
            owner.dequeue(sub);
        }
        owner.convert(root, LockMode.EX);
        owner.dequeue(root);
        owner.close();

        assertThat(totalMessages()).isEqualTo(before);
    }

    @Test
    void localNamespaceLocksStayOnTheirNode() throws Exception {
        long before = totalMessages();
        LockOwner[] owners = new LockOwner[3];
        Lock[] locks = new Lock[3];
        for (int i = 0; i < 3; i++) {
            owners[i] = node(i).newOwner("local" + i);
            locks[i] = owners[i].enqueue(LockRequest.of("node-root", LockMode.EX).withFlags(LockFlag.LOCAL));
        }

        for (LockOwner o : owners) {
            o.close();
        }

        assertThat(locks).allSatisfy(l -> assertThat(l.status().isGranted()).isTrue());
        assertThat(totalMessages()).isEqualTo(before);
    }

    @Test
    void sublocksLiveWithTheirRootOnItsMaster() throws Exception {
        LockOwner first = node(0).newOwner("root-user");
        Lock root = first.enqueue("tree", LockMode.CR);
        LockOwner remote = node(2).newOwner("remote-user");
        Lock remoteRoot = remote.enqueue("tree", LockMode.CR);

        Lock sub = remote.enqueue(LockRequest.of("leaf", LockMode.EX).withParent(remoteRoot));

        assertThat(sub.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(node(0).resource(dev.locksmith.lock.Namespace.group(0), List.of("tree", "leaf"))).isPresent();
        assertThatThrownBy(() -> remote.dequeue(remoteRoot))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.SUBLOCKS));
        remote.close();
        first.close();
    }

    @Test
    void noqueueRequestOnAnotherNodeIsRefusedWhileAnIncompatibleLockIsHeld() throws Exception {
        LockOwner holder = node(1).newOwner("holder");
        holder.enqueue("busy", LockMode.EX);
        LockOwner other = node(2).newOwner("other");

        assertThatThrownBy(() -> other.enqueue(LockRequest.of("busy", LockMode.PR).withFlags(LockFlag.NOQUEUE)))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
        other.close();
        holder.close();
    }

    @Test
    void messageCountsAreReadableOverJmx() throws Exception {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var name = new javax.management.ObjectName("dev.locksmith:type=Cluster,name=" + node(0).name() + "-test");
        server.registerMBean(node(0), name);
        try {
            LockOwner remote = node(0).newOwner("jmx");
            node(1).newOwner("first").enqueue("jmx-tree", LockMode.NL);
            remote.enqueue("jmx-tree", LockMode.NL);

            assertThat((Long) server.getAttribute(name, "MessagesSent")).isPositive();
            assertThat((Boolean) server.getAttribute(name, "Quorum")).isTrue();
        } finally {
            server.unregisterMBean(name);
        }
    }

    private static int waitingOn(int nodeIndex, String root) {
        return node(nodeIndex).resource(dev.locksmith.lock.Namespace.group(0), List.of(root))
                .map(r -> r.waiting().size()).orElse(0);
    }

    private static long totalMessages() {
        return cluster.quietMessageCount();
    }
}
