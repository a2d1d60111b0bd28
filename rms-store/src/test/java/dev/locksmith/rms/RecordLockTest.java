package dev.locksmith.rms;

import static dev.locksmith.rms.RecordOption.*;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Record locks as {@code RAB$L_ROP} asks, between streams of a write-shared file. */
class RecordLockTest {
    private static final byte[] KEY = ascii("A0000001");

    @TempDir
    Path dir;
    LockManager manager;
    RmsFile file;

    @BeforeEach
    void create() {
        manager = LockManager.builder().name("record-locks").deadlockWait(Duration.ofMillis(100)).build();
        file = twoRecords(dir.resolve("locks.rms"), manager);
    }

    /**
     * Threads for the streams that wait: one each, whatever the common pool's parallelism (on two
     * cores it is one, and JDK 25 then runs async tasks one after the other on it).
     */
    private final ExecutorService waiters = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        waiters.shutdownNow();
        file.close();
        manager.close();
    }

    /** How a second stream holds the record, if at all: the options it read it with. */
    enum Holder {
        NONE(null), DEFAULT_EX(RecordOptions.DEFAULT), REA_PR(RecordOptions.of(REA)), RLK_PW(RecordOptions.of(RLK));

        final RecordOptions options;

        Holder(RecordOptions options) {
            this.options = options;
        }
    }

    static Stream<Arguments> matrix() {
        RecordOptions wat = RecordOptions.waitSeconds(1);
        RecordOptions nlkRrl = RecordOptions.of(NLK, RRL);
        List<Arguments> cases = new ArrayList<>();
        // reader options: default, REA, RLK, NLK, NLK+RRL, RRL, NQL, WAT(TMO 1), ULK
        Object[][] table = {
            // holder      default          REA              RLK              NLK                NLK+RRL            RRL                NQL              WAT              ULK
            {Holder.NONE, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC, RmsStatus.SUC},
            {Holder.DEFAULT_EX, RmsStatus.RLK, RmsStatus.RLK, RmsStatus.RLK, RmsStatus.RLK, RmsStatus.OK_RRL, RmsStatus.OK_RRL, RmsStatus.SUC, RmsStatus.TMO, RmsStatus.RLK},
            {Holder.REA_PR, RmsStatus.RLK, RmsStatus.SUC, RmsStatus.RLK, RmsStatus.OK_RLK, RmsStatus.OK_RLK, RmsStatus.OK_RRL, RmsStatus.SUC, RmsStatus.TMO, RmsStatus.RLK},
            {Holder.RLK_PW, RmsStatus.RLK, RmsStatus.RLK, RmsStatus.RLK, RmsStatus.OK_RLK, RmsStatus.OK_RLK, RmsStatus.OK_RRL, RmsStatus.SUC, RmsStatus.TMO, RmsStatus.RLK},
        };
        RecordOptions[] readers = {RecordOptions.DEFAULT, RecordOptions.of(REA), RecordOptions.of(RLK), RecordOptions.of(NLK),
                nlkRrl, RecordOptions.of(RRL), RecordOptions.of(NQL), wat, RecordOptions.of(ULK)};
        for (Object[] row : table) {
            for (int i = 0; i < readers.length; i++) {
                cases.add(Arguments.of(row[0], readers[i], row[i + 1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "holder {0}, reader {1} -> {2}")
    @MethodSource("matrix")
    void aReadEndsAsTheRecordOptionsAndTheHoldersModeSay(Holder holder, RecordOptions reader, RmsStatus expected) {
        RecordStream holding = file.stream();
        if (holder.options != null) {
            holding.get(0, KEY, KeyMatch.EQ, holder.options);
        }
        RecordStream reading = file.stream();
        if (expected.isSuccess()) {
            assertThat(text(reading.get(0, KEY, KeyMatch.EQ, reader))).startsWith("A0000001first");
            assertThat(reading.lastStatus()).isEqualTo(expected);
        } else {
            reading.get(0, ascii("A0000002"));
            Rfa positionBefore = reading.currentRfa();
            assertThatThrownBy(() -> reading.get(0, KEY, KeyMatch.EQ, reader))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(expected));
            assertThat(reading.currentRfa()).as("the failed read leaves the stream where it was").isEqualTo(positionBefore);
        }
    }

    @Test
    void aDefaultLockIsReleasedByTheStreamsNextOperation() {
        RecordStream holding = file.stream();
        holding.get(0, KEY);
        holding.get(0, ascii("A0000002"));

        assertThat(text(file.stream().get(0, KEY))).startsWith("A0000001first");
    }

    @Test
    void ulkLocksStayUntilFree() {
        RecordStream holding = file.stream();
        holding.options(RecordOptions.of(ULK));
        holding.get(0, KEY);
        holding.get(0, ascii("A0000002"));
        RecordStream other = file.stream();
        assertThatThrownBy(() -> other.get(0, KEY)).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));

        holding.free();

        assertThat(text(other.get(0, KEY))).startsWith("A0000001first");
        assertThat(text(file.stream().get(0, ascii("A0000002")))).startsWith("A0000002second");
    }

    @Test
    void releaseUnlocksOneRecordOfAnUlkStream() {
        RecordStream holding = file.stream();
        holding.options(RecordOptions.of(ULK));
        Rfa first = holding.find(0, KEY, KeyMatch.EQ);
        holding.get(0, ascii("A0000002"));

        holding.release(first);

        assertThat(text(file.stream().get(0, KEY))).startsWith("A0000001first");
        assertThatThrownBy(() -> file.stream().get(0, ascii("A0000002"))).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));
    }

    @Test
    void releaseOfARecordTheStreamDoesNotHoldIsRnf() {
        RecordStream stream = file.stream();
        Rfa rfa = stream.find(0, KEY, KeyMatch.EQ);
        stream.free();
        assertThatThrownBy(() -> stream.release(rfa)).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void aWaitingReadGetsTheRecordWithOkWatOnceTheHolderLetsGo() throws Exception {
        RecordStream holding = file.stream();
        holding.get(0, KEY);
        RecordStream waiting = file.stream();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> waiting.get(0, KEY, KeyMatch.EQ, RecordOptions.of(WAT)), waiters);
        awaitTrue("the reader waits for the record lock", () -> manager.locks().stream()
                .anyMatch(l -> l.queue() == LockQueue.WAITING && l.resourceName().startsWith("RFA")));

        holding.rewind();

        assertThat(text(read.get(30, TimeUnit.SECONDS))).startsWith("A0000001first");
        assertThat(waiting.lastStatus()).isEqualTo(RmsStatus.OK_WAT);
    }

    @Test
    void updateOfARecordAnotherStreamHoldsFailsWithRlkAndChangesNothing() {
        RecordStream updater = file.stream();
        updater.get(0, KEY, KeyMatch.EQ, RecordOptions.of(NLK));
        file.stream().get(0, KEY);

        assertThatThrownBy(() -> updater.update(row("A0000001", "changed"))).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));
        assertThat(text(file.stream().get(0, KEY, KeyMatch.EQ, RecordOptions.of(NQL)))).startsWith("A0000001first");
    }

    @Test
    void updateOfTheRecordTheStreamReadReleasesItsLockAfterwards() {
        RecordStream updater = file.stream();
        updater.get(0, KEY);
        updater.update(row("A0000001", "changed"));

        assertThat(text(file.stream().get(0, KEY))).startsWith("A0000001changed");
    }

    @Test
    void twoStreamsWaitingForEachOthersRecordEndInDeadlockForOne() throws Exception {
        RecordStream one = file.stream();
        RecordStream two = file.stream();
        RecordOptions ulkWat = RecordOptions.of(ULK, WAT);
        one.get(0, KEY, KeyMatch.EQ, ulkWat);
        two.get(0, ascii("A0000002"), KeyMatch.EQ, ulkWat);

        // The victim gives up what it holds at once, as a program must, so the other gets its record.
        CompletableFuture<RmsStatus> first = CompletableFuture.supplyAsync(() -> freeOnDeadlock(one,
                outcome(one, () -> one.get(0, ascii("A0000002"), KeyMatch.EQ, ulkWat))), waiters);
        CompletableFuture<RmsStatus> second = CompletableFuture.supplyAsync(() -> freeOnDeadlock(two,
                outcome(two, () -> two.get(0, KEY, KeyMatch.EQ, ulkWat))), waiters);
        RmsStatus a = first.get(30, TimeUnit.SECONDS);
        RmsStatus b = second.get(30, TimeUnit.SECONDS);
        assertThat(List.of(a, b)).containsExactlyInAnyOrder(RmsStatus.DEADLOCK, RmsStatus.OK_WAT);
    }

    @Test
    void nodlckwtOnBothWaitersKeepsDeadlockSearchAwaySoBothTimeOut() throws Exception {
        RecordStream one = file.stream();
        RecordStream two = file.stream();
        RecordOptions hold = RecordOptions.of(ULK);
        RecordOptions wait = RecordOptions.waitSeconds(2, ULK, NODLCKWT);
        one.get(0, KEY, KeyMatch.EQ, hold);
        two.get(0, ascii("A0000002"), KeyMatch.EQ, hold);

        CompletableFuture<RmsStatus> first = CompletableFuture.supplyAsync(() -> outcome(one, () -> one.get(0, ascii("A0000002"), KeyMatch.EQ, wait)), waiters);
        CompletableFuture<RmsStatus> second = CompletableFuture.supplyAsync(() -> outcome(two, () -> two.get(0, KEY, KeyMatch.EQ, wait)), waiters);

        assertThat(List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS)))
                .containsExactly(RmsStatus.TMO, RmsStatus.TMO);
    }

    @Test
    void lockNamesSayWhichFileAndWhichRecord() {
        RecordStream stream = file.stream();
        Rfa rfa = stream.find(0, KEY, KeyMatch.EQ);
        List<LockInfo> locks = manager.locks();
        assertThat(locks).anyMatch(l -> l.resourcePath().equals(List.of(file.locks().fileLockName(), "RFA " + rfa)));
        assertThat(file.locks().fileLockName()).startsWith("RMS$" + file.fileId()).endsWith("locks.rms");
    }

    @Test
    void aRecordOptionsTimeoutOutsideOneTo255IsRefused() {
        assertThatThrownBy(() -> RecordOptions.waitSeconds(256)).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.IAL));
        assertThatThrownBy(() -> new RecordOptions(java.util.Set.of(REA), 5)).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.getMessage()).contains("without WAT"));
    }

    private static RmsStatus freeOnDeadlock(RecordStream stream, RmsStatus status) {
        if (status == RmsStatus.DEADLOCK) {
            stream.free();
        }
        return status;
    }

    private static RmsStatus outcome(RecordStream stream, Runnable read) {
        try {
            read.run();
            return stream.lastStatus();
        } catch (RmsException e) {
            return e.status();
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
