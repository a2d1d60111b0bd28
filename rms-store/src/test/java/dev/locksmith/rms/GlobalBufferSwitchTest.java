package dev.locksmith.rms;

import static dev.locksmith.rms.GlobalBufferWriteBehindTest.load;
import static dev.locksmith.rms.GlobalBufferWriteBehindTest.storageHolds;
import static dev.locksmith.rms.GlobalBufferWriteBehindTest.update;
import static dev.locksmith.rms.RecordLockTest.awaitTrue;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RmsFile#setGlobalBufferCount} on an open file: a count above 0 turns global buffers on for
 * a file running without them and 0 turns them off (their dirty buckets written back, their locks
 * given back), for every opener of the file in the JVM at once, never while a service runs.
 */
class GlobalBufferSwitchTest extends BufferFixture {
    /** No write-behind timer within a test: only the switch writes dirty buckets back. */
    private static final RmsFile.Options NO_TIMER = new RmsFile.Options(64, 3_600_000);
    private static final RecordOptions NO_RECORD_LOCKS = RecordOptions.of(RecordOption.NQL);


    private RmsFile create(int globalBuffers) {
        file = RmsFile.create(dir.resolve("switched.rms"), indexed(30), NO_TIMER.withGlobalBuffers(globalBuffers),
                writeShared(manager));
        load(file, 100);
        return file;
    }

    private static RecordStream reader(RmsFile file) {
        return file.stream(StreamOptions.DEFAULT.withRecordOptions(NO_RECORD_LOCKS));
    }


    /** Locks held by any global buffers' system owner. */
    private long bufferLocks() {
        return manager.locks().stream().filter(l -> l.owner().startsWith("rms global buffers")).count();
    }

    @Test
    void aCountAboveZeroTurnsBuffersOnForAFileOpenedWithoutThem() {
        create(0);
        RecordStream reader = reader(file);
        reader.get(0, ascii(GlobalBuffersTest.key(3)));
        assertThat(file.bufferStatistics()).isEmpty();

        file.setGlobalBufferCount(16);

        assertThat(file.globalBufferCount()).isEqualTo(16);
        reader.get(0, ascii(GlobalBuffersTest.key(3)));
        long before = lockCalls(manager);
        assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(3))))).startsWith(GlobalBuffersTest.key(3) + "v0");
        assertThat(lockCalls(manager) - before).as("a cached read makes no lock-manager call").isZero();
        assertThat(file.bufferStatistics()).get().satisfies(s -> assertThat(s.hits()).isPositive());
    }

    @Test
    void everyOpenerOfTheFileInTheJvmSwitchesAtOnce() {
        create(0);
        try (RmsFile other = RmsFile.open(file.path(), RmsFile.Options.DEFAULT, writeShared(manager))) {
            assertThat(other.globalBufferCount()).isZero();

            file.setGlobalBufferCount(8);
            assertThat(other.globalBufferCount()).isEqualTo(8);
            update(other, 5, "v1");
            assertThat(text(reader(file).get(0, ascii(GlobalBuffersTest.key(5))))).startsWith(GlobalBuffersTest.key(5) + "v1");

            other.setGlobalBufferCount(0);
            assertThat(file.globalBufferCount()).isZero();
            assertThat(file.bufferStatistics()).isEmpty();
        }
    }

    @Test
    void anOpenerJoiningAfterTheSwitchUsesTheBuffersToo() {
        create(0);
        file.setGlobalBufferCount(8);

        try (RmsFile later = RmsFile.open(file.path(), RmsFile.Options.DEFAULT.withGlobalBuffers(0), writeShared(manager))) {
            assertThat(later.globalBufferCount()).isEqualTo(8);
        }
    }

    @Test
    void aCountOfZeroWritesTheDirtyBucketsBackAndGivesEveryBufferLockBack() {
        create(16);
        update(file, 9, "dirty");
        assertThat(file.buffers().dirtyBuckets()).isEqualTo(1);
        assertThat(bufferLocks()).isPositive();

        file.setGlobalBufferCount(0);

        assertThat(file.globalBufferCount()).isZero();
        assertThat(file.bufferStatistics()).isEmpty();
        assertThat(bufferLocks()).isZero();
        assertThat(storageHolds(file, "dirty")).as("written back").isTrue();
        RecordStream reader = reader(file);
        reader.get(0, ascii(GlobalBuffersTest.key(9)));
        long before = lockCalls(manager);
        assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(9))))).startsWith(GlobalBuffersTest.key(9) + "dirty");
        assertThat(lockCalls(manager) - before).as("the tree lock converted up and down, as without buffers").isEqualTo(2);
    }

    @Test
    void buffersTurnedOffAndOnAgainReadAndWriteRight() {
        create(16);
        update(file, 1, "v1");
        file.setGlobalBufferCount(0);
        update(file, 2, "v2");
        file.setGlobalBufferCount(4);
        update(file, 3, "v3");

        RecordStream reader = reader(file);
        for (int i = 0; i < 100; i++) {
            String expected = i == 1 ? "v1" : i == 2 ? "v2" : i == 3 ? "v3" : "v0";
            assertThat(text(reader.get(0, ascii(GlobalBuffersTest.key(i))))).startsWith(GlobalBuffersTest.key(i) + expected);
        }
        file.close();
        file = RmsFile.open(dir.resolve("switched.rms"), NO_TIMER, writeShared(manager));
        assertThat(file.globalBufferCount()).as("the count was written into the file").isEqualTo(4);
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
    }

    @Test
    void theSwitchWaitsForARunningServiceAndServicesArrivingMeanwhileWaitForIt() throws Exception {
        create(0);
        try (HeldReader held = new HeldReader(file, manager.newOwner("held reader"))) {
            CompletableFuture<Void> switching = CompletableFuture.runAsync(() -> file.setGlobalBufferCount(16),
                    ClusterGlobalBuffersTest.runOnOwnThread());
            awaitTrue("the switch waits for the running service", () -> file.closeGate().hasQueuedThreads());
            CompletableFuture<String> later = CompletableFuture.supplyAsync(
                    () -> text(reader(file).get(0, ascii(GlobalBuffersTest.key(7)))), ClusterGlobalBuffersTest.runOnOwnThread());
            awaitTrue("the later read waits for the switch", () -> file.closeGate().getQueueLength() == 2);
            assertThat(file.globalBufferCount()).isZero();

            held.leave();
            switching.get(30, TimeUnit.SECONDS);
            assertThat(later.get(30, TimeUnit.SECONDS)).startsWith(GlobalBuffersTest.key(7) + "v0");
            assertThat(file.globalBufferCount()).isEqualTo(16);
        }
    }
}
