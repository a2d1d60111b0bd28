package dev.locksmith.cli.rms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.cli.Locksmith;
import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.FileAccess;
import dev.locksmith.rms.FileShare;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.Sharing;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.server.RMIServerSocketFactory;
import java.util.EnumSet;
import java.util.Map;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rms set file --global-buffers} and {@code rms monitor}, run in-process; monitor reads this JVM over a loopback JMX URL. */
class GlobalBufferCommandsTest {
    @TempDir
    Path dir;
    Path data;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void create() throws IOException {
        Path fdl = Files.writeString(dir.resolve("stock.fdl"), RmsCommandTest.FDL);
        data = dir.resolve("stock.rms");
        assertThat(run("rms", "create", "--fdl", fdl.toString(), data.toString())).isZero();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return RmsCommandTest.execute(out, err, args);
    }

    @Test
    void setFileWritesTheGlobalBufferCountThatTheNextOpenUses() {
        assertThat(run("rms", "set", "file", "--global-buffers", "24", data.toString())).isZero();
        assertThat(out.toString()).contains("global buffer count 24");

        try (RmsFile reopened = RmsFile.open(data)) {
            assertThat(reopened.definition().globalBufferCount()).isEqualTo(24);
            assertThat(reopened.globalBufferCount()).isEqualTo(24);
        }
    }

    @Test
    void setFileWithANegativeCountExitsWithIalAndChangesNothing() {
        assertThat(run("rms", "set", "file", "--global-buffers", "-3", data.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("%RMS-E-").contains("global buffer count -3");
        try (RmsFile reopened = RmsFile.open(data)) {
            assertThat(reopened.definition().globalBufferCount()).isZero();
        }
    }

    @Test
    void monitorShowsTheCountersOfEveryFileWithGlobalBuffers() throws IOException {
        JMXConnectorServer jmx = loopbackConnector();
        try (LockManager manager = LockManager.builder().name("monitored").registerMBean(false).build();
             RmsFile file = RmsFile.open(data, RmsFile.Options.DEFAULT.withGlobalBuffers(8), new Sharing(
                     EnumSet.allOf(FileAccess.class), EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD),
                     manager, dev.locksmith.rms.ContentionPolicy.NEVER))) {
            try (RecordStream stream = file.stream()) {
                stream.put(String.format("%-36s", "ITEM000001").concat("0001").getBytes(StandardCharsets.US_ASCII));
            }

            assertThat(run("rms", "monitor", "--url", jmx.getAddress().toString())).isZero();

            assertThat(out.toString()).contains("stock.rms").contains("monitored").contains("BUFFERS").contains("CALLS/READ");
            String row = out.toString().lines().filter(l -> l.contains("stock.rms")).findFirst().orElseThrow();
            assertThat(row.trim().split("\\s+")[2]).as("buffers").isEqualTo("8");
        } finally {
            jmx.stop();
        }
    }

    @Test
    void monitorOfAnUnreachableUrlExitsWithOneErrorLine() {
        assertThat(run("rms", "monitor", "--url", "service:jmx:rmi:///jndi/rmi://127.0.0.1:1/jmxrmi"))
                .isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).startsWith("%LKE-E-UNREACHABLE").hasLineCount(1);
    }

    private static JMXConnectorServer loopbackConnector() throws IOException {
        RMIServerSocketFactory loopbackOnly = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopbackOnly),
                ManagementFactory.getPlatformMBeanServer());
        connector.start();
        return connector;
    }
}
