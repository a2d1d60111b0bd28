package dev.locksmith.rms.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.Durability;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Rfa;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append-only journal: what it keeps across a reopen, a torn end, a rewrite, and what it refuses. */
class JournalTest {
    @TempDir
    Path dir;

    Path path() {
        return dir.resolve("locksmith.journal");
    }

    static JournalRecord record(long transactionId, String xid, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        return new JournalRecord(transactionId, xid == null ? null : xid.getBytes(StandardCharsets.US_ASCII),
                Map.of("a.rms", List.of(new WriteOp(WriteOp.Kind.UPDATE, new Rfa(1, 2), 0, bytes))));
    }

    static String valueOf(JournalRecord record) {
        return new String(record.writes().get("a.rms").get(0).record(), StandardCharsets.US_ASCII);
    }

    @Test
    void aReopenedJournalHoldsItsPreparedAndCommittedRecordsAndCounters() {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.prepare(record(7, "x7", "prepared"));
            assertThat(journal.commit(record(8, null, "one"))).isEqualTo(1);
            assertThat(journal.commit(record(9, null, "two"))).isEqualTo(2);
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.prepared()).singleElement().satisfies(r -> {
                assertThat(r.transactionId()).isEqualTo(7);
                assertThat(r.xid()).isEqualTo("x7".getBytes(StandardCharsets.US_ASCII));
                assertThat(valueOf(r)).isEqualTo("prepared");
            });
            assertThat(journal.committed()).containsOnlyKeys(1L, 2L);
            assertThat(valueOf(journal.committed().get(2L))).isEqualTo("two");
            assertThat(journal.lastSequence()).isEqualTo(2);
            assertThat(journal.lastTransactionId()).isEqualTo(9);
        }
    }

    @Test
    void aPreparedRecordKeepsItsNameLocksLevelByLevel() {
        JournalRecord withLocks = new JournalRecord(5, new byte[] {5}, record(5, "x5", "v").writes(),
                List.of("^ACCT(1)", "^ACCT(1)", "^D(\"a\"\"b\")"));
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.prepare(withLocks);
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.prepared()).singleElement()
                    .satisfies(r -> assertThat(r.nameLocks()).containsExactly("^ACCT(1)", "^ACCT(1)", "^D(\"a\"\"b\")"));
        }
    }

    @Test
    void committingAPreparedTransactionEndsItsDoubtAcrossAReopen() {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.prepare(record(3, "x3", "v"));
            journal.commit(record(3, "x3", "v"));
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.prepared()).isEmpty();
            assertThat(journal.committed()).containsOnlyKeys(1L);
        }
    }

    @Test
    void aForgottenPreparedTransactionStaysForgottenAcrossAReopen() {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.prepare(record(3, "x3", "v"));
            journal.prepare(record(4, "x4", "w"));
            journal.forget(3);
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.prepared()).extracting(JournalRecord::transactionId).containsExactly(4L);
        }
    }

    @Test
    void aTornLastFrameIsDroppedAndNewFramesFollowTheIntactOnes() throws IOException {
        long endOfFirst;
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.commit(record(1, null, "kept"));
            endOfFirst = lastFrameEnd();
            journal.commit(record(2, null, "torn"));
        }
        try (FileChannel file = FileChannel.open(path(), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), endOfFirst + 20); // inside the second frame's body
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.committed()).containsOnlyKeys(1L);
            assertThat(journal.commit(record(3, null, "after"))).isEqualTo(2);
        }
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.committed().values()).extracting(JournalTest::valueOf).containsExactly("kept", "after");
        }
    }

    @Test
    void retiringCommitsRewritesTheJournalWithThePreparedAndTheLaterCommits() throws IOException {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            for (int i = 1; i <= 200; i++) {
                journal.commit(record(i, null, "commit " + i));
            }
            journal.prepare(record(500, "x500", "in doubt"));
            journal.commit(record(201, null, "later"));
            long before = lastFrameEnd();

            journal.retireThrough(200);

            assertThat(lastFrameEnd()).isLessThan(before);
            assertThat(journal.committedCount()).isEqualTo(1);
            assertThat(journal.commit(record(202, null, "after the rewrite"))).isEqualTo(202);
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.committed()).containsOnlyKeys(201L, 202L);
            assertThat(journal.prepared()).extracting(JournalRecord::transactionId).containsExactly(500L);
            assertThat(journal.lastSequence()).isEqualTo(202);
            assertThat(journal.lastTransactionId()).isEqualTo(500);
        }
        assertThat(dir.resolve("locksmith.journal.new")).doesNotExist();
    }

    @Test
    void countersSurviveARewriteThatRetiredEverything() {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.commit(record(41, null, "v"));
            journal.commit(record(42, null, "w"));
            journal.retireThrough(2);
        }

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.committed()).isEmpty();
            assertThat(journal.lastSequence()).isEqualTo(2);
            assertThat(journal.lastTransactionId()).isEqualTo(42);
        }
    }

    @Test
    void aRewriteLeftUnfinishedByACrashIsIgnored() throws IOException {
        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            journal.commit(record(1, null, "kept"));
        }
        Files.write(dir.resolve("locksmith.journal.new"), new byte[] {1, 2, 3});

        try (Journal journal = Journal.open(path(), Durability.COMMIT)) {
            assertThat(journal.committed()).containsOnlyKeys(1L);
        }
        assertThat(dir.resolve("locksmith.journal.new")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedAndLeftAlone() throws IOException {
        byte[] content = "H:2,block:2,blockSize:1000,chunk:0".getBytes(StandardCharsets.US_ASCII);
        Files.write(path(), content);

        assertThatThrownBy(() -> Journal.open(path(), Durability.COMMIT))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.IFA))
                .hasMessageContaining("not a Locksmith journal");
        assertThat(Files.readAllBytes(path())).isEqualTo(content);
    }

    @Test
    void aSecondOpenerIsRefusedWhileTheFirstHasTheJournal() {
        try (Journal first = Journal.open(path(), Durability.COMMIT)) {
            first.commit(record(1, null, "v"));

            assertThatThrownBy(() -> Journal.open(path(), Durability.COMMIT))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.IO))
                    .hasMessageContaining("in use");
            assertThat(first.commit(record(2, null, "w"))).isEqualTo(2);
        }
    }

    @Test
    void aClosedJournalRefusesWrites() {
        Journal journal = Journal.open(path(), Durability.COMMIT);
        journal.close();

        assertThatThrownBy(() -> journal.commit(record(1, null, "v")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CLOSED));
    }

    @Test
    void preparesFromManyThreadsAtOnceAreAllDurable() throws Exception {
        int threads = 8;
        int each = 50;
        try (Journal journal = Journal.open(path(), Durability.SYNC)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> preparing = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * each;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = first; i < first + each; i++) {
                        journal.prepare(record(i + 1, "x" + i, "p" + i));
                        journal.commit(record(100_000 + i, null, "c" + i));
                    }
                });
                thread.start();
                preparing.add(thread);
            }
            go.countDown();
            for (Thread thread : preparing) {
                thread.join();
            }
        }

        try (Journal journal = Journal.open(path(), Durability.SYNC)) {
            assertThat(journal.prepared()).hasSize(threads * each);
            assertThat(journal.committed()).hasSize(threads * each);
            assertThat(journal.lastSequence()).isEqualTo(threads * each);
        }
    }

    @Test
    void aNullDurabilityIsRefusedByName() {
        assertThatThrownBy(() -> Journal.open(path(), null))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.IAL))
                .hasMessageContaining("durability");
        assertThat(path()).doesNotExist();
    }

    /** Where the last intact frame of the journal file ends (the file is extended with zeros beyond it). */
    private long lastFrameEnd() throws IOException {
        try (FileChannel file = FileChannel.open(path(), StandardOpenOption.READ)) {
            long at = JournalFrame.FILE_HEADER;
            ByteBuffer length = ByteBuffer.allocate(4);
            while (true) {
                length.clear();
                file.read(length, at);
                int body = length.getInt(0);
                if (body == 0) {
                    return at;
                }
                at += JournalFrame.FRAME_HEADER + body;
            }
        }
    }
}
