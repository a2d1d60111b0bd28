package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad builder settings are refused with BADPARAM naming the setting, before anything starts. */
class ClusterBuilderTest {
    @Test
    void aNodeNeedsANodeName() {
        assertThatThrownBy(() -> ClusterLockManager.builder().build())
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
                    assertThat(e.getMessage()).contains("nodeName");
                });
    }

    @Test
    void directoryWeightOutsideTheRangeIsRefused() {
        assertThatThrownBy(() -> ClusterLockManager.builder().directoryWeight(-1))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.getMessage()).contains("directoryWeight"));
    }

    @Test
    void remasterWeightAboveTenIsRefused() {
        assertThatThrownBy(() -> ClusterLockManager.builder().remasterWeight(11))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.getMessage()).contains("remasterWeight"));
    }

    @Test
    void aNegativeOrMissingEmptyTreeRetentionIsRefused() {
        assertThatThrownBy(() -> ClusterLockManager.builder().emptyTreeRetention(java.time.Duration.ofMillis(-1)))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
                    assertThat(e.getMessage()).contains("emptyTreeRetention");
                });
        assertThatThrownBy(() -> ClusterLockManager.builder().emptyTreeRetention(null))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.getMessage()).contains("emptyTreeRetention"));
    }

    @Test
    void aQuorumLeaseThatIsNotPositiveIsRefused() {
        for (java.time.Duration bad : new java.time.Duration[] {java.time.Duration.ZERO, java.time.Duration.ofMillis(-5), null}) {
            assertThatThrownBy(() -> ClusterLockManager.builder().quorumLease(bad))
                    .isInstanceOfSatisfying(LockException.class, e -> {
                        assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
                        assertThat(e.getMessage()).contains("quorumLease");
                    });
        }
    }

    @Test
    void aShortSharedSecretIsRefused() {
        assertThatThrownBy(() -> ClusterLockManager.builder().sharedSecret("short".toCharArray()))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.getMessage()).contains("sharedSecret"));
    }

    @Test
    void aStackThatIsNotOnTheClassPathIsRefusedByName() {
        assertThatThrownBy(() -> ClusterLockManager.builder().nodeName("n").stackResource("no/such/stack.xml").build())
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
                    assertThat(e.getMessage()).contains("no/such/stack.xml");
                });
    }

    private static void assertKeyStoreRefused(Runnable build, String expected) {
        assertThatThrownBy(build::run).isInstanceOfSatisfying(LockException.class, e -> {
            assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
            assertThat(e.getMessage()).contains("keyStore").contains(expected);
        });
    }

    @Test
    void aMissingKeyStoreFileIsRefused(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.p12");
        assertKeyStoreRefused(() -> ClusterLockManager.builder().keyStore(missing, "cluster", KeyStores.PASSWORD),
                "nowhere.p12");
    }

    @Test
    void aKeyStoreWithTheWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
        Path store = KeyStores.withNewKey(dir, "cluster.p12", "cluster", "AES", 256);
        assertKeyStoreRefused(() -> ClusterLockManager.builder().keyStore(store, "cluster", "wrong".toCharArray()),
                "password");
    }

    @Test
    void aKeyStoreWithoutTheAliasIsRefused(@TempDir Path dir) throws Exception {
        Path store = KeyStores.withNewKey(dir, "cluster.p12", "cluster", "AES", 256);
        assertKeyStoreRefused(() -> ClusterLockManager.builder().keyStore(store, "other", KeyStores.PASSWORD),
                "'other'");
    }

    @Test
    void aKeyStoreEntryThatIsNotAnAesKeyIsRefused(@TempDir Path dir) throws Exception {
        Path store = KeyStores.withNewKey(dir, "cluster.p12", "cluster", "HmacSHA256", 256);
        assertKeyStoreRefused(() -> ClusterLockManager.builder().keyStore(store, "cluster", KeyStores.PASSWORD),
                "AES");
    }

    @Test
    void keyStoreNeedsFileAliasAndPassword(@TempDir Path dir) {
        assertKeyStoreRefused(() -> ClusterLockManager.builder().keyStore(dir.resolve("x.p12"), " ", KeyStores.PASSWORD),
                "alias");
    }
}
