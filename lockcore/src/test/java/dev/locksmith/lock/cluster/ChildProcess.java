package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A node of a test cluster in a child JVM, driven through {@link ClusterChildNode}'s commands,
 * for the multi-process tests: it can be killed with SIGKILL, or paused and resumed with
 * SIGSTOP/SIGCONT as a long GC pause or a stopped VM would.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private ChildProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts the child as the node after the in-JVM ones of {@code cluster} (index
     * {@code cluster.nodes.size()}), expecting {@code expectedVotes}, and waits until every node
     * sees all of them.
     */
    static ChildProcess join(ClusterTestSupport cluster, int expectedVotes) throws Exception {
        int index = cluster.nodes.size();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-Djava.net.preferIPv4Stack=true",
                "-Dlocksmith.fd.timeout=2000", "-Dlocksmith.fd.interval=500", "-Dlocksmith.verify.timeout=500",
                "-Dlocksmith.merge.min=1000", "-Dlocksmith.merge.max=2000",
                "-Dlocksmith.join.timeout=500", "-cp", System.getProperty("java.class.path"),
                ClusterChildNode.class.getName(), cluster.clusterName(), "n" + index,
                Integer.toString(cluster.port(index)), cluster.initialHosts(), Integer.toString(expectedVotes)));
        ChildProcess child = new ChildProcess(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        try {
            child.expect("READY");
            cluster.awaitView(index + 1);
            return child;
        } catch (Exception | AssertionError e) {
            child.close();
            throw e;
        }
    }

    /** Sends {@code command} and waits for its {@code OK}. */
    void command(String command) throws Exception {
        in.println(command);
        expect("OK " + command);
    }

    /** Sends a command that answers with one line before its OK (e.g. {@code TRY}) and returns that line. */
    String attempt(String command) throws Exception {
        in.println(command);
        String answer = readLine();
        expect("OK " + command);
        return answer;
    }

    /** Sends a command answered by lines up to its OK and returns them all. */
    List<String> lines(String command) throws Exception {
        in.println(command);
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); !("OK " + command).equals(line); line = readLine()) {
            assertThat(line).as("child answered " + command + " before its output ended").isNotNull();
            lines.add(line);
        }
        return lines;
    }

    /** SIGKILL, as {@link Process#destroyForcibly()} sends it, and waits for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the whole JVM stops where it is, as in a long GC pause. */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT: the JVM goes on from where it stopped, its clocks having moved on. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name + " sent").isTrue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Reads lines until {@code expected}, ignoring anything else the child prints. */
    private void expect(String expected) throws Exception {
        for (String line = readLine(); !expected.equals(line); line = readLine()) {
            assertThat(line).as("child said " + expected + " before its output ended").isNotNull();
        }
    }

    /** The child's next line (null when its output ended), waiting at most 60 s. */
    private String readLine() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
    }
}
