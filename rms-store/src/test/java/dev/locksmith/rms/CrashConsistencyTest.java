package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM in the middle of a load and checks the file it leaves: it opens, the
 * structure is consistent, every index agrees with the data, and the records present are exactly a
 * prefix of the load order (each put entirely there or not at all). A descending load is killed too:
 * it retires home buckets crowded by RRVs, the split that touches the most buckets at once.
 */
class CrashConsistencyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after {0} puts")
    @ValueSource(ints = {1000, 2500, 4000, 6000, 9000})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fileKilledDuringALoadReopensConsistent(int killAfter) throws Exception {
        AnalysisReport report = killAndCheck(CrashLoader.Order.RANDOM, killAfter);
        assertThat(report.recordCount()).as("records durable at the kill").isGreaterThan(0);
    }

    @ParameterizedTest(name = "killed after {0} puts")
    @ValueSource(ints = {3000, 7000})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fileKilledDuringALoadThatRetiresRrvBucketsReopensConsistent(int killAfter) throws Exception {
        AnalysisReport report = killAndCheck(CrashLoader.Order.DESCENDING, killAfter);
        assertThat(report.structures().get(0).rrvBuckets()).as("home buckets retired before the kill").isPositive();
    }

    /**
     * Runs {@link CrashLoader} in a child JVM, kills it after {@code killAfter} reported puts, and
     * checks the reopened file: consistent, and holding exactly a prefix of the load order.
     */
    private AnalysisReport killAndCheck(CrashLoader.Order order, int killAfter) throws Exception {
        Path path = dir.resolve("crash.rms");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashLoader.class.getName(),
                path.toString(), order.name())
                .redirectErrorStream(true)
                .start();
        int stored = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (stored < killAfter && (line = out.readLine()) != null) {
                if (line.startsWith("STORED ")) {
                    stored = Integer.parseInt(line.substring(7));
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(stored).as("child reached the kill point").isGreaterThanOrEqualTo(killAfter);

        try (RmsFile file = RmsFile.open(path)) {
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            long present = report.recordCount();
            assertThat(report.structures()).allSatisfy(s -> assertThat(s.records()).isEqualTo(present));
            List<Integer> loaded = CrashLoader.order(order);
            RecordStream stream = file.stream();
            for (int i = 0; i < present; i++) {
                byte[] expected = CrashLoader.record(loaded.get(i));
                assertThat(stream.get(0, Arrays.copyOf(expected, 10))).isEqualTo(expected);
            }
            System.out.println(order + " load killed after " + stored + " puts reported; " + present + " records present");
            return report;
        }
    }
}
