package dev.locksmith.rms;

import static dev.locksmith.rms.StoreCrashChild.FILES;
import static dev.locksmith.rms.StoreCrashChild.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A child JVM working on a store is killed with SIGKILL before, after and while committing; the
 * store reopened here shows each transaction entirely or not at all, prepared ones in doubt with
 * their locks taken again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionCrashTest {
    @TempDir
    Path dir;
    LockManager locks;

    @BeforeEach
    void seed() {
        locks = LockManager.builder().name("crash-parent").build();
        try (RecordStore store = RecordStore.open(dir, locks)) {
            Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
            for (String file : FILES) {
                store.create(file, StoreCrashChild.definition());
                tx.open(file).put(StoreCrashChild.record("A", "original"));
            }
            tx.commit();
        }
    }

    @AfterEach
    void close() {
        locks.close();
    }

    @Test
    void aTransactionKilledAfterPrepareComesBackInDoubtWithItsLocksAndCommits() throws Exception {
        runChildUntil("prepare", "PREPARED");
        try (RecordStore store = RecordStore.open(dir, locks)) {
            List<Transaction> inDoubt = store.inDoubt();
            assertThat(inDoubt).hasSize(1);
            Transaction recovered = inDoubt.get(0);
            assertThat(new String(recovered.xid().orElseThrow(), StandardCharsets.US_ASCII)).isEqualTo("xid-1");
            assertThat(recovered.status()).isEqualTo(Transaction.Status.PREPARED);

            Transaction other = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
            RmsException locked = TransactionTest.catchRms(() -> other.open(FILES[0]).lockWait(Duration.ZERO).get(key("A")));
            assertThat(locked.status()).isEqualTo(RmsStatus.RLK);
            other.rollback();

            recovered.commit();
            for (String file : new String[] {FILES[0], FILES[1]}) {
                assertThat(Records.text(store.file(file).stream().get(0, key("A")))).contains("prepared");
            }
            assertThat(Records.text(store.file(FILES[2]).stream().get(0, key("A")))).contains("original");
            assertThat(store.inDoubt()).isEmpty();
        }
        try (RecordStore store = RecordStore.open(dir, locks)) {
            assertThat(store.inDoubt()).as("a committed transaction is not in doubt again").isEmpty();
            assertThat(Records.text(store.file(FILES[1]).stream().get(0, key("A")))).contains("prepared");
        }
    }

    @Test
    void aRecoveredTransactionRolledBackLeavesTheFilesAsTheyWere() throws Exception {
        runChildUntil("prepare", "PREPARED");
        try (RecordStore store = RecordStore.open(dir, locks)) {
            store.inDoubt().get(0).rollback();
            assertThat(Records.text(store.file(FILES[0]).stream().get(0, key("A")))).contains("original");
        }
        try (RecordStore store = RecordStore.open(dir, locks)) {
            assertThat(store.inDoubt()).isEmpty();
        }
    }

    @Test
    void aTransactionKilledBeforePrepareLeavesNothing() throws Exception {
        runChildUntil("work", "WORKING");
        try (RecordStore store = RecordStore.open(dir, locks)) {
            assertThat(store.inDoubt()).isEmpty();
            for (String file : FILES) {
                RecordStream stream = store.file(file).stream();
                assertThat(Records.text(stream.get(0, key("A")))).contains("original");
                assertThat(TransactionTest.catchRms(() -> stream.get(0, key("B"))).status()).isEqualTo(RmsStatus.RNF);
            }
        }
    }

    @Test
    void transactionsKilledWhileCommittingAreInEveryFileOrInNone() throws Exception {
        int reported = runChildUntil("commits", "COMMITTED 300");
        try (RecordStore store = RecordStore.open(dir, locks)) {
            long[] counts = new long[FILES.length];
            for (int f = 0; f < FILES.length; f++) {
                AnalysisReport report = FileAnalyzer.analyze(store.file(FILES[f]));
                assertThat(report.problems()).isEmpty();
                counts[f] = report.recordCount();
                RecordStream stream = store.file(FILES[f]).stream();
                for (int n = 0; n <= reported; n++) {
                    assertThat(Records.text(stream.get(0, key("N" + n)))).as("commit %d reported before the kill", n).contains("committed");
                }
            }
            assertThat(counts[1]).isEqualTo(counts[0]);
            assertThat(counts[2]).isEqualTo(counts[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void transfersKilledMidFlightNeverChangeTheTotal(TransactionMode mode) throws Exception {
        try (RecordStore store = RecordStore.open(dir, locks)) {
            Transaction open = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
            for (String file : new String[] {FILES[0], FILES[1]}) {
                TransactionStream accounts = open.open(file);
                for (int a = 0; a < StoreCrashChild.ACCOUNTS; a++) {
                    accounts.put(StoreCrashChild.account(a, StoreCrashChild.OPENING_BALANCE));
                }
            }
            open.commit();
        }

        runChildUntil("transfers", mode.name(), "TRANSFERRED 400");

        try (RecordStore store = RecordStore.open(dir, locks)) {
            for (Transaction inDoubt : store.inDoubt()) {
                inDoubt.commit();
            }
            long total = 0;
            for (String file : new String[] {FILES[0], FILES[1]}) {
                assertThat(FileAnalyzer.analyze(store.file(file)).problems()).isEmpty();
                RecordStream accounts = store.file(file).stream();
                for (int a = 0; a < StoreCrashChild.ACCOUNTS; a++) {
                    total += StoreCrashChild.balance(accounts.get(0, StoreCrashChild.accountKey(a)));
                }
            }
            assertThat(total).isEqualTo(2 * StoreCrashChild.ACCOUNTS * StoreCrashChild.OPENING_BALANCE);
        }
    }

    /** Starts the child, reads its output until {@code line}, kills it with SIGKILL; returns the last COMMITTED number. */
    private int runChildUntil(String what, String line) throws Exception {
        return runChildUntil(what, null, line);
    }

    /** As {@link #runChildUntil(String, String)}, passing the child {@code mode} after {@code what} unless null. */
    private int runChildUntil(String what, String mode, String line) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), dir.toString(), what));
        if (mode != null) {
            command.add(mode);
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        int committed = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String read;
            while ((read = out.readLine()) != null) {
                if (read.startsWith("COMMITTED ")) {
                    committed = Integer.parseInt(read.substring(10));
                }
                if (read.equals(line)) {
                    break;
                }
                if (read.contains("Exception")) {
                    throw new AssertionError("child failed: " + read);
                }
            }
            // Keep it committing a little while after the line, so the kill lands mid-commit.
            if (what.equals("commits")) {
                for (int i = 0; i < 50 && (read = out.readLine()) != null; i++) {
                    if (read.startsWith("COMMITTED ")) {
                        committed = Integer.parseInt(read.substring(10));
                    }
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(committed >= 0 || !what.equals("commits")).isTrue();
        return committed;
    }
}
