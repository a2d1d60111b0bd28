package dev.locksmith.rms;

import static dev.locksmith.rms.RecordLockTest.awaitTrue;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.rms.cache.BufferStatistics;
import dev.locksmith.rms.lock.FileLocks;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Global buffers on one node (an embedded lock manager): cached reads make no lock-manager call, a
 * blocking callback lowers a cached bucket lock, the next read revalidates it by the value block's
 * version, and a small cache evicts.
 */
class GlobalBuffersTest extends BufferFixture {
    private static final RecordOptions NO_RECORD_LOCKS = RecordOptions.of(RecordOption.NQL);


    private RmsFile create(int globalBuffers, int records) {
        file = RmsFile.create(dir.resolve("buffered.rms"), indexed(30), RmsFile.Options.DEFAULT.withGlobalBuffers(globalBuffers),
                writeShared(manager));
        try (RecordStream loader = file.stream()) {
            List<byte[]> rows = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                rows.add(row(key(i), "v0"));
            }
            loader.putAll(rows);
        }
        return file;
    }

    static String key(int i) {
        return String.format("K%07d", i);
    }

    private RecordStream reader() {
        return file.stream(StreamOptions.DEFAULT.withRecordOptions(NO_RECORD_LOCKS));
    }

    @Test
    void aSecondReadOfTheSameRecordMakesNoLockManagerCall() {
        create(16, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));

        long before = lockCalls(manager);
        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v0");
        assertThat(text(reader.get(0, ascii(key(7))))).startsWith(key(7) + "v0");

        assertThat(lockCalls(manager) - before).isZero();
        assertThat(file.bufferStatistics()).get().satisfies(s -> assertThat(s.hits()).isPositive());
    }

    @Test
    void withoutGlobalBuffersEveryReadConvertsTheTreeLock() {
        create(0, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));

        long before = lockCalls(manager);
        reader.get(0, ascii(key(3)));

        assertThat(lockCalls(manager) - before).isEqualTo(2);
        assertThat(file.bufferStatistics()).isEmpty();
        assertThat(file.globalBufferCount()).isZero();
    }

    @Test
    void aChangeMadeOnTheNodeIsReadFromTheBuffersWithNoLockManagerCall() {
        create(16, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));
        try (RecordStream writer = file.stream()) {
            writer.get(0, ascii(key(3)));
            writer.update(row(key(3), "v1"));
        }
        reader.get(0, ascii(key(3)));

        long before = lockCalls(manager);
        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v1");
        assertThat(lockCalls(manager) - before).isZero();
    }

    @Test
    void aBlockingCallbackLowersTheCachedLocksAndTheNextReadRevalidatesWithoutRereading() throws Exception {
        create(16, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));
        BufferStatistics before = file.bufferStatistics().orElseThrow();

        intrude(lock -> { });
        BufferStatistics lowered = file.bufferStatistics().orElseThrow().minus(before);
        assertThat(lowered.blockingCallbacks()).isPositive();

        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v0");
        BufferStatistics after = file.bufferStatistics().orElseThrow().minus(before);
        assertThat(after.revalidations()).isPositive();
        assertThat(after.rereads()).isZero();
    }

    @Test
    void aNewVersionInTheValueBlockMakesTheNextReadGoToStorage() throws Exception {
        create(16, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));
        BufferStatistics before = file.bufferStatistics().orElseThrow();

        intrude(lock -> lock.setValueBlock(ByteBuffer.allocate(16).putLong(Long.MAX_VALUE).array()));

        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v0");
        assertThat(file.bufferStatistics().orElseThrow().minus(before).rereads()).isPositive();
    }

    @Test
    void aValueBlockLeftNotValidByAWriterThatDiedMakesTheNextReadGoToStorage() throws Exception {
        create(16, 10);
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));
        BufferStatistics before = file.bufferStatistics().orElseThrow();

        LockOwner dying = manager.newOwner("dying writer");
        Lock root = dying.enqueue(LockRequest.of(file.locks().fileLockName(), LockMode.NL).withFlags(LockFlag.SYSTEM));
        for (long bucket = 2; bucket < file.access().state().nextBucket(); bucket++) {
            dying.enqueue(LockRequest.of(FileLocks.bucketName(bucket), LockMode.EX).withParent(root).withFlags(LockFlag.VALBLK));
        }
        dying.abort();

        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v0");
        assertThat(file.bufferStatistics().orElseThrow().minus(before).rereads()).isPositive();
    }

    @Test
    void afterAnAdministratorClearedTheBuffersLocksTheNextReadTakesThemAfresh() {
        create(16, 10);
        file.flush(); // nothing dirty: the clear loses nothing (GlobalBufferClearTest: when it does)
        RecordStream reader = reader();
        reader.get(0, ascii(key(3)));
        LockOwner buffers = manager.owners().stream().filter(o -> o.name().startsWith("rms global buffers")).findFirst()
                .orElseThrow();
        BufferStatistics before = file.bufferStatistics().orElseThrow();

        assertThat(manager.clearOwner(manager.adminCapability(), buffers.id())).isPositive();

        assertThat(text(reader.get(0, ascii(key(3))))).startsWith(key(3) + "v0");
        assertThat(file.bufferStatistics().orElseThrow().minus(before).misses()).as("copies read again").isPositive();
        assertThat(manager.locks()).anyMatch(l -> l.owner().equals(buffers.name()) && l.resourceName().equals("BKT 1"));
    }

    @Test
    void settingTheGlobalBufferCountThroughAReadOnlyOpenerIsRefusedWithFacAndChangesNothing() {
        create(16, 10);
        try (RmsFile readOnly = RmsFile.open(file.path(), RmsFile.Options.DEFAULT, sharing(EnumSet.of(FileAccess.GET),
                EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD, FileShare.SHRDEL), manager))) {
            assertThatThrownBy(() -> readOnly.setGlobalBufferCount(4)).isInstanceOfSatisfying(RmsException.class,
                    e -> assertThat(e.status()).isEqualTo(RmsStatus.FAC));
            assertThatThrownBy(() -> file.setGlobalBufferCount(40_000)).isInstanceOfSatisfying(RmsException.class,
                    e -> assertThat(e.status()).isEqualTo(RmsStatus.IAL));
        }
        file.close();
        file = RmsFile.open(dir.resolve("buffered.rms"), RmsFile.Options.DEFAULT, writeShared(manager));
        assertThat(file.definition().globalBufferCount()).isZero();
        assertThat(file.globalBufferCount()).isZero();
    }

    /**
     * Takes every data and index bucket of the file in EX under an owner of its own (so it waits
     * until the buffers' callbacks lowered their locks), gives {@code beforeDequeue} each lock,
     * and dequeues them writing their value blocks.
     */
    private void intrude(Consumer<Lock> beforeDequeue) throws InterruptedException {
        try (LockOwner intruder = manager.newOwner("intruder")) {
            Lock root = intruder.enqueue(LockRequest.of(file.locks().fileLockName(), LockMode.NL).withFlags(LockFlag.SYSTEM));
            long next = file.access().state().nextBucket();
            for (long bucket = 2; bucket < next; bucket++) {
                Lock lock = intruder.enqueue(LockRequest.of(FileLocks.bucketName(bucket), LockMode.EX).withParent(root)
                        .withFlags(LockFlag.VALBLK));
                beforeDequeue.accept(lock);
                intruder.dequeue(lock, LockFlag.VALBLK);
            }
        }
    }

    @Test
    void aSmallCacheEvictsAndStillReadsEveryRecordRight() {
        create(2, 400);
        RecordStream reader = reader();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 400; i += 7) {
                assertThat(text(reader.get(0, ascii(key(i))))).startsWith(key(i) + "v0");
            }
        }
        try (RecordStream writer = file.stream()) {
            for (int i = 0; i < 400; i += 5) {
                writer.get(0, ascii(key(i)));
                writer.update(row(key(i), "v1"));
            }
        }
        for (int i = 0; i < 400; i++) {
            assertThat(text(reader.get(0, ascii(key(i))))).startsWith(key(i) + (i % 5 == 0 ? "v1" : "v0"));
        }
        BufferStatistics stats = file.bufferStatistics().orElseThrow();
        assertThat(stats.evictions()).isPositive();
        long bucketLocks = manager.locks().stream().filter(l -> l.owner().startsWith("rms global buffers")
                && l.resourceName().startsWith("BKT ") && !l.resourceName().equals("BKT 1")).count();
        assertThat(bucketLocks).as("bucket locks the buffers hold").isLessThanOrEqualTo(2);
    }

    /** Bucket locks (not the tree's) the buffers hold now. */
    private long cachedBucketLocks() {
        return manager.locks().stream().filter(l -> l.owner().startsWith("rms global buffers")
                && l.resourceName().startsWith("BKT ") && !l.resourceName().equals("BKT 1")).count();
    }

    private void readEvery(int records, String value) {
        RecordStream reader = reader();
        for (int i = 0; i < records; i++) {
            assertThat(text(reader.get(0, ascii(key(i))))).startsWith(key(i) + value);
        }
    }

    @Test
    void aSmallerGlobalBufferCountEvictsAtOnceFromTheOpenFile() {
        create(16, 400);
        readEvery(400, "v0");
        assertThat(file.buffers().size()).isEqualTo(16);

        file.setGlobalBufferCount(4);

        assertThat(file.globalBufferCount()).isEqualTo(4);
        assertThat(file.buffers().size()).isLessThanOrEqualTo(4);
        assertThat(cachedBucketLocks()).isLessThanOrEqualTo(4);
        readEvery(400, "v0");
        assertThat(file.buffers().size()).isLessThanOrEqualTo(4);
    }

    @Test
    void aLargerGlobalBufferCountLetsTheOpenFileCacheMore() {
        create(4, 400);
        file.setGlobalBufferCount(64);
        readEvery(400, "v0");

        assertThat(file.globalBufferCount()).isEqualTo(64);
        assertThat(file.buffers().size()).isGreaterThan(4);
    }

    @Test
    void readersAndWritersOnSeveralStreamsNeverReadAStaleOrUncommittedVersion() throws Exception {
        file = RmsFile.create(dir.resolve("checked.rms"), indexed(30), RmsFile.Options.DEFAULT.withGlobalBuffers(4),
                writeShared(manager));
        CoherenceChecker.load(file);
        CoherenceChecker checker = new CoherenceChecker();
        checker.run(List.of(file, file), List.of(file), 3, Duration.ofSeconds(2));

        assertThat(checker.failure()).isNull();
        assertThat(checker.violation()).isNull();
        assertThat(checker.reads.get()).isPositive();
        assertThat(checker.writes.get()).isPositive();
    }

    @Test
    void evenUnderContentionPolicyNeverAWriterIsServedBeforeReadersThatCameAfterIt() throws Exception {
        create(16, 10);
        assertThat(file.sharing().contention()).isEqualTo(ContentionPolicy.NEVER);
        try (HeldReader held = new HeldReader(file, manager.newOwner("held reader"))) {
            // Many new records split buckets: a change readers must not see in part, so it waits for them.
            RecordStream writing = file.stream();
            CompletableFuture<List<Rfa>> writer = CompletableFuture.supplyAsync(() -> writing.putAll(newRecords(100)),
                    ClusterGlobalBuffersTest.runOnOwnThread());
            awaitTrue("the writer waits for the reader inside", () -> file.buffers().waitingServices() == 1);
            CompletableFuture<String> later = CompletableFuture.supplyAsync(() -> text(reader().get(0, ascii("N0000050"))),
                    ClusterGlobalBuffersTest.runOnOwnThread());
            awaitTrue("the later reader waits behind the writer", () -> file.buffers().waitingServices() == 2);

            held.leave();
            assertThat(writer.get(30, TimeUnit.SECONDS)).hasSize(100);
            assertThat(later.get(30, TimeUnit.SECONDS)).startsWith("N0000050");
        }
    }

    @Test
    void aChangeOfOneBucketDoesNotWaitForReadersInside() throws Exception {
        create(16, 10);
        try (HeldReader held = new HeldReader(file, manager.newOwner("held reader"))) {
            try (RecordStream writer = file.stream()) {
                writer.get(0, ascii(key(4)));
                writer.update(row(key(4), "v1"));
            }
            assertThat(text(reader().get(0, ascii(key(4))))).startsWith(key(4) + "v1");
            held.leave();
        }
    }

    static List<byte[]> newRecords(int count) {
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(row(String.format("N%07d", i), "new"));
        }
        return rows;
    }

    @Test
    void theCountersAreAnMBeanWhileTheFileIsOpen() throws Exception {
        create(16, 10);
        reader().get(0, ascii(key(1)));
        ObjectName pattern = new ObjectName("dev.locksmith.rms:type=GlobalBuffers,*");
        var names = ManagementFactory.getPlatformMBeanServer().queryNames(pattern, null);
        assertThat(names).anySatisfy(name -> assertThat(
                (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Misses")).isPositive());

        file.close();
        file = null;
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(pattern, null)).isEmpty();
    }

    @Test
    void aNegativeGlobalBufferCountIsRefusedWithIal() {
        assertThatThrownBy(() -> RmsFile.Options.DEFAULT.withGlobalBuffers(-1)).isInstanceOfSatisfying(RmsException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.IAL);
                    assertThat(e.getMessage()).contains("global buffer count is -1");
                });
    }
}
