package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fork mode's wire version check: a fork's address is its main channel's and announces no lock
 * wire version, so each member's DONE carries it. Nodes 0 and 1 speak this build's version on
 * forks of their main channels; node 2, forking off a third main channel that joins them,
 * claims the next one. Each side refuses the other with an error naming both versions and reads
 * nothing more from it; node 2 never finishes joining, and once its main channel leaves, nodes 0
 * and 1 rebuild without it and lock together. Real JGroups channels on 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterForkWireVersionTest {
    private LogCapture errors;
    private final List<JChannel> mains = new ArrayList<>();
    private final List<ClusterLockManager> nodes = new ArrayList<>();
    private String cluster;
    private String hosts;
    private int[] ports;

    @BeforeEach
    void startTwoForkedNodesOfThisVersion() throws Exception {
        errors = LogCapture.install(ClusterLockManager.class.getName(), Level.SEVERE);
        cluster = "fork-version-" + System.nanoTime();
        ports = ClusterTestSupport.freePorts(3);
        StringJoiner all = new StringJoiner(",");
        for (int port : ports) {
            all.add("127.0.0.1[" + port + "]");
        }
        hosts = all.toString();
        for (int i = 0; i < 2; i++) {
            mains.add(mainChannel(i));
        }
        nodes.addAll(ClusterTestSupport.buildTogether(List.of(forked(0), forked(1))));
        ClusterTestSupport.awaitTrue("both nodes ready with 2 members",
                () -> nodes.stream().allMatch(n -> n.isReady() && n.members().size() == 2));
    }

    @AfterEach
    void stop() {
        nodes.forEach(ClusterLockManager::close);
        mains.forEach(JChannel::close);
        errors.close();
    }

    @Test
    void aForkOfAnotherWireVersionIsRefusedByBothSidesAndTheOthersGoOnWithoutItOnceItLeaves() throws Exception {
        JChannel third = mainChannel(2);
        Address newer = third.getAddress();
        FutureTask<ClusterLockManager> joining = ClusterTestSupport.buildOnItsOwnThread(ClusterLockManager.builder().clusterName(cluster)
                .nodeName("n2").channel(third, "locksmith", "locks").expectedVotes(2)
                .joinTimeout(Duration.ofSeconds(5)).wireVersion(Wire.VERSION + 1));

        ClusterTestSupport.awaitTrue("nodes 0 and 1 refused node 2, and node 2 both of them",
                () -> errors.wireVersionRefusals(newer, Wire.VERSION + 1, Wire.VERSION) == 2
                        && errors.wireVersionRefusals(nodes.get(0).address(), Wire.VERSION, Wire.VERSION + 1) == 1
                        && errors.wireVersionRefusals(nodes.get(1).address(), Wire.VERSION, Wire.VERSION + 1) == 1);
        assertThatThrownBy(() -> joining.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(LockException.class)
                .cause().satisfies(e -> assertThat(((LockException) e).status()).isEqualTo(LockStatus.SHUTDOWN))
                .hasMessageContaining("did not finish joining");

        third.close(); // node 2's server stops: its main channel leaves
        ClusterTestSupport.awaitTrue("nodes 0 and 1 rebuilt without node 2", () -> nodes.stream()
                .allMatch(n -> n.isReady() && n.members().equals(List.of(mains.get(0).getAddress(),
                        mains.get(1).getAddress()))));
        LockOwner holder = nodes.get(0).newOwner("holder");
        Lock held = holder.enqueue("versioned", LockMode.EX);
        Lock waiting = nodes.get(1).newOwner("waiter").enqueueAsync(LockRequest.of("versioned", LockMode.EX));
        holder.dequeue(held);
        assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).grantedMode())
                .isEqualTo(LockMode.EX);
    }

    private ClusterLockManager.Builder forked(int i) {
        return ClusterLockManager.builder().clusterName(cluster).nodeName("n" + i)
                .channel(mains.get(i), "locksmith", "locks").expectedVotes(2).deadlockWait(Duration.ofMillis(200));
    }

    /** Main channel {@code i}, connected: lockcore's TCP stack on 127.0.0.1 with FORK on top. */
    private JChannel mainChannel(int i) throws Exception {
        String xml = ClusterLockManager.builder().bindAddress("127.0.0.1").bindPort(ports[i]).initialHosts(hosts)
                .stackXml().replace("</config>", "    <FORK/>\n</config>");
        JChannel main = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        main.name("n" + i);
        main.connect(cluster);
        return main;
    }
}
