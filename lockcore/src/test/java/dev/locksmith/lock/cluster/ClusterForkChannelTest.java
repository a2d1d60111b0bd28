package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import dev.locksmith.lock.ResourceInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes in one JVM, each riding a fork of its own main channel (a TCP stack on 127.0.0.1
 * with FORK on top, as an application server's clustered services share one): remote mastering
 * and the rebuild after a node is lost work as over the channels the manager makes itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterForkChannelTest {
    private static final String FORK_STACK = "locksmith";
    private static final String FORK_CHANNEL = "locks";

    private final List<JChannel> mains = new ArrayList<>();
    private final List<ClusterLockManager> nodes = new ArrayList<>();
    private String cluster;

    @BeforeEach
    void startMainChannelsAndForkedNodes() throws Exception {
        cluster = "fork-" + System.nanoTime();
        // ClusterTestSupport's ports, and its shortened failure detection for the main channels too
        int[] ports = ClusterTestSupport.freePorts(3);
        StringJoiner hosts = new StringJoiner(",");
        for (int port : ports) {
            hosts.add("127.0.0.1[" + port + "]");
        }
        for (int i = 0; i < 3; i++) {
            JChannel main = mainChannel(ports[i], hosts.toString());
            main.name("n" + i);
            mains.add(main);
            main.connect(cluster);
        }
        ClusterTestSupport.awaitTrue("every main channel sees 3 members",
                () -> mains.stream().allMatch(m -> m.getView() != null && m.getView().size() == 3));
        // every member of the main view must run a node: each build waits for the others' part of the rebuild
        // and each build gets a thread of its own: on two cores JDK 25's common pool runs its tasks one at a time
        List<ClusterLockManager.Builder> builders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            builders.add(forkedNode(i));
        }
        nodes.addAll(ClusterTestSupport.buildTogether(builders));
        ClusterTestSupport.awaitTrue("every node is ready with 3 members",
                () -> nodes.stream().allMatch(n -> n.isReady() && n.members().size() == 3));
    }

    private ClusterLockManager.Builder forkedNode(int i) {
        return ClusterLockManager.builder().clusterName(cluster).nodeName("n" + i)
                .channel(mains.get(i), FORK_STACK, FORK_CHANNEL).expectedVotes(3).deadlockWait(Duration.ofMillis(200));
    }

    @AfterEach
    void stop() {
        nodes.forEach(ClusterLockManager::close);
        mains.forEach(JChannel::close);
    }

    @Test
    void aRequestForATreeMasteredOnAnotherNodeGoesOverTheFork() throws Exception {
        LockOwner first = nodes.get(1).newOwner("first");
        first.enqueue("forked", LockMode.NL);
        long sentBefore = nodes.get(0).clusterStatistics().messagesSent();

        Lock lock = nodes.get(0).newOwner("remote").enqueue("forked", LockMode.EX);

        assertThat(lock.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(nodes.get(1).resource(Namespace.group(0), List.of("forked"))).isPresent();
        assertThat(nodes.get(0).resource(Namespace.group(0), List.of("forked"))).isEmpty();
        assertThat(nodes.get(0).clusterStatistics().messagesSent()).isGreaterThan(sentBefore);
    }

    @Test
    void aConflictingRequestFromAThirdNodeWaitsForTheRemoteHolder() throws Exception {
        nodes.get(1).newOwner("first").enqueue("shared", LockMode.NL);
        LockOwner holder = nodes.get(0).newOwner("holder");
        Lock held = holder.enqueue("shared", LockMode.EX);
        Lock waiting = nodes.get(2).newOwner("waiter").enqueueAsync(
                LockRequest.of("shared", LockMode.PR));
        ClusterTestSupport.awaitTrue("the waiter queued on the master",
                () -> waiting.queue().equals(Optional.of(LockQueue.WAITING)));

        holder.dequeue(held);

        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.PR);
    }

    @Test
    void aTreeMasteredByALostNodeIsRebuiltOnTheSurvivors() throws Exception {
        nodes.get(2).newOwner("doomed").enqueue("orphan", LockMode.NL);
        LockOwner holder = nodes.get(0).newOwner("holder");
        Lock held = holder.enqueue("orphan", LockMode.PR);
        Lock waiting = nodes.get(1).newOwner("waiter").enqueueAsync(
                LockRequest.of("orphan", LockMode.EX));
        ClusterTestSupport.awaitTrue("the waiter queued on node 2",
                () -> waiting.queue().equals(Optional.of(LockQueue.WAITING)));

        nodes.get(2).crashForTest(); // its main channel's stack stops without leaving

        ClusterTestSupport.awaitTrue("the survivors rebuilt without node 2", () -> nodes.get(0).isReady()
                && nodes.get(0).members().size() == 2 && nodes.get(1).isReady() && nodes.get(1).members().size() == 2);
        assertThat(held.grantedMode()).isEqualTo(LockMode.PR);
        assertThat(waiting.status()).isEqualTo(LockStatus.PENDING);
        holder.dequeue(held);
        waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        boolean onSurvivor = nodes.get(0).resource(Namespace.group(0), List.of("orphan")).isPresent()
                || nodes.get(1).resource(Namespace.group(0), List.of("orphan")).isPresent();
        assertThat(onSurvivor).as("the tree is mastered by a survivor").isTrue();
    }

    /**
     * A forked node's close leaves the main channel's view as it was, so the others learn of no
     * departure: the close itself dequeues its owners' locks, and a request waiting behind one on
     * another node's master is granted.
     */
    @Test
    void aForkedNodeClosedWithALockHeldReleasesItOnItsMaster() throws Exception {
        nodes.get(1).newOwner("keeper").enqueue("released", LockMode.NL); // node 1 masters the tree
        nodes.get(0).newOwner("holder").enqueue("released", LockMode.EX);
        Lock waiting = nodes.get(2).newOwner("waiter").enqueueAsync(LockRequest.of("released", LockMode.EX));
        ClusterTestSupport.awaitTrue("the waiter queued on the master",
                () -> waiting.queue().equals(Optional.of(LockQueue.WAITING)));

        nodes.get(0).close();

        assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.EX);
        assertThat(nodes.get(1).members()).as("node 0 still a member: its main channel stays").hasSize(3);
    }

    /**
     * A forked node's close hands the trees it masters to the others first (the others see no
     * view change, so no rebuild would): their locks stay granted, nothing is granted twice, the
     * waiter is granted once the holders let go, with the value block the closed node's owner
     * wrote, and a new request is served, all while the main channel stays.
     */
    @Test
    void aForkedNodeClosedWhileMasteringATreeHandsItOnWithItsLocksWaiterAndValueBlock() throws Exception {
        LockOwner writer = nodes.get(2).newOwner("writer"); // node 2 masters the tree
        Lock written = writer.enqueue(LockRequest.of("handed", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        Arrays.fill(value, (byte) 7);
        written.setValueBlock(value);
        writer.convert(written, LockRequest.conversionTo(LockMode.NL).withFlags(LockFlag.VALBLK));
        LockOwner holderA = nodes.get(0).newOwner("holder-a");
        Lock heldA = holderA.enqueue("handed", LockMode.PR);
        LockOwner holderB = nodes.get(1).newOwner("holder-b");
        Lock heldB = holderB.enqueue("handed", LockMode.PR);
        LockOwner waiterOwner = nodes.get(0).newOwner("waiter");
        Lock waiting = waiterOwner.enqueueAsync(LockRequest.of("handed", LockMode.EX).withFlags(LockFlag.VALBLK));
        ClusterTestSupport.awaitTrue("the waiter queued on node 2",
                () -> waiting.queue().equals(Optional.of(LockQueue.WAITING)));

        nodes.get(2).close();

        assertThat(nodes.get(2).clusterStatistics().remasters()).as("node 2 handed its one tree on").isEqualTo(1);
        ResourceInfo handed = masteredOnASurvivor("handed");
        assertThat(handed.granted()).as("the holders' locks, held as they were").hasSize(2)
                .allSatisfy(l -> assertThat(l.grantedMode()).isEqualTo(LockMode.PR));
        assertThat(handed.waiting()).hasSize(1);
        assertThat(heldA.grantedMode()).isEqualTo(LockMode.PR);
        assertThat(heldB.grantedMode()).isEqualTo(LockMode.PR);
        assertThat(waiting.queue()).as("not granted while the holders hold").contains(LockQueue.WAITING);
        holderB.dequeue(heldB);
        holderA.dequeue(heldA);
        assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.EX);
        assertThat(waiting.valueBlock()).as("the value block node 2's owner wrote").isEqualTo(value);
        // from node 0, which knows the new master (its copy uses the tree): a node that looked the tree
        // up would ask its directory node, which may be node 2, whose share is not handed on
        Lock later = nodes.get(0).newOwner("later").enqueueAsync(LockRequest.of("handed", LockMode.PR));
        ClusterTestSupport.awaitTrue("the new request queued behind the EX",
                () -> later.queue().equals(Optional.of(LockQueue.WAITING)));
        waiterOwner.dequeue(waiting);
        assertThat(later.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.PR);
        assertThat(mains.get(2).isConnected()).as("node 2's main channel stays").isTrue();
        assertThat(nodes.get(0).members()).as("no view change: node 2 still a member").hasSize(3);
    }

    /** A forked node that masters no tree hands nothing on when it closes; the trees stay where they are. */
    @Test
    void aForkedNodeClosedWhileMasteringNothingMovesNoTree() throws Exception {
        LockOwner keeper = nodes.get(1).newOwner("keeper");
        keeper.enqueue("kept", LockMode.NL); // node 1 masters the tree
        nodes.get(2).newOwner("user").enqueue("kept", LockMode.PR);
        // node 0 knows the tree's master: its next request needs no lookup, which might go to node 2,
        // whose share of the directory is not handed on
        nodes.get(0).newOwner("knowing").enqueue("kept", LockMode.NL);

        nodes.get(2).close();

        assertThat(nodes.get(2).clusterStatistics().remasters()).isZero();
        assertThat(nodes.get(1).resource(Namespace.group(0), List.of("kept"))).isPresent();
        assertThat(nodes.get(0).newOwner("after").enqueue("kept", LockMode.EX).grantedMode()).isEqualTo(LockMode.EX);
    }

    /**
     * An owner closed while its lock's tree is on its way to a new master (node 2 closes and hands
     * it on) leaves no proxy there: its dequeue waited for the tree's MOVED, and so does its CLOSE;
     * sent at once, the CLOSE would reach the new master before the tree did.
     */
    @Test
    void anOwnerClosedWhileItsTreeIsHandedOnLeavesNoProxyOnTheNewMaster() throws Exception {
        nodes.get(2).newOwner("keeper").enqueue("handing", LockMode.NL); // node 2 masters the tree
        nodes.get(1).newOwner("keeper").enqueue("beside", LockMode.NL); // node 1 masters another
        LockOwner closing = nodes.get(0).newOwner("closing");
        closing.enqueue("handing", LockMode.PR);
        closing.enqueue("beside", LockMode.NL); // so that its CLOSE shows where it arrived: its proxy goes
        LockOwner staying = nodes.get(0).newOwner("staying");
        Lock stayingLock = staying.enqueue("handing", LockMode.NL); // node 0 keeps knowing the tree's master
        // node 2's LEAVING, its last message, is held with the INSTALL before it, so they arrive in their order
        HoldMessages installs = HoldMessages.install(mains.get(2), Wire.INSTALL, Wire.LEAVING);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(nodes.get(2)::close);
        ClusterTestSupport.awaitTrue("node 2 exported the tree", () -> installs.heldCount() >= 1);

        closing.close();
        ClusterTestSupport.awaitTrue("the close reached nodes 0 and 1 before the tree",
                () -> !nodes.get(0).masterTable().hasProxy(nodes.get(0).address(), closing.id())
                        && !nodes.get(1).masterTable().hasProxy(nodes.get(0).address(), closing.id()));
        installs.release();
        closed.get(30, TimeUnit.SECONDS);
        // node 0 sends this once the tree's MOVED came, after the dequeue (and CLOSE) that waited for it
        staying.convert(stayingLock, LockRequest.conversionTo(LockMode.CR));

        for (int i = 0; i < 2; i++) {
            assertThat(nodes.get(i).masterTable().hasProxy(nodes.get(0).address(), closing.id()))
                    .as("a proxy of the closed owner on node " + i).isFalse();
        }
    }

    /**
     * A forked node's close ends with LEAVING: a tree moving between the others afterwards waits
     * for no ACK of it (its fork is gone, its main channel stays), where it waited for one until
     * the main channel left, the tree's requests held meanwhile.
     */
    @Test
    void aTreeMovesBetweenTheOthersAfterAForkedNodeClosed() throws Exception {
        nodes.get(0).newOwner("first").enqueue("later-move", LockMode.CR); // node 0 masters the tree
        LockOwner worker = nodes.get(1).newOwner("worker");
        Lock root = worker.enqueue("later-move", LockMode.CR);

        nodes.get(2).close();

        for (int i = 0; nodes.get(1).resource(Namespace.group(0), List.of("later-move")).isEmpty(); i++) {
            Lock sub = worker.enqueueAsync(LockRequest.of("row" + (i % 5), LockMode.EX).withParent(root));
            sub.completion().toCompletableFuture().get(30, TimeUnit.SECONDS); // held for ever without LEAVING
            worker.dequeue(sub);
        }
        assertThat(nodes.get(0).clusterStatistics().remasters()).isEqualTo(1);
        assertThat(nodes.get(0).members()).as("node 2 still a member: its main channel stays").hasSize(3);
    }

    /** The resource {@code root}, from whichever of nodes 0 and 1 masters it (awaited). */
    private ResourceInfo masteredOnASurvivor(String root) {
        ClusterTestSupport.awaitTrue(root + " is mastered on node 0 or 1", () -> nodes.get(0).resource(Namespace.group(0),
                List.of(root)).isPresent() || nodes.get(1).resource(Namespace.group(0), List.of(root)).isPresent());
        return nodes.get(0).resource(Namespace.group(0), List.of(root))
                .or(() -> nodes.get(1).resource(Namespace.group(0), List.of(root))).orElseThrow();
    }

    /**
     * A node closed and made again on the same shared channel keeps its address, and the others
     * see no view change: were its lock ids to start again where the first one's did, a BLOCKING
     * still on its way for the first one's lock would reach the new one's lock of the same id.
     */
    @Test
    void aNodeMadeAgainOnItsSharedChannelNamesNoLockAsTheOneBeforeDidSoALateBlockingReachesNoNewLock()
            throws Exception {
        ClusterLockManager master = nodes.get(1);
        master.newOwner("keeper").enqueue("again", LockMode.NL); // node 1 masters the tree
        Lock before = nodes.get(0).newOwner("before").enqueue(LockRequest.of("again", LockMode.PR));
        nodes.get(0).close();
        ClusterLockManager again = forkedNode(0).build();
        nodes.set(0, again);
        assertThat(again.address()).as("the shared channel's address, as the node before had").isEqualTo(mains.get(0).getAddress());
        List<LockMode> heard = new CopyOnWriteArrayList<>();
        LockOwner holder = again.newOwner("after");
        Lock after = holder.enqueue(LockRequest.of("again", LockMode.PR).withBlockingHandler((l, mode) -> heard.add(mode)));

        // the master's BLOCKING for the first node's lock, late: then the real one for the new lock
        Wire late = Wire.message(Wire.BLOCKING, master.channel().getView().getViewId().getId()).putLong(before.id())
                .putByte(LockMode.PW.ordinal());
        master.channel().send(new BytesMessage(again.address(), late.toBytes()));
        Lock writer = master.newOwner("writer").enqueueAsync(LockRequest.of("again", LockMode.EX));
        ClusterTestSupport.awaitTrue("the new lock heard it blocks the writer", () -> !heard.isEmpty());
        holder.dequeue(after);

        assertThat(writer.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode()).isEqualTo(LockMode.EX);
        assertThat(heard).as("the new lock heard only its own blocking").containsExactly(LockMode.EX);
        assertThat(after.id()).as("the new node's lock id").isNotEqualTo(before.id());
    }

    @Test
    void aForkedNodeRefusesSettingsOfAChannelOfItsOwn() {
        ClusterLockManager.Builder b = ClusterLockManager.builder().nodeName("extra")
                .channel(mains.get(0), FORK_STACK, "other").expectedVotes(3).sharedSecret("0123456789".toCharArray());

        assertThatThrownBy(b::build).isInstanceOf(LockException.class)
                .satisfies(e -> assertThat(((LockException) e).status()).isEqualTo(LockStatus.BADPARAM))
                .hasMessageContaining("sharedSecret");
    }

    @Test
    void aForkedNodeNeedsItsExpectedVotes() {
        ClusterLockManager.Builder b = ClusterLockManager.builder().nodeName("extra")
                .channel(mains.get(0), FORK_STACK, "other");

        assertThatThrownBy(b::build).isInstanceOf(LockException.class)
                .satisfies(e -> assertThat(((LockException) e).status()).isEqualTo(LockStatus.BADPARAM))
                .hasMessageContaining("expectedVotes");
    }

    @Test
    void aMainChannelWithoutForkIsRefused() throws Exception {
        try (JChannel plain = new JChannel(new ByteArrayInputStream(stackXml(ClusterTestSupport.freePorts(1)[0], null, false)))) {
            plain.connect("plain-" + System.nanoTime());
            ClusterLockManager.Builder b = ClusterLockManager.builder().nodeName("extra")
                    .channel(plain, FORK_STACK, FORK_CHANNEL).expectedVotes(1);

            assertThatThrownBy(b::build).isInstanceOf(LockException.class)
                    .satisfies(e -> assertThat(((LockException) e).status()).isEqualTo(LockStatus.BADPARAM))
                    .hasMessageContaining("FORK");
        }
    }

    /** A main channel as an application would make it: lockcore's TCP stack on 127.0.0.1 with FORK on top. */
    private static JChannel mainChannel(int port, String hosts) throws Exception {
        return new JChannel(new ByteArrayInputStream(stackXml(port, hosts, true)));
    }

    private static byte[] stackXml(int port, String hosts, boolean fork) throws IOException {
        ClusterLockManager.Builder settings = ClusterLockManager.builder().bindAddress("127.0.0.1").bindPort(port);
        String xml = (hosts == null ? settings : settings.initialHosts(hosts)).stackXml();
        if (fork) {
            xml = xml.replace("</config>", "    <FORK/>\n</config>");
        }
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}
