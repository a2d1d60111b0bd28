package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in this JVM and a third in a child JVM, all on 127.0.0.1 TCP, two votes expected.
 * The child masters a tree and holds locks, then is killed with SIGKILL
 * ({@link Process#destroyForcibly()}): the survivors keep their grants, the dead node's locks go,
 * and its EX value block is not valid. Or the child is cut off (a JGroups DISCARD in its stack):
 * alone it is a minority, and grants nothing, not even on its own tree, until it merges back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterProcessCrashTest {
    @Test
    void killingANodeProcessFreesItsLocksAndRebuildsTheTreesItMastered() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("process-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2));
             Child child = Child.join(cluster)) {
            LockOwner keeper = cluster.node(0).newOwner("keeper");
            keeper.enqueue(LockRequest.of("vb", LockMode.NL).withFlags(LockFlag.VALBLK));
            child.command("ENQ child-tree PR");
            child.command("ENQ vb EX VALBLK");
            Lock survivorGrant = keeper.enqueue("child-tree", LockMode.PR);
            LockOwner waiter = cluster.node(1).newOwner("waiter");
            Lock valueWaiter = waiter.enqueueAsync(LockRequest.of("vb", LockMode.PR).withFlags(LockFlag.VALBLK));
            Lock treeWaiter = waiter.enqueueAsync(LockRequest.of("child-tree", LockMode.EX));
            ClusterTestSupport.awaitTrue("the value reader waits on node 0",
                    () -> cluster.node(0).resource(Namespace.group(0), List.of("vb"))
                            .map(r -> r.waiting().size()).orElse(0) == 1);

            assertThat(cluster.nodes).as("the child masters child-tree")
                    .noneMatch(n -> n.resource(Namespace.group(0), List.of("child-tree")).isPresent());

            child.kill();

            valueWaiter.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(valueWaiter.status()).isEqualTo(LockStatus.VALNOTVALID);
            cluster.awaitView(2);
            assertThat(survivorGrant.grantedMode()).isEqualTo(LockMode.PR);
            assertThat(treeWaiter.queue()).contains(LockQueue.WAITING);
            keeper.dequeue(survivorGrant);
            treeWaiter.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(treeWaiter.grantedMode()).isEqualTo(LockMode.EX);
        }
    }

    @Test
    void aPartitionedChildProcessGrantsNothingUntilItMergesBack() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("process-cut-" + System.nanoTime(), 2,
                b -> b.expectedVotes(2));
             Child child = Child.join(cluster)) {
            child.command("ENQ child-tree NL"); // the child masters child-tree
            Lock majorityCopy = cluster.node(0).newOwner("reader").enqueue("child-tree", LockMode.PR);

            child.command("CUT");
            child.command("AWAIT-NO-LEASE");
            // compatible with everything held there: only the lease (then the lost quorum) stops it
            assertThat(child.attempt("TRY child-tree CR 1000")).isEqualTo("STATUS TIMEOUT");
            cluster.awaitView(2);
            Lock majorityGrant = cluster.node(1).newOwner("writer").enqueue("free", LockMode.EX);

            assertThat(majorityGrant.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(majorityCopy.grantedMode()).as("the majority keeps its grant in the rebuilt tree")
                    .isEqualTo(LockMode.PR);
            child.command("HEAL");
            cluster.awaitView(3);
            assertThat(child.attempt("TRY child-tree CR 20000")).isEqualTo("STATUS GRANTED");
        }
    }

    /** Node n2 of a test cluster in a child JVM, driven through {@link ClusterChildNode}'s commands. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;

        private Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        /** Starts the child as node n2 of {@code cluster} and waits until all three nodes see each other. */
        static Child join(ClusterTestSupport cluster) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-Djava.net.preferIPv4Stack=true",
                    "-Dlocksmith.fd.timeout=2000", "-Dlocksmith.fd.interval=500", "-Dlocksmith.verify.timeout=500",
                    "-Dlocksmith.join.timeout=500", "-cp", System.getProperty("java.class.path"),
                    ClusterChildNode.class.getName(), cluster.clusterName(), "n2", Integer.toString(cluster.port(2)),
                    cluster.initialHosts(), "2"));
            Child child = new Child(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            try {
                child.expect("READY");
                cluster.awaitView(3);
                return child;
            } catch (Exception | AssertionError e) {
                child.close();
                throw e;
            }
        }

        void command(String command) throws Exception {
            in.println(command);
            expect("OK " + command);
        }

        /** Sends a {@code TRY} command and returns the {@code STATUS} line the child printed before its OK. */
        String attempt(String command) throws Exception {
            in.println(command);
            String status = readLine();
            expect("OK " + command);
            return status;
        }

        /** SIGKILL, as {@link Process#destroyForcibly()} sends it, and waits for the process to end. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
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
}
