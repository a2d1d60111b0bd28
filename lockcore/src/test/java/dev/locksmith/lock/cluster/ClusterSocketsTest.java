package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.annotations.Property;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TP;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every socket the cluster opens binds the configured address (127.0.0.1 here), read from the
 * protocols of a running node's channel: each address property of each protocol whose name
 * says it binds, so a protocol added to the stack later without one shows here. The listening
 * ports are the ones the stack's comment documents.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterSocketsTest {
    private static ClusterTestSupport cluster;

    @BeforeAll
    static void startNode() throws Exception {
        cluster = ClusterTestSupport.start("sockets-" + ProcessHandle.current().pid(), 1, 1);
    }

    @AfterAll
    static void stopNode() {
        cluster.close();
    }

    @Test
    void everyBindAddressOfEveryProtocolIsTheConfiguredAddress() throws Exception {
        InetAddress configured = InetAddress.getByName("127.0.0.1");
        List<String> checked = new ArrayList<>();
        for (Protocol protocol : cluster.node(0).channel().getProtocolStack().getProtocols()) {
            for (Class<?> c = protocol.getClass(); c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType() == InetAddress.class && f.isAnnotationPresent(Property.class)
                            && f.getName().contains("bind")) {
                        f.setAccessible(true);
                        assertThat(f.get(protocol)).as(protocol.getName() + "." + f.getName()).isEqualTo(configured);
                        checked.add(protocol.getName() + "." + f.getName());
                    }
                }
            }
        }
        assertThat(checked).contains("TCP.bind_addr", "TCP.client_bind_addr", "FD_SOCK2.bind_addr");
    }

    @Test
    void theNodeListensOnItsBindPortAndTheFailureDetectorAHundredAbove() {
        TP transport = cluster.node(0).channel().getProtocolStack().getTransport();
        FD_SOCK2 failureDetector = cluster.node(0).channel().getProtocolStack().findProtocol(FD_SOCK2.class);
        int bindPort = cluster.port(0);

        assertThat(transport.getBindPort()).isEqualTo(bindPort);
        assertThat(failureDetector.getActualBindPort()).isBetween(bindPort + 100, bindPort + 105);
        assertThat(transport.getDiagnosticsHandler() == null || !transport.getDiagnosticsHandler().isEnabled())
                .as("no diagnostics (probe) socket").isTrue();
    }
}
