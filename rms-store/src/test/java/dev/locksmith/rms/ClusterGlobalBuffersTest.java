package dev.locksmith.rms;

import static dev.locksmith.rms.RecordLockTest.awaitTrue;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.rms.cache.BufferStatistics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Global buffers on two nodes of a cluster lock manager (two openers of one file in one JVM, each
 * locking through its own node, so each has buffers of its own over the one storage): no node reads
 * a stale bucket after the other's commit, and a node's cached readers do not keep the other
 * node's writer out.
 */
class ClusterGlobalBuffersTest {
    private static final RecordOptions NO_RECORD_LOCKS = RecordOptions.of(RecordOption.NQL);

    @TempDir
    Path dir;
    TwoNodes nodes;
    RmsFile on0;
    RmsFile on1;

    @BeforeEach
    void start() {
        nodes = new TwoNodes();
        Path path = dir.resolve("buffered.rms");
        on0 = RmsFile.create(path, indexed(30), RmsFile.Options.DEFAULT.withGlobalBuffers(32), writeShared(nodes.node0));
        CoherenceChecker.load(on0);
        on1 = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(nodes.node1));
    }

    @AfterEach
    void stop() {
        TwoNodes.closeAll(on1, on0, nodes);
    }

    @Test
    void eachNodeHasBuffersOfItsOwn() {
        assertThat(on0.globalBufferCount()).isEqualTo(32);
        assertThat(on1.globalBufferCount()).as("the first opener's options apply").isEqualTo(32);
        BufferStatistics before0 = on0.bufferStatistics().orElseThrow();
        BufferStatistics before1 = on1.bufferStatistics().orElseThrow();
        RecordStream reader = on1.stream(StreamOptions.DEFAULT.withRecordOptions(NO_RECORD_LOCKS));
        reader.get(0, ascii(CoherenceChecker.key(1)));

        assertThat(on1.bufferStatistics().orElseThrow().minus(before1).misses()).isPositive();
        assertThat(on0.bufferStatistics().orElseThrow().minus(before0).reads()).isZero();
    }

    @Test
    void aReadAfterTheOtherNodesCommitSeesItAndRereadsOnlyWhatChanged() {
        RecordStream reader = on0.stream(StreamOptions.DEFAULT.withRecordOptions(NO_RECORD_LOCKS));
        String key = CoherenceChecker.key(5);
        reader.get(0, ascii(key));
        BufferStatistics before = on0.bufferStatistics().orElseThrow();

        try (RecordStream writer = on1.stream()) {
            writer.get(0, ascii(key));
            writer.update(row(key, "changed"));
        }

        assertThat(text(reader.get(0, ascii(key)))).startsWith(key + "changed");
        BufferStatistics seen = on0.bufferStatistics().orElseThrow().minus(before);
        assertThat(seen.blockingCallbacks()).isPositive();
        assertThat(seen.rereads()).as("the changed bucket is read again").isPositive();
    }

    @Test
    void readersAndWritersOnBothNodesNeverReadAStaleOrUncommittedVersion() throws Exception {
        CoherenceChecker checker = new CoherenceChecker();
        checker.run(List.of(on0, on1), List.of(on0, on1), 2, Duration.ofSeconds(3));

        assertThat(checker.failure()).isNull();
        assertThat(checker.violation()).isNull();
        assertThat(checker.reads.get()).isPositive();
        assertThat(checker.writes.get()).isPositive();
        assertThat(on0.bufferStatistics().orElseThrow().revalidations()
                + on1.bufferStatistics().orElseThrow().revalidations()).isPositive();
    }

    @Test
    void cachedReadersOnOneNodeDoNotKeepTheOtherNodesWriterOut() throws Exception {
        // Node 0 loaded the file and holds the tree in EX: a read on node 1 has it lowered to PR now,
        // so that what node 0 is asked later is the writer's EX.
        on1.stream(StreamOptions.DEFAULT.withRecordOptions(NO_RECORD_LOCKS)).get(0, ascii(CoherenceChecker.key(1)));
        try (HeldReader held = new HeldReader(on0, nodes.node0.newOwner("held reader"))) {
            // Many new records split buckets: the writer needs the tree in EX, which node 0's reader holds in PR.
            RecordStream writing = on1.stream();
            CompletableFuture<List<Rfa>> writer = CompletableFuture.supplyAsync(
                    () -> writing.putAll(GlobalBuffersTest.newRecords(100)), runOnOwnThread());
            awaitTrue("node 0 queues the lowering of its tree lock behind its reader",
                    () -> on0.buffers().waitingServices() == 1);

            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> text(on0.stream(StreamOptions.DEFAULT
                    .withRecordOptions(NO_RECORD_LOCKS)).get(0, ascii("N0000050"))), runOnOwnThread());
            held.leave();

            assertThat(writer.get(30, TimeUnit.SECONDS)).hasSize(100);
            assertThat(next.get(30, TimeUnit.SECONDS)).as("the reader that came after the writer's request")
                    .startsWith("N0000050");
        }
    }

    /** Each task on a thread of its own: on two cores the common pool may run them one after the other. */
    static java.util.concurrent.Executor runOnOwnThread() {
        return task -> {
            Thread t = new Thread(task);
            t.setDaemon(true);
            t.start();
        };
    }
}
