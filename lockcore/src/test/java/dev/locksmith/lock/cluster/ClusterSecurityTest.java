package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Clusters whose traffic is encrypted with a shared secret or a key-store key (JGroups SYM_ENCRYPT) over TCP on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterSecurityTest {
    private static final char[] SECRET = "correct horse battery staple".toCharArray();

    @Test
    void nodesSharingTheSecretFormAClusterAndLockAcrossIt() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("secure-" + System.nanoTime(), 3,
                b -> b.sharedSecret(SECRET))) {
            Lock held = cluster.node(0).newOwner("a").enqueue("secured", LockMode.EX);
            Lock waiting = cluster.node(2).newOwner("b").enqueueAsync(LockRequest.of("secured", LockMode.EX));

            held.owner().dequeue(held);
            waiting.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        }
    }

    @Test
    void aNodeWithAnotherSecretIsNeverAdmitted() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("rogue-" + System.nanoTime(), 2,
                b -> b.sharedSecret(SECRET))) {
            ClusterLockManager rogue = cluster.builder(2).sharedSecret("not the secret at all".toCharArray())
                    .joinTimeout(java.time.Duration.ofSeconds(20)).build();
            try {
                // several MERGE3 rounds (1-2 s each) pass; none may admit the rogue
                Thread.sleep(5_000);

                assertThat(rogue.members()).containsExactly(rogue.address());
                assertThat(cluster.node(0).members()).hasSize(2).doesNotContain(rogue.address());
                assertThat(cluster.node(1).members()).hasSize(2).doesNotContain(rogue.address());
            } finally {
                rogue.close();
            }
        }
    }

    @Test
    void nodesWithTheSameKeyStoreKeyFormAClusterAndLockAcrossIt(@TempDir Path dir) throws Exception {
        Path store = KeyStores.withNewKey(dir, "cluster.p12", "locksmith", "AES", 256);
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("keystore-" + System.nanoTime(), 2,
                b -> b.keyStore(store, "locksmith", KeyStores.PASSWORD))) {
            Lock held = cluster.node(0).newOwner("a").enqueue("stored-key", LockMode.EX);
            Lock waiting = cluster.node(1).newOwner("b").enqueueAsync(LockRequest.of("stored-key", LockMode.EX));

            held.owner().dequeue(held);
            waiting.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
        }
    }

    @Test
    void aNodeWhoseKeyStoreHoldsAnotherKeyIsNeverAdmitted(@TempDir Path dir) throws Exception {
        Path store = KeyStores.withNewKey(dir, "cluster.p12", "locksmith", "AES", 256);
        Path other = KeyStores.withNewKey(dir, "other.p12", "locksmith", "AES", 256);
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("keystore-rogue-" + System.nanoTime(), 2,
                b -> b.keyStore(store, "locksmith", KeyStores.PASSWORD))) {
            ClusterLockManager rogue = cluster.builder(2).keyStore(other, "locksmith", KeyStores.PASSWORD)
                    .joinTimeout(java.time.Duration.ofSeconds(20)).build();
            try {
                Thread.sleep(5_000);

                assertThat(rogue.members()).containsExactly(rogue.address());
                assertThat(cluster.node(0).members()).hasSize(2).doesNotContain(rogue.address());
            } finally {
                rogue.close();
            }
        }
    }
}
