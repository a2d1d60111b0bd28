package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.cluster.ClusterLockManager;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.LocksmithConnectionSpec;
import dev.locksmith.ra.TransactionMode;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ResourceAdapterInternalException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resource adapter's config properties, its lock manager's lifecycle, and what ping reaches. */
class ResourceAdapterConfigTest {

    @TempDir
    Path store;

    @Test
    void withNoConfigurationTheAdapterRunsAnEmbeddedLockManagerAndStopClosesIt() throws Exception {
        LocksmithResourceAdapter ra = TestAdapters.started();
        LockManager locks = ra.lockManager();
        assertThat(locks).isNotInstanceOf(ClusterLockManager.class);
        assertThat(ra.getGlobalBufferCount()).isEqualTo(LocksmithResourceAdapter.DEFAULT_GLOBAL_BUFFER_COUNT);
        assertThat(ra.getClusterName()).isEmpty();

        ra.stop();
        assertThatThrownBy(() -> locks.newOwner("after stop").enqueue("^X", dev.locksmith.lock.LockMode.EX))
                .as("the lock manager is closed").isInstanceOf(dev.locksmith.lock.LockException.class);
        assertThatThrownBy(ra::lockManager).isInstanceOf(ResourceException.class).hasMessageContaining("stopped");
    }

    @Test
    void everyFactoryOfTheAdapterSharesItsOneLockManager() throws Exception {
        LocksmithResourceAdapter ra = TestAdapters.started();
        try {
            LocksmithManagedConnectionFactory orders = TestAdapters.factory(ra, store.resolve("orders"));
            LocksmithManagedConnectionFactory stock = TestAdapters.factory(ra, store.resolve("stock"));
            try (LocksmithConnection o = connect(orders); LocksmithConnection s = connect(stock)) {
                assertThat(o.lock(Duration.ZERO, "^SHARED")).isTrue();
                assertThat(s.lock(Duration.ZERO, "^SHARED")).as("names interlock across stores of one adapter").isFalse();
            }
        } finally {
            ra.stop();
        }
    }

    private static LocksmithConnection connect(LocksmithManagedConnectionFactory mcf) throws ResourceException {
        return ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection();
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        LocksmithResourceAdapter ra = TestAdapters.started();
        try {
            assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                    .hasMessageContaining("already started");
        } finally {
            ra.stop();
        }
    }

    @Test
    void theGlobalBufferCountSizesTheBuffersOfEveryFileOfAStore() throws Exception {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setGlobalBufferCount(16);
        ra.start(null);
        try {
            LocksmithManagedConnectionFactory mcf = TestAdapters.factory(ra, store);
            try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
                c.createFile(Stock.FILE, Stock.DEFINITION);
                c.open(Stock.FILE).put(Stock.record("BOLT", 10));
                c.open(Stock.FILE).get(Stock.key("BOLT"));
                c.open(Stock.FILE).get(Stock.key("BOLT"));
            }
            dev.locksmith.rms.RmsFile file = mcf.resourceManager().store().file(Stock.FILE);
            assertThat(file.globalBufferCount()).isEqualTo(16);
            assertThat(file.bufferStatistics().orElseThrow().hits()).as("the second read found its bucket cached").isPositive();
        } finally {
            ra.stop();
        }
    }

    @Test
    void aGlobalBufferCountOfZeroTurnsTheBuffersOff() throws Exception {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setGlobalBufferCount(0);
        ra.start(null);
        try {
            LocksmithManagedConnectionFactory mcf = TestAdapters.factory(ra, store);
            try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
                c.createFile(Stock.FILE, Stock.DEFINITION);
            }
            assertThat(mcf.resourceManager().store().file(Stock.FILE).bufferStatistics()).isEmpty();
        } finally {
            ra.stop();
        }
    }

    @Test
    void impossibleValuesAreRefusedBySettersNamingThePropertyAndChangeNothing() {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        assertThatThrownBy(() -> ra.setGlobalBufferCount(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GlobalBufferCount").hasMessageContaining("-1");
        assertThatThrownBy(() -> ra.setGlobalBufferCount(null)).hasMessageContaining("GlobalBufferCount");
        assertThatThrownBy(() -> ra.setClusterBindPort(0)).hasMessageContaining("ClusterBindPort");
        assertThatThrownBy(() -> ra.setClusterBindPort(65536)).hasMessageContaining("ClusterBindPort");
        assertThatThrownBy(() -> ra.setClusterExpectedVotes(0)).hasMessageContaining("ClusterExpectedVotes");
        assertThatThrownBy(() -> ra.setClusterBindAddress(" ")).hasMessageContaining("ClusterBindAddress");
        assertThatThrownBy(() -> ra.setClusterKeyAlias(null)).hasMessageContaining("ClusterKeyAlias");
        assertThat(ra).as("refused values leave the defaults").isEqualTo(new LocksmithResourceAdapter());

        ra.setGlobalBufferCount(0);
        assertThat(ra.getGlobalBufferCount()).isZero();
        assertThat(ra).as("equality follows the config properties").isNotEqualTo(new LocksmithResourceAdapter());
    }

    @Test
    void withAClusterNameTheAdapterStartsAClusterNodeAndStopLeavesTheCluster() throws Exception {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterName("locksmith-adapter-test-" + ProcessHandle.current().pid());
        ra.setClusterNodeName("adapter-node");
        ra.setClusterBindPort(freePort());
        ra.start(null);
        try {
            assertThat(ra.lockManager()).isInstanceOf(ClusterLockManager.class);
            ClusterLockManager node = (ClusterLockManager) ra.lockManager();
            assertThat(node.name()).isEqualTo("adapter-node");
            try (LocksmithConnection c = connect(TestAdapters.factory(ra, store))) {
                assertThat(c.lock(Duration.ofSeconds(10), "^CLUSTERED(1)")).isTrue();
                c.ping();
            }
        } finally {
            ra.stop();
        }
        assertThatThrownBy(ra::lockManager).isInstanceOf(ResourceException.class);
    }

    @Test
    void anUnreadableClusterKeyStoreFailsStartNamingTheProperty() throws Exception {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterName("locksmith-adapter-test-key");
        ra.setClusterBindPort(freePort());
        ra.setClusterKeyStore(store.resolve("missing.p12").toString());
        ra.setClusterKeyPassword("secret");
        assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                .hasMessageContaining("ClusterKeyStore").hasMessageContaining("missing.p12");
        assertThat(ra.isRunning()).isFalse();
    }

    @Test
    void pingReachesTheLockManagerAndTheStoreDirectory() throws Exception {
        LocksmithResourceAdapter ra = TestAdapters.started();
        Path dir = store.resolve("pinged");
        LocksmithManagedConnectionFactory mcf = TestAdapters.factory(ra, dir);
        LocksmithManagedConnection mc = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        LocksmithConnection c = (LocksmithConnection) mc.getConnection(null, null);
        c.ping();
        assertThat(mcf.resourceManager().statistics().pings()).isEqualTo(1);

        Path away = Files.move(dir, store.resolve("moved away"));
        assertThatThrownBy(c::ping).isInstanceOf(ResourceException.class).hasMessageContaining(dir.toString());
        assertThat(mcf.getInvalidConnections(java.util.Set.of(mc))).as("validation sees it too").containsExactly(mc);
        Files.move(away, dir);

        ra.stop();
        assertThatThrownBy(c::ping).isInstanceOf(ResourceException.class).hasMessageContaining("closed");
    }

    @Test
    void aConnectionSpecChoosesTheConnectionsMode() throws Exception {
        LocksmithResourceAdapter ra = TestAdapters.started();
        try {
            LocksmithConnectionFactory cf = (LocksmithConnectionFactory) TestAdapters.factory(ra, store)
                    .createConnectionFactory();
            try (LocksmithConnection c = cf.getConnection(new LocksmithConnectionSpec(TransactionMode.OPTIMISTIC))) {
                assertThat(c.transactionMode()).isEqualTo(TransactionMode.OPTIMISTIC);
            }
            assertThatThrownBy(() -> new LocksmithConnectionSpec(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("transactionMode");
            assertThatThrownBy(() -> cf.getConnection((LocksmithConnectionSpec) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("spec");
        } finally {
            ra.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
