package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code expectedVotes} left unset counts the initial hosts: a node told of another it cannot
 * reach (a wrong key, a firewall) is a minority and grants nothing, and a request that times out
 * waiting for quorum says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterExpectedVotesTest {
    @Test
    void aNodeThatCannotReachTheOtherHostItWasGivenGrantsNothingAndSaysItWaitsForQuorum() throws Exception {
        int port;
        int unreachable;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = a.getLocalPort();
            unreachable = b.getLocalPort();
        }
        try (ClusterLockManager lonely = ClusterLockManager.builder().clusterName("lonely-" + System.nanoTime())
                .nodeName("lonely").bindAddress("127.0.0.1").bindPort(port)
                .initialHosts("127.0.0.1[" + port + "],127.0.0.1[" + unreachable + "]").build()) {
            LockOwner owner = lonely.newOwner("owner");

            assertThat(lonely.isQuorum()).isFalse();
            assertThatThrownBy(() -> owner.enqueue(LockRequest.of("r", LockMode.EX).withTimeout(Duration.ofMillis(200))))
                    .isInstanceOfSatisfying(LockException.class, e -> {
                        assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT);
                        assertThat(e.getMessage()).contains("waiting for quorum", "1 node of the 2 needed",
                                "expectedVotes 2");
                    });
        }
    }
}
