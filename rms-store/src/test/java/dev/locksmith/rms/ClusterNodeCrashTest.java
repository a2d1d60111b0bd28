package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.rms.cache.BufferStatistics;
import dev.locksmith.rms.lock.FileLocks;
import dev.locksmith.rms.org.Located;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node that holds a bucket lock in EX dies for real: a child JVM ({@link ClusterNodeChild})
 * killed with SIGKILL. The bucket's value block is then not valid, and the global buffers of a
 * surviving node, whose cached copy carries the version the value block still shows, read the
 * bucket again instead of serving their copy.
 */
class ClusterNodeCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theBuffersOfASurvivorRereadABucketWhoseExHolderWasKilled() throws Exception {
        try (TwoNodes nodes = new TwoNodes(1);
             RmsFile file = RmsFile.create(dir.resolve("survivor.rms"), indexed(30),
                     RmsFile.Options.DEFAULT.withGlobalBuffers(32), writeShared(nodes.node0))) {
            CoherenceChecker.load(file);
            String key = CoherenceChecker.key(7);
            RecordStream reader = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
            reader.get(0, ascii(key));
            long bucket = reader.currentRfa().bucket();

            Process child = ChildJvm.start(ClusterNodeChild.class, List.of("-Xmx128m", "-Djava.net.preferIPv4Stack=true"),
                    nodes.cluster, "n2", Integer.toString(nodes.otherPorts[0]), nodes.hosts, file.locks().fileLockName(),
                    FileLocks.bucketName(bucket));
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                expect(out, "READY");
                expect(out, "HELD"); // granted once node 0's buffers lowered their cached lock

                // What the dead writer got into storage before it died, published by no value block.
                file.access().perform("the killed node's write", true, null, () -> {
                    Located at = file.organization().seek(0, ascii(key), KeyMatch.EQ);
                    file.organization().update(at, row(key, "written-by-n2"));
                    return null;
                });
                BufferStatistics before = file.bufferStatistics().orElseThrow();

                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

                assertThat(text(reader.get(0, ascii(key)))).startsWith(key + "written-by-n2");
                BufferStatistics after = file.bufferStatistics().orElseThrow().minus(before);
                assertThat(after.revalidations()).isPositive();
                assertThat(after.rereads()).as("the copy is read again though its version matches the value block").isPositive();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** Reads the child's lines until {@code expected}, waiting at most 90 s. */
    private static void expect(BufferedReader out, String expected) throws Exception {
        CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals(expected)) {
                        return true;
                    }
                }
                throw new AssertionError("the child ended before it printed " + expected);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(90, TimeUnit.SECONDS);
    }
}
