package dev.locksmith.cli.lke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.cli.Locksmith;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.rmi.server.RMIServerSocketFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code locksmith lke} against a JVM this test starts ({@link LockHolderMain}): by pid through
 * the attach API and by a JMX URL on 127.0.0.1. The child is killed when the class ends.
 */
class LkeCommandTest {
    static Process child;
    static String url;

    StringWriter out;
    StringWriter err;

    /** A JVM whose manager has only the bean every manager registers by itself. */
    static Process plain;

    @BeforeAll
    static void startChildren() throws IOException {
        child = startHolder();
        plain = startHolder(LockHolderMain.WITHOUT_REGISTER);
    }

    /** Starts {@link LockHolderMain} with {@code args} and waits for its "ready" (keeping its JMX URL, if it prints one). */
    private static Process startHolder(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName()));
        command.addAll(List.of(args));
        Process started = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null && !line.equals("ready")) {
            if (line.startsWith("url ")) {
                url = line.substring(4);
            }
        }
        assertThat(line).as("the child JVM should report ready").isEqualTo("ready");
        return started;
    }

    @AfterAll
    static void stopChildren() throws InterruptedException {
        for (Process p : new Process[] {child, plain}) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        var commandLine = Locksmith.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void showByPidListsHoldersAndTheWaiter() {
        assertThat(run("lke", "show", "--pid", Long.toString(child.pid()))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("^D(1)").contains("a #")
                .containsPattern("\\^D +b #\\d+ +EX +waiting .*blocked by lock \\d+ \\(a #\\d+\\)");
    }

    @Test
    void showByPidFindsAManagerThatNoOneRegistered() {
        assertThat(run("lke", "show", "--pid", Long.toString(plain.pid()))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("PLAIN").contains("holder #");
    }

    @Test
    void clearThroughTheDefaultBeanIsRefusedWithNopriv() {
        assertThat(run("lke", "clear", "--pid", Long.toString(plain.pid()), "--name", "PLAIN"))
                .isEqualTo(LkeCommand.LKE_ERROR);
        assertThat(err.toString()).startsWith("%LKE-E-NOPRIV, clearing locks over JMX is not enabled");
    }

    @Test
    void showByUrlWithWaitingListsOnlyTheWaiter() {
        assertThat(run("lke", "show", "--url", url, "--waiting")).as(err.toString()).isZero();
        assertThat(out.toString().lines().skip(1)).singleElement().asString().startsWith("^D ").contains("b #");
    }

    @Test
    void showByNamePrefixFilters() {
        assertThat(run("lke", "show", "--url", url, "--name", "^D(")).as(err.toString()).isZero();
        assertThat(out.toString().lines().skip(1)).singleElement().asString().startsWith("^D(1)");
    }

    @Test
    void clearOfANameFreesItInTheOtherJvm() {
        assertThat(run("lke", "clear", "--url", url, "--name", "^C")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("%LKE-I-CLEARED, 1 lock(s) cleared");
        run("lke", "show", "--url", url, "--name", "^C");
        assertThat(out.toString()).contains("%LKE-I-NOLOCKS");
    }

    @Test
    void clearOfAnUnknownLockReportsTheStatus() {
        assertThat(run("lke", "clear", "--url", url, "--lock", "99999")).isEqualTo(LkeCommand.LKE_ERROR);
        assertThat(err.toString()).contains("%LKE-E-IVLOCKID, lockId: no live lock has id 99999");
    }

    @Test
    void monitorShowsRatesAndTheHottestTreesAndStops() {
        assertThat(run("lke", "monitor", "--url", url, "--count", "2", "--interval", "1")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Locksmith lock manager child").contains("requests").contains("deadlocks")
                .contains("HOTTEST TREES").contains("^D").contains("lock space");
    }

    @Test
    void unreachableUrlIsAClearError() {
        String nowhere = "service:jmx:rmi:///jndi/rmi://127.0.0.1:1/jmxrmi";
        assertThat(run("lke", "show", "--url", nowhere)).isEqualTo(LkeCommand.LKE_ERROR);
        assertThat(err.toString()).startsWith("%LKE-E-UNREACHABLE, cannot connect to the JVM at " + nowhere);
    }

    @Test
    void pidThatIsNoJvmIsAClearError() {
        assertThat(run("lke", "show", "--pid", "2147483646")).isEqualTo(LkeCommand.LKE_ERROR);
        assertThat(err.toString()).startsWith("%LKE-E-UNREACHABLE, cannot attach to the JVM with pid 2147483646");
    }

    @Test
    void jvmWithoutLocksmithIsAClearError() throws IOException {
        RMIServerSocketFactory loopbackOnly = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        JMXConnectorServer empty = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopbackOnly),
                MBeanServerFactory.newMBeanServer());
        empty.start();
        try {
            assertThat(run("lke", "show", "--url", empty.getAddress().toString())).isEqualTo(LkeCommand.LKE_ERROR);
            assertThat(err.toString()).contains("%LKE-E-NOLOCKSMITH").contains("runs no Locksmith lock manager")
                    .contains("registerMBean(false)").contains("LockManagerMonitor.register");
        } finally {
            empty.stop();
        }
    }

    @Test
    void unknownManagerNameIsAClearError() {
        assertThat(run("lke", "show", "--url", url, "--manager", "other")).isEqualTo(LkeCommand.LKE_ERROR);
        assertThat(err.toString()).contains("%LKE-E-NOMANAGER").contains("no lock manager named 'other'")
                .contains("it has child");
    }

    @Test
    void pidAndUrlTogetherAreAUsageError() {
        assertThat(run("lke", "show", "--pid", "1", "--url", url)).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }
}
