package dev.locksmith.rms;

import static dev.locksmith.rms.RecordLockTest.awaitTrue;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SET RMS_DEFAULT/CONTENTION_POLICY}: readers whose services always overlap starve a writer
 * when they never yield (NEVER), and let it in as soon as the readers ahead of it finish (ALWAYS).
 * The readers are reading services held open on purpose ({@link RmsFile#inspect}), handed over one
 * to the next so that one is always inside.
 */
class ContentionPolicyTest {
    private static final byte[] WRITTEN = ascii("W0000001");
    private static final int HANDOVERS = 20;

    @TempDir
    Path dir;
    LockManager manager;
    ExecutorService pool = Executors.newFixedThreadPool(4);

    @BeforeEach
    void start() {
        manager = LockManager.builder().name("contention").build();
    }

    final List<Reader> readers = new ArrayList<>();

    @AfterEach
    void stop() {
        // Whatever an assertion left inside a held read must leave, or closing the file would wait for it.
        readers.forEach(r -> r.leave.release(1000));
        pool.shutdownNow();
        manager.close();
    }

    /** A reader that enters a reading service, says so, and stays until told to leave. */
    final class Reader {
        final LockOwner owner;
        final Semaphore entered = new Semaphore(0);
        final Semaphore leave = new Semaphore(0);
        final List<Boolean> sawTheWrite = new ArrayList<>();

        Reader(String name) {
            owner = manager.newOwner(name);
            readers.add(this);
        }

        CompletableFuture<Void> enter(RmsFile file) {
            return CompletableFuture.runAsync(() -> file.inspect(owner, "held read", () -> {
                synchronized (sawTheWrite) {
                    sawTheWrite.add(file.organization().seek(0, WRITTEN, KeyMatch.EQ) != null);
                }
                entered.release();
                leave.acquireUninterruptibly();
                return null;
            }), pool);
        }

        boolean awaitEntered() throws InterruptedException {
            return entered.tryAcquire(30, TimeUnit.SECONDS);
        }
    }

    private RmsFile open(ContentionPolicy policy) {
        return RmsFile.create(dir.resolve("contended.rms"), indexed(30), RmsFile.Options.DEFAULT,
                writeShared(manager).withContention(policy));
    }

    private CompletableFuture<Rfa> write(RmsFile file) {
        return CompletableFuture.supplyAsync(() -> {
            try (RecordStream writer = file.stream()) {
                return writer.put(row("W0000001", "written"));
            }
        }, pool);
    }

    private boolean aTreeLockIs(LockQueue queue, String ownerPrefix) {
        return manager.locks().stream().anyMatch((LockInfo l) -> l.resourceName().equals("BKT 1") && l.queue() == queue
                && l.owner().startsWith(ownerPrefix));
    }

    @Test
    void underNeverOverlappingReadersKeepAWriterWaiting() throws Exception {
        try (RmsFile file = open(ContentionPolicy.NEVER)) {
            Reader[] pair = {new Reader("reader-a"), new Reader("reader-b")};
            CompletableFuture<Void> inside = pair[0].enter(file);
            assertThat(pair[0].awaitEntered()).isTrue();
            CompletableFuture<Rfa> writer = write(file);
            awaitTrue("the writer waits to convert its tree lock", () -> aTreeLockIs(LockQueue.CONVERTING, "rms stream"));

            for (int i = 1; i <= HANDOVERS; i++) {
                Reader next = pair[i % 2];
                CompletableFuture<Void> entering = next.enter(file);
                assertThat(next.awaitEntered()).as("reader %d passes the waiting writer", i).isTrue();
                pair[(i + 1) % 2].leave.release();
                inside.get(30, TimeUnit.SECONDS);
                inside = entering;
            }
            assertThat(writer).isNotDone();
            pair[HANDOVERS % 2].leave.release();

            assertThat(writer.get(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(pair[0].sawTheWrite).containsOnly(false);
            assertThat(pair[1].sawTheWrite).containsOnly(false);
        }
    }

    @Test
    void underAlwaysTheWriterIsServedAsSoonAsTheReadersAheadOfItFinish() throws Exception {
        try (RmsFile file = open(ContentionPolicy.ALWAYS)) {
            Reader first = new Reader("reader-a");
            Reader second = new Reader("reader-b");
            CompletableFuture<Void> inside = first.enter(file);
            assertThat(first.awaitEntered()).isTrue();
            CompletableFuture<Rfa> writer = write(file);
            awaitTrue("the writer waits for the tree lock", () -> aTreeLockIs(LockQueue.WAITING, "rms stream"));

            CompletableFuture<Void> behind = second.enter(file);
            awaitTrue("the next reader queues behind the writer", () -> aTreeLockIs(LockQueue.WAITING, "reader-b"));
            first.leave.release();
            inside.get(30, TimeUnit.SECONDS);

            assertThat(writer.get(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(second.awaitEntered()).isTrue();
            second.leave.release();
            behind.get(30, TimeUnit.SECONDS);
            assertThat(second.sawTheWrite).containsExactly(true);
        }
    }

    @Test
    void aStreamsOwnPolicyOverridesTheFilesDefault() {
        try (RmsFile file = open(ContentionPolicy.NEVER)) {
            try (RecordStream loader = file.stream()) {
                loader.put(row("A0000001", "x"));
            }
            RecordStream fair = file.stream(StreamOptions.DEFAULT.withContention(ContentionPolicy.ALWAYS)
                    .withRecordOptions(RecordOptions.of(RecordOption.NQL)));
            RecordStream cached = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)));
            fair.get(0, ascii("A0000001"));
            cached.get(0, ascii("A0000001"));

            LockStatistics before = manager.statistics();
            fair.get(0, ascii("A0000001"));
            LockStatistics afterFair = manager.statistics();
            cached.get(0, ascii("A0000001"));
            LockStatistics afterCached = manager.statistics();

            assertThat(afterFair.newRequests() - before.newRequests()).as("fair: a new tree lock request").isEqualTo(1);
            assertThat(afterFair.conversions() - before.conversions()).isZero();
            assertThat(afterCached.newRequests() - afterFair.newRequests()).as("never: no new request").isZero();
            assertThat(afterCached.conversions() - afterFair.conversions()).as("never: up and down").isEqualTo(2);
        }
    }

    @Test
    void sometimesIsFairOnlyWhileTheFileHasMoreThanOneOpener() {
        try (RmsFile file = open(ContentionPolicy.SOMETIMES)) {
            assertThat(file.fairFor(ContentionPolicy.SYSTEM_DEFAULT)).isFalse();
            try (RmsFile second = RmsFile.open(file.path(), RmsFile.Options.DEFAULT, writeShared(manager))) {
                assertThat(file.fairFor(ContentionPolicy.SYSTEM_DEFAULT)).isTrue();
                assertThat(second.fairFor(ContentionPolicy.SOMETIMES)).isTrue();
            }
            assertThat(file.fairFor(ContentionPolicy.SYSTEM_DEFAULT)).isFalse();
        }
    }
}
