package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Durability}: a child JVM is killed (SIGKILL) right after it reports that a put returned;
 * the reopened file must hold that record when services commit as they complete.
 */
class DurabilityTest {
    private static final int KILL_AFTER = 300;
    @TempDir
    Path dir;

    /** Starts the writer, kills it as soon as put {@code KILL_AFTER} has returned, and returns that number. */
    private int killRightAfterAPutReturns(Path path, Durability durability) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DurabilityWriter.class.getName(), path.toString(), durability.name())
                .redirectErrorStream(true)
                .start();
        int returned = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (returned < KILL_AFTER && (line = out.readLine()) != null) {
                if (line.startsWith("PUT ")) {
                    returned = Integer.parseInt(line.substring(4));
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(returned).as("child reached the kill point").isEqualTo(KILL_AFTER);
        return returned;
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"COMMIT", "SYNC"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPutThatReturnedIsInTheFileAfterTheProcessIsKilled(Durability durability) throws Exception {
        Path path = dir.resolve("durable.rms");
        int returned = killRightAfterAPutReturns(path, durability);

        try (RmsFile file = RmsFile.open(path)) {
            RecordStream stream = file.stream();
            for (int n = 0; n <= returned; n++) {
                byte[] expected = DurabilityWriter.record(n);
                assertThat(stream.get(0, Arrays.copyOf(expected, 10))).isEqualTo(expected);
            }
            assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deferredDurabilityLosesPutsNotYetCommittedWhenTheProcessIsKilled() throws Exception {
        Path path = dir.resolve("deferred.rms");
        int returned = killRightAfterAPutReturns(path, Durability.DEFERRED);

        try (RmsFile file = RmsFile.open(path)) {
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.recordCount()).isLessThan(returned + 1);
        }
    }

    @Test
    void optionsWithoutADurabilityAreRefusedNamingIt() {
        assertThatThrownBy(() -> new RmsFile.Options(16, 1000, null))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.IAL);
                    assertThat(e.getMessage()).contains("durability");
                });
    }

    @Test
    void optionsWithoutACacheAreRefusedNamingIt() {
        assertThatThrownBy(() -> new RmsFile.Options(0, 1000, Durability.COMMIT))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.IAL);
                    assertThat(e.getMessage()).contains("cacheMegabytes");
                });
    }
}
