package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM whose global buffers are warm and written to
 * ({@link GlobalBufferCrashChild}), then reopens the file: it is consistent, and every update the
 * child saw return (durability COMMIT) is there, since with that durability the buffers keep no
 * change (write-behind is for deferred durability: {@link DirtyBufferCrashTest}).
 */
class GlobalBufferCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFileKilledWithWarmGlobalBuffersReopensConsistentWithEveryReturnedUpdate() throws Exception {
        Path path = dir.resolve("warm.rms");
        Process child = ChildJvm.start(GlobalBufferCrashChild.class, List.of(), path.toString());
        Map<Integer, Long> committed = new HashMap<>();
        int updates = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            // Past the first round, so every bucket has been cached, evicted and written.
            while (updates < 1500 && (line = out.readLine()) != null) {
                if (line.startsWith("COMMITTED ")) {
                    String[] parts = line.split(" ");
                    committed.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
                    updates++;
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(updates).as("child reached the kill point").isEqualTo(1500);

        try (RmsFile file = RmsFile.open(path, RmsFile.Options.DEFAULT.withGlobalBuffers(GlobalBufferCrashChild.BUFFERS))) {
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.recordCount()).isEqualTo(GlobalBufferCrashChild.RECORDS);
            RecordStream stream = file.stream();
            for (Map.Entry<Integer, Long> update : committed.entrySet()) {
                String record = Records.text(stream.get(0, Records.ascii(GlobalBufferCrashChild.key(update.getKey()))));
                assertThat(Long.parseLong(record.substring(8, 20))).as("version of key %d", update.getKey())
                        .isGreaterThanOrEqualTo(update.getValue());
            }
        }
    }
}
