package dev.locksmith.rms;

import static dev.locksmith.rms.RecordLockTest.awaitTrue;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.rms.cache.BufferStatistics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deferred writes of global buffers: with {@link Durability#DEFERRED}, an update of one bucket stays
 * dirty in the buffers (storage keeps the old image) and goes to storage when the file is flushed
 * or closed, when the bucket is evicted, when the write-behind delay is up, and before another
 * node is let read it.
 */
class GlobalBufferWriteBehindTest extends BufferFixture {
    /** A commit interval no test outlasts: only what a test does writes dirty buckets back. */
    private static final RmsFile.Options NO_TIMER = new RmsFile.Options(64, 3_600_000).withGlobalBuffers(16);


    private RmsFile create(RmsFile.Options options, int records) {
        file = RmsFile.create(dir.resolve("deferred.rms"), indexed(30), options, writeShared(manager));
        load(file, records);
        return file;
    }

    /** Puts records 0..records-1 at value v0 ({@link GlobalBuffersTest#key} keys), in one service. */
    static void load(RmsFile file, int records) {
        try (RecordStream loader = file.stream()) {
            List<byte[]> rows = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                rows.add(row(GlobalBuffersTest.key(i), "v0"));
            }
            loader.putAll(rows);
        }
    }

    /** Reads record {@code i} with a record lock and updates it to {@code value}. */
    static void update(RmsFile file, int i, String value) {
        try (RecordStream writer = file.stream()) {
            writer.get(0, ascii(GlobalBuffersTest.key(i)));
            writer.update(row(GlobalBuffersTest.key(i), value));
        }
    }

    /** Whether any bucket in storage (read past the buffers) holds {@code text}. */
    static boolean storageHolds(RmsFile file, String text) {
        byte[] wanted = text.getBytes(StandardCharsets.US_ASCII);
        for (long bucket = 2; bucket < file.access().state().nextBucket(); bucket++) {
            var image = file.access().readIfPresent(bucket);
            if (image != null && indexOf(image.image(), wanted) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void anUpdateStaysDirtyInTheBuffersAndIsReadFromThemWithNoLockManagerCall() {
        create(NO_TIMER, 10);
        file.flush();
        BufferStatistics before = file.bufferStatistics().orElseThrow();
        update(file, 3, "dirty1");

        assertThat(file.buffers().dirtyBuckets()).isEqualTo(1);
        assertThat(storageHolds(file, "dirty1")).as("storage still has the old image").isFalse();
        long calls = lockCalls(manager);
        RecordStream reader = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
        assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(3))))).startsWith(GlobalBuffersTest.key(3) + "dirty1");
        assertThat(lockCalls(manager) - calls).isZero();
        assertThat(file.bufferStatistics().orElseThrow().minus(before).deferredWrites()).isEqualTo(1);
    }

    @Test
    void manyUpdatesOfOneBucketCostOneStorageWriteAtTheFlush() {
        create(NO_TIMER, 10);
        for (int round = 1; round <= 20; round++) {
            update(file, round % 10, "r" + round);
        }
        BufferStatistics before = file.bufferStatistics().orElseThrow();

        file.flush();

        assertThat(file.buffers().dirtyBuckets()).isZero();
        assertThat(file.bufferStatistics().orElseThrow().minus(before).writeBacks()).as("buckets written").isEqualTo(1);
        assertThat(storageHolds(file, "r20")).isTrue();
    }

    @Test
    void closingTheFileWritesTheDirtyBucketsBack() {
        create(NO_TIMER, 10);
        update(file, 4, "closed");
        file.close();

        file = RmsFile.open(dir.resolve("deferred.rms"), RmsFile.Options.DEFAULT, writeShared(manager));
        assertThat(text(file.stream().get(0, ascii(GlobalBuffersTest.key(4))))).startsWith(GlobalBuffersTest.key(4) + "closed");
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
    }

    @Test
    void evictingADirtyBucketWritesItBackFirst() {
        create(NO_TIMER.withGlobalBuffers(2), 400);
        update(file, 0, "evicted");
        assertThat(file.buffers().dirtyBuckets()).isEqualTo(1);

        RecordStream reader = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
        for (int i = 0; i < 400; i += 7) {
            reader.get(0, ascii(GlobalBuffersTest.key(i)));
        }

        assertThat(file.buffers().dirtyBuckets()).isZero();
        assertThat(storageHolds(file, "evicted")).isTrue();
        assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(0))))).startsWith(GlobalBuffersTest.key(0) + "evicted");
    }

    @Test
    void theWriteBehindDelayWritesDirtyBucketsBackWithNoOneAsking() {
        create(new RmsFile.Options(64, 20).withGlobalBuffers(16), 10);
        update(file, 5, "timed");

        awaitTrue("the write-behind delay wrote the bucket back", () -> file.buffers().dirtyBuckets() == 0);
        assertThat(storageHolds(file, "timed")).isTrue();
    }

    @Test
    void withCommitDurabilityEveryUpdateIsInStorageWhenItReturns() {
        create(NO_TIMER.withDurability(Durability.COMMIT), 10);
        update(file, 6, "through");

        assertThat(file.buffers().dirtyBuckets()).isZero();
        assertThat(storageHolds(file, "through")).isTrue();
        assertThat(file.bufferStatistics().orElseThrow().deferredWrites()).isZero();
    }

    @Test
    void aChangeOfSeveralBucketsGoesToStorageTogetherWithTheDirtyOnes() {
        create(NO_TIMER.withGlobalBuffers(1000), 10);
        update(file, 1, "first");
        BufferStatistics before = file.bufferStatistics().orElseThrow();
        try (RecordStream writer = file.stream()) {
            writer.putAll(GlobalBuffersTest.newRecords(100)); // splits buckets: changes of several
        }

        assertThat(file.bufferStatistics().orElseThrow().minus(before).evictions()).isZero();
        assertThat(storageHolds(file, "first")).isTrue();
        assertThat(storageHolds(file, "N0000050")).as("the split's buckets").isTrue();
    }

    @Test
    void aReadOnAnotherNodeHasTheWriterWriteItsDirtyBucketBackBeforeItsLockIsLowered() {
        try (TwoNodes nodes = new TwoNodes()) {
            Path path = dir.resolve("two.rms");
            RmsFile on0 = RmsFile.create(path, indexed(30), NO_TIMER, writeShared(nodes.node0));
            RmsFile on1 = null;
            try {
                load(on0, 10);
                on1 = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(nodes.node1));
                update(on0, 2, "node0");
                assertThat(on0.buffers().dirtyBuckets()).isEqualTo(1);
                BufferStatistics before = on0.bufferStatistics().orElseThrow();

                RecordStream reader = on1.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
                assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(2))))).startsWith(GlobalBuffersTest.key(2) + "node0");

                BufferStatistics seen = on0.bufferStatistics().orElseThrow().minus(before);
                assertThat(seen.blockingCallbacks()).isPositive();
                assertThat(seen.writeBacks()).isEqualTo(1);
                assertThat(on0.buffers().dirtyBuckets()).isZero();
            } finally {
                TwoNodes.closeAll(on1, on0);
            }
        }
    }
}
