package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.cluster.ClusterLockManager;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.resource.spi.ResourceAdapterInternalException;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.jgroups.JChannel;
import org.jgroups.fork.ForkChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ClusterChannel}: the adapter's cluster node rides a fork of a JGroups channel the server
 * owns and binds in JNDI (as a WildFly HA profile binds {@code java:jboss/jgroups/channel/ee}),
 * and refuses, naming the property, what cannot work.
 */
class ClusterChannelTest {

    private static final String NAME = "java:jboss/jgroups/channel/ee";

    @TempDir
    Path store;

    private JChannel serverChannel;

    @BeforeEach
    void aServerWithAChannelBoundInJndi() throws Exception {
        serverChannel = channel(true);
        serverChannel.connect("server-ee-" + ProcessHandle.current().pid());
        ServerJndi.install();
        ServerJndi.bind(NAME, serverChannel);
    }

    @AfterEach
    void shutDownTheServer() {
        ServerJndi.uninstall();
        serverChannel.close();
    }

    @Test
    void theNodeRidesAForkOfTheNamedChannelAndStopLeavesTheServersChannelConnected() throws Exception {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterChannel(NAME);
        ra.setClusterNodeName("riding-node");
        ra.start(null);
        try {
            ClusterLockManager node = (ClusterLockManager) ra.lockManager();
            assertThat(node.channel()).isInstanceOf(ForkChannel.class);
            assertThat(node.channel().getAddress()).as("the server's member").isEqualTo(serverChannel.getAddress());
            LocksmithManagedConnectionFactory mcf = TestAdapters.factory(ra, store);
            try (LocksmithConnection c = ((LocksmithConnectionFactory) mcf.createConnectionFactory()).getConnection()) {
                assertThat(c.lock(Duration.ofSeconds(10), "^RIDING(1)")).isTrue();
            }
        } finally {
            ra.stop();
        }
        assertThat(serverChannel.isConnected()).as("the server's channel stays the server's").isTrue();
    }

    @Test
    void aChannelTheServerIsStillStartingIsWaitedFor() throws Exception {
        ServerJndi.bindStarting("java:jboss/jgroups/channel/lazy", serverChannel, 3);
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterChannel("java:jboss/jgroups/channel/lazy");
        ra.start(null);
        try {
            assertThat(((ClusterLockManager) ra.lockManager()).channel()).isInstanceOf(ForkChannel.class);
        } finally {
            ra.stop();
        }
    }

    @Test
    void aNameWithNothingBoundFailsStartNamingTheProperty() {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterChannel("java:jboss/jgroups/channel/missing");
        assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                .hasMessageContaining("ClusterChannel 'java:jboss/jgroups/channel/missing'")
                .hasMessageContaining("no JGroups channel");
        assertThat(ra.isRunning()).isFalse();
    }

    @Test
    void aNameBoundToSomethingElseFailsStartSayingWhatItNames() {
        ServerJndi.bind("java:jboss/datasources/ExampleDS", "a data source");
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterChannel("java:jboss/datasources/ExampleDS");
        assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                .hasMessageContaining("ClusterChannel").hasMessageContaining("java.lang.String")
                .hasMessageContaining("not a JGroups channel");
        assertThat(ra.isRunning()).isFalse();
    }

    @Test
    void theSettingsOfAChannelOfItsOwnAreRefusedWithIt() {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.setClusterChannel(NAME);
        ra.setClusterInitialHosts("127.0.0.1[7800]");
        assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                .hasMessageContaining("ClusterInitialHosts").hasMessageContaining("127.0.0.1[7800]");
        assertThat(ra.isRunning()).isFalse();
    }

    @Test
    void aChannelWithoutForkFailsStartNamingTheChannel() throws Exception {
        try (JChannel plain = channel(false)) {
            plain.connect("server-plain-" + ProcessHandle.current().pid());
            ServerJndi.bind("java:jboss/jgroups/channel/plain", plain);
            LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
            ra.setClusterChannel("java:jboss/jgroups/channel/plain");
            assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceAdapterInternalException.class)
                    .hasMessageContaining("ClusterChannel 'java:jboss/jgroups/channel/plain'")
                    .hasMessageContaining("FORK");
            assertThat(ra.isRunning()).isFalse();
        }
    }

    /** A server's channel: lockcore's TCP stack on 127.0.0.1, with FORK on top if {@code fork}. */
    private static JChannel channel(boolean fork) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String xml = ClusterLockManager.builder().bindAddress("127.0.0.1").bindPort(port).stackXml();
        if (fork) {
            xml = xml.replace("</config>", "    <FORK/>\n</config>");
        }
        return new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
