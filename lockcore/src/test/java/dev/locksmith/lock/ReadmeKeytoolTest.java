package dev.locksmith.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.locksmith.lock.cluster.ClusterLockManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's keytool command makes the key store its cluster example reads. */
class ReadmeKeytoolTest {
    private static final Path README = Path.of("../README.md");
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    @Test
    void theReadmesKeytoolCommandMakesAKeyStoreTheClusterBuilderAccepts() throws IOException, InterruptedException {
        String line = Files.readAllLines(README).stream().filter(l -> l.startsWith("keytool -genseckey")).findFirst()
                .orElseThrow(() -> new AssertionError("the README has no keytool -genseckey line"));
        List<String> command = new ArrayList<>(Arrays.asList(line.split(" +")));
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        ProcessBuilder keytool = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        keytool.environment().put("LOCKSMITH_KEYSTORE_PASSWORD", PASSWORD);
        Process process = keytool.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(dir.resolve("cluster.p12")).exists();
        assertThatCode(() -> ClusterLockManager.builder().keyStore(dir.resolve("cluster.p12"), "locksmith",
                PASSWORD.toCharArray())).doesNotThrowAnyException();
    }
}
