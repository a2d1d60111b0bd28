package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM ({@link DirtyBufferCrashChild}) while its global buffers hold updates
 * not yet written to storage, then reopens the file: it is consistent, every update before the last
 * flush is there, and the updates present are exactly a prefix of those made (the buffers write
 * their dirty buckets back as one change set, whether for a flush or an eviction).
 */
class DirtyBufferCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFileKilledWithDirtyBuffersReopensWithAPrefixOfTheUpdatesHoldingEveryFlushedOne() throws Exception {
        Path path = dir.resolve("dirty.rms");
        Process child = ChildJvm.start(DirtyBufferCrashChild.class, List.of(), path.toString());
        long flushed = 0;
        int flushes = 0;
        long updated = 0;
        long dirtyAtKill = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts[0].equals("FLUSHED")) {
                    flushed = Long.parseLong(parts[1]);
                    flushes++;
                } else if (parts[0].equals("UPDATED")) {
                    updated = Long.parseLong(parts[1]);
                    dirtyAtKill = Long.parseLong(parts[2]);
                    // Past a few flushes and round boundaries, mid-way between two flushes, buffers dirty.
                    if (flushes >= 4 && updated - flushed >= DirtyBufferCrashChild.FLUSH_EVERY / 2 && dirtyAtKill > 0) {
                        break;
                    }
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dirtyAtKill).as("dirty buckets when the child was killed").isPositive();

        try (RmsFile file = RmsFile.open(path)) {
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.recordCount()).isEqualTo(DirtyBufferCrashChild.RECORDS);
            long[] present = new long[DirtyBufferCrashChild.RECORDS];
            RecordStream stream = file.stream();
            for (int i = 0; i < present.length; i++) {
                String record = Records.text(stream.get(0, Records.ascii(DirtyBufferCrashChild.key(i))));
                present[i] = Long.parseLong(record.substring(8, 20));
            }
            long prefix = -1;
            // The child may have made a few more updates than it had printed when it died.
            for (long p = flushed; p <= updated + DirtyBufferCrashChild.PER_ROUND && prefix < 0; p++) {
                if (isStateAfter(present, p)) {
                    prefix = p;
                }
            }
            System.out.println("killed after " + updated + " updates reported, " + flushed + " flushed, " + dirtyAtKill
                    + " buckets dirty; the file holds the first " + prefix);
            assertThat(prefix).as("updates present: a prefix of those made, holding every flushed one")
                    .isGreaterThanOrEqualTo(flushed);
        }
    }

    private static boolean isStateAfter(long[] present, long updates) {
        for (int i = 0; i < present.length; i++) {
            if (present[i] != DirtyBufferCrashChild.versionAfter(i, updates)) {
                return false;
            }
        }
        return true;
    }
}
