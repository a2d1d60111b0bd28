package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.sample.it.crash.CrashServlet;
import dev.locksmith.sample.it.crash.CrashingOrder;
import dev.locksmith.sample.it.crash.HaltInCommit;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WildFly killed between prepare and commit: an order's transaction has prepared the Locksmith
 * branch (the stock record) and the H2 branch (the order rows), Narayana has logged its decision to
 * commit, and the server halts inside the commit of a test resource enlisted first. After a
 * restart the store takes the branch back in doubt with its locks, and Narayana's periodic
 * recovery commits both sides: the stock is decremented, the order is there, nothing stays in doubt.
 *
 * <p>This test runs a server of its own (not Arquillian's, which it cannot kill and restart): the
 * unpacked WildFly with its own base directory under {@code target/crash-server} and its ports
 * moved by {@code wildfly.port.offset + 50}, the sample EAR plus the crash hook deployed from
 * {@code deployments/}.
 */
class CrashRecoveryIT {

    private static final int OFFSET = Server.offset() + 50;
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final Path BASE = Path.of("target", "crash-server").toAbsolutePath();

    private Process server;

    @Test
    void recoveryCommitsBothSidesOfATransactionCutBetweenPrepareAndCommit() throws Exception {
        prepareServer();
        SampleApi api = new SampleApi(OFFSET);
        String item = "C" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        start();
        awaitUp(api);
        api.addItem(item, "crash", 10);

        SampleApi.Answer crash = api.postQuietly(Server.http(OFFSET, "locksmith-crash/crash"),
                SampleApi.form("item", item, "quantity", 3));
        assertThat(crash).as("the request dies with the server").isNull();
        assertThat(server.waitFor(2, TimeUnit.MINUTES)).as("the server halted").isTrue();
        assertThat(Files.readString(log())).contains("HaltInCommit: halting the server inside commit");

        Files.move(log(), BASE.resolve("log").resolve("server-before-crash.log"), StandardCopyOption.REPLACE_EXISTING);
        start();
        awaitUp(api);
        assertThat(Files.readString(log())).as("the store reopened with the prepared branch")
                .contains("is in doubt, its locks held until the transaction manager commits or rolls it back");
        JsonObject recovered = until(() -> {
            JsonObject d = api.get("dashboard").object();
            JsonObject tx = d.getJsonObject("transactions");
            JsonObject it = api.item(item);
            return tx.getInt("inDoubt") == 0 && tx.getJsonNumber("h2InDoubt").longValue() == 0
                    && it.getJsonNumber("quantity").longValue() == 7 ? it : null;
        });
        assertThat(recovered.getJsonNumber("ordered").longValue()).as("the order rows committed in H2").isEqualTo(3);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            if (!server.waitFor(1, TimeUnit.MINUTES)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly().waitFor();
            }
        }
    }

    /** A fresh base directory: the unpacked server's configuration, the sample EAR with the crash hook. */
    private static void prepareServer() throws IOException {
        Path home = Path.of(System.getProperty("jboss.home"));
        deleteTree(BASE);
        copyTree(home.resolve("standalone").resolve("configuration"), BASE.resolve("configuration"));
        Files.createDirectories(BASE.resolve("deployments"));
        File sample = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        EnterpriseArchive sampleEar = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, sample);
        // The sample's modules without its application.xml (which would hide the crash modules); the
        // web module is renamed so that its context root stays /locksmith-sample.
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, "locksmith-crash.ear")
                .add(sampleEar.get("/locksmith.rar").getAsset(), "locksmith.rar")
                .add(sampleEar.get("/locksmith-sample-ejb.jar").getAsset(), "locksmith-sample-ejb.jar")
                .add(sampleEar.get("/locksmith-sample-web.war").getAsset(), "locksmith-sample.war")
                .add(sampleEar.get("/META-INF/locksmith-orders-ds.xml").getAsset(), "META-INF/locksmith-orders-ds.xml")
                .addAsModule(ShrinkWrap.create(JavaArchive.class, "locksmith-crash-ejb.jar")
                        .addClasses(CrashingOrder.class, HaltInCommit.class))
                .addAsModule(ShrinkWrap.create(WebArchive.class, "locksmith-crash.war").addClass(CrashServlet.class));
        ear.as(ZipExporter.class).exportTo(BASE.resolve("deployments").resolve("locksmith-crash.ear").toFile(), true);
    }

    private void start() throws IOException {
        Path home = Path.of(System.getProperty("jboss.home"));
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin").resolve("standalone.sh").toString(),
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.server.base.dir=" + BASE,
                "-Djboss.socket.binding.port-offset=" + OFFSET,
                "-DRecoveryEnvironmentBean.periodicRecoveryPeriod=3",
                "-DRecoveryEnvironmentBean.recoveryBackoffPeriod=1");
        pb.environment().put("JBOSS_HOME", home.toString());
        pb.environment().put("JAVA_OPTS", "-Xms64m -Xmx512m");
        pb.redirectErrorStream(true).redirectOutput(BASE.resolve("console.log").toFile());
        server = pb.start();
    }

    private Path log() {
        return BASE.resolve("log").resolve("server.log");
    }

    private void awaitUp(SampleApi api) {
        until(() -> {
            if (!server.isAlive()) {
                throw new AssertionError("the crash server exited with " + server.exitValue() + "; see " + BASE);
            }
            SampleApi.Answer a = api.getQuietly("stock");
            return a != null && a.status() == 200 ? a : null;
        });
    }

    private static <T> T until(Supplier<T> probe) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not reached within " + PATIENCE + "; server files in " + BASE);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.toString().contains("standalone_xml_history")) {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path f : all) {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
