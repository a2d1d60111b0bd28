package dev.locksmith.rms;

import static dev.locksmith.rms.Records.padded;
import static dev.locksmith.rms.Records.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The behaviour of one store transaction: what it sees, what others see, and how it ends. */
class TransactionTest {
    static final Duration NO_TIMEOUT = Duration.ZERO;

    @TempDir
    Path dir;
    LockManager locks;
    RecordStore store;

    @BeforeEach
    void open() {
        locks = LockManager.builder().name("tx-test").deadlockWait(Duration.ofMillis(100)).build();
        store = RecordStore.open(dir, locks, RecordStore.Options.DEFAULT.withLockWait(Duration.ofSeconds(10)));
        store.create("items.rms", Records.indexed(20, KeyDefinition.builder(1).segment(8, 4).duplicates(true).changes(true).build()));
        store.create("log.rms", FileDefinition.builder(Organization.SEQUENTIAL).recordSize(20).build());
        store.create("cells.rms", FileDefinition.builder(Organization.RELATIVE).format(RecordFormat.FIXED).recordSize(20).build());
    }

    @AfterEach
    void close() {
        store.close();
        locks.close();
    }

    static byte[] item(String key, String category, String rest) {
        return padded(String.format("%-8s%-4s%s", key, category, rest), 20);
    }

    static byte[] key(String key) {
        return padded(key, 8);
    }

    private List<String> scan(TransactionStream stream, int keyOfReference) {
        stream.rewind(keyOfReference);
        List<String> seen = new ArrayList<>();
        while (true) {
            try {
                seen.add(text(stream.next()).trim());
            } catch (RmsException e) {
                assertThat(e.status()).isEqualTo(RmsStatus.EOF);
                return seen;
            }
        }
    }

    private void commitItems(String... records) {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        for (String r : records) {
            String[] parts = r.split(":");
            items.put(item(parts[0], parts[1], parts[2]));
        }
        tx.commit();
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void aTransactionReadsItsOwnWrites(TransactionMode mode) {
        commitItems("A:X:one", "C:X:three");
        Transaction tx = store.begin(mode, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        items.put(item("B", "Y", "two"));
        assertThat(text(items.get(key("B")))).startsWith("B       Y   two");
        items.get(key("A"));
        items.update(item("A", "Z", "ONE"));
        items.get(key("C"));
        items.delete();
        assertThat(scan(items, 0)).containsExactly("A       Z   ONE", "B       Y   two");
        assertThat(scan(items, 1)).containsExactly("B       Y   two", "A       Z   ONE");
        assertThatThrownBy(() -> items.get(key("C"))).extracting(e -> ((RmsException) e).status()).isEqualTo(RmsStatus.RNF);
        tx.rollback();
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void othersSeeNothingBeforeTheCommitAndEverythingAfter(TransactionMode mode) {
        Transaction tx = store.begin(mode, NO_TIMEOUT);
        tx.open("items.rms").put(item("A", "X", "one"));
        tx.open("log.rms").put(padded("entry", 20));
        RecordStream outside = store.file("items.rms").stream();
        assertThatThrownBy(() -> outside.get(0, key("A"))).extracting(e -> ((RmsException) e).status()).isEqualTo(RmsStatus.RNF);
        tx.commit();
        assertThat(text(outside.get(0, key("A")))).startsWith("A       X   one");
        assertThat(text(store.file("log.rms").stream().next())).startsWith("entry");
        assertThat(tx.status()).isEqualTo(Transaction.Status.COMMITTED);
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void aRollbackLeavesEveryFileAsItWas(TransactionMode mode) {
        commitItems("A:X:one");
        Transaction tx = store.begin(mode, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        items.get(key("A"));
        items.update(item("A", "X", "changed"));
        tx.open("cells.rms").put(7, padded("seven", 20));
        tx.rollback();
        assertThat(text(store.file("items.rms").stream().get(0, key("A")))).startsWith("A       X   one");
        assertThatThrownBy(() -> store.file("cells.rms").stream().get(7L)).extracting(e -> ((RmsException) e).status())
                .isEqualTo(RmsStatus.RNF);
        assertThat(tx.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
    }

    @Test
    void aPessimisticReadBlocksAWriterUntilTheReaderEnds() {
        commitItems("A:X:one");
        Transaction reader = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        reader.open("items.rms").get(key("A"));
        Transaction writer = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream stream = writer.open("items.rms").lockWait(Duration.ZERO);
        stream.get(key("A"));
        RmsException refused = catchRms(() -> stream.update(item("A", "X", "two")));
        assertThat(refused.status()).isEqualTo(RmsStatus.RLK);
        assertThat(writer.status()).isEqualTo(Transaction.Status.ACTIVE);
        reader.commit();
        stream.update(item("A", "X", "two"));
        writer.commit();
        assertThat(text(store.file("items.rms").stream().get(0, key("A")))).contains("two");
    }

    @Test
    void aDeadlockVictimIsRolledBackWithDeadlock() throws Exception {
        commitItems("A:X:one", "B:X:two");
        Transaction first = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        Transaction second = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        first.open("items.rms").forUpdate(true).get(key("A"));
        second.open("items.rms").forUpdate(true).get(key("B"));
        java.util.concurrent.CompletableFuture<RmsException> firstWaits = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                first.open("items.rms").forUpdate(true).get(key("B"));
                return null;
            } catch (RmsException e) {
                first.rollback(); // a victim's locks go with its rollback, which lets the other on
                return e;
            }
        });
        RmsException secondFailure = null;
        try {
            second.open("items.rms").forUpdate(true).get(key("A"));
        } catch (RmsException e) {
            secondFailure = e;
            assertThat(second.status()).isEqualTo(Transaction.Status.ROLLBACK_ONLY);
            assertThat(catchRms(second::commit).status()).isEqualTo(RmsStatus.DEADLOCK);
        }
        RmsException firstFailure = firstWaits.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(firstFailure == null ^ secondFailure == null).as("exactly one victim").isTrue();
        RmsException failure = firstFailure != null ? firstFailure : secondFailure;
        assertThat(failure.status()).isEqualTo(RmsStatus.DEADLOCK);
        assertThat(store.statistics().deadlocks()).isEqualTo(1);
        Transaction survivor = firstFailure != null ? second : first;
        survivor.commit();
        assertThat(survivor.status()).isEqualTo(Transaction.Status.COMMITTED);
    }

    @Test
    void anOptimisticCommitFailsWithConflictWhenARecordItReadChanged() {
        commitItems("A:X:one");
        Transaction optimist = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        TransactionStream stream = optimist.open("items.rms");
        stream.get(key("A"));
        stream.update(item("A", "X", "mine"));
        Transaction other = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream theirs = other.open("items.rms");
        theirs.get(key("A"));
        theirs.update(item("A", "X", "theirs"));
        other.commit();
        assertThatThrownBy(optimist::commit).extracting(e -> ((RmsException) e).status()).isEqualTo(RmsStatus.CONFLICT);
        assertThat(optimist.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
        assertThat(store.statistics().conflicts()).isEqualTo(1);
        assertThat(text(store.file("items.rms").stream().get(0, key("A")))).contains("theirs");
    }

    @Test
    void anOptimisticCommitIgnoresChangesToRecordsItDidNotRead() {
        commitItems("A:X:one", "B:X:two");
        Transaction optimist = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        TransactionStream stream = optimist.open("items.rms");
        stream.get(key("A"));
        stream.update(item("A", "X", "mine"));
        Transaction other = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        TransactionStream theirs = other.open("items.rms");
        theirs.get(key("B"));
        theirs.update(item("B", "X", "theirs"));
        other.commit();
        optimist.commit();
        assertThat(text(store.file("items.rms").stream().get(0, key("A")))).contains("mine");
        assertThat(text(store.file("items.rms").stream().get(0, key("B")))).contains("theirs");
    }

    @Test
    void anOptimisticLookupThatFoundNothingConflictsWithAnInsertOfThatKey() {
        Transaction optimist = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        TransactionStream stream = optimist.open("items.rms");
        assertThatThrownBy(() -> stream.get(key("N"))).extracting(e -> ((RmsException) e).status()).isEqualTo(RmsStatus.RNF);
        stream.put(item("M", "X", "mine"));
        commitItems("N:X:theirs");
        assertThatThrownBy(optimist::commit).extracting(e -> ((RmsException) e).status()).isEqualTo(RmsStatus.CONFLICT);
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void twoTransactionsNeverCommitOneUniqueKeyTwice(TransactionMode mode) {
        Transaction first = store.begin(mode, NO_TIMEOUT);
        first.open("items.rms").put(item("K", "X", "first"));
        Transaction second = store.begin(mode, NO_TIMEOUT);
        if (mode == TransactionMode.PESSIMISTIC) {
            RmsException waited = catchRms(() -> second.open("items.rms").lockWait(Duration.ZERO).put(item("K", "X", "second")));
            assertThat(waited.status()).isEqualTo(RmsStatus.RLK);
            first.commit();
            RmsException dup = catchRms(() -> second.open("items.rms").put(item("K", "X", "second")));
            assertThat(dup.status()).isEqualTo(RmsStatus.DUP);
        } else {
            second.open("items.rms").put(item("K", "X", "second"));
            first.commit();
            RmsException dup = catchRms(second::commit);
            assertThat(dup.status()).isEqualTo(RmsStatus.DUP);
        }
        assertThat(text(store.file("items.rms").stream().get(0, key("K")))).contains("first");
    }

    @Test
    void withinOneTransactionAUniqueKeyValueIsStoredOnceUntilItsRecordIsDeleted() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        items.put(item("K", "X", "first"));

        assertThat(catchRms(() -> items.put(item("K", "Y", "twice"))).status()).isEqualTo(RmsStatus.DUP);
        items.get(key("K"));
        items.update(item("K", "X", "updated"));
        items.get(key("K"));
        items.delete();
        items.put(item("K", "Z", "again"));
        tx.commit();

        Transaction reader = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        assertThat(scan(reader.open("items.rms"), 0)).singleElement().asString().contains("again");
        reader.rollback();
    }

    @Test
    void aTransactionThatChangedNothingPreparesReadOnlyAndReleasesItsLocks() {
        commitItems("A:X:one");
        Transaction reader = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        reader.open("items.rms").get(key("A"));
        assertThat(reader.prepare(new byte[] {1, 2, 3})).isFalse();
        assertThat(reader.status()).isEqualTo(Transaction.Status.COMMITTED);
        assertThat(reader.owner().locks()).isEmpty();
    }

    @Test
    void workAfterPrepareIsRefused() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        items.put(item("A", "X", "one"));
        assertThat(tx.prepare(new byte[] {9})).isTrue();
        assertThat(catchRms(() -> items.put(item("B", "X", "two"))).status()).isEqualTo(RmsStatus.TXSTATE);
        tx.commit();
        assertThat(text(store.file("items.rms").stream().get(0, key("A")))).contains("one");
    }

    @Test
    void aTransactionPastItsTimeoutIsRolledBackAndItsLocksFreed() throws Exception {
        commitItems("A:X:one");
        Transaction slow = store.begin(TransactionMode.PESSIMISTIC, Duration.ofMillis(200));
        slow.open("items.rms").forUpdate(true).get(key("A"));
        Transaction waiter = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream stream = waiter.open("items.rms").forUpdate(true);
        assertThat(text(stream.get(key("A")))).contains("one"); // waits until the timeout frees A
        assertThat(slow.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
        assertThat(catchRms(() -> slow.open("items.rms")).status()).isEqualTo(RmsStatus.TXTIMEOUT);
        assertThat(store.statistics().timedOut()).isEqualTo(1);
        waiter.rollback();
    }

    @Test
    void nameLocksAreHeldUntilTheTransactionEnds() {
        Transaction holder = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        assertThat(holder.lock(Duration.ZERO, "^ACCT(1)")).isTrue();
        Transaction other = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        assertThat(other.lock(Duration.ZERO, "^ACCT(1)")).isFalse();
        assertThat(other.lock(Duration.ZERO, "^ACCT(2)")).isTrue();
        holder.commit();
        assertThat(other.lock(Duration.ZERO, "^ACCT(1)")).isTrue();
        other.rollback();
    }

    @Test
    void aPreparedTransactionsNameLocksComeBackWithItInDoubtAfterAReopen() {
        Transaction prepared = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        assertThat(prepared.lock(Duration.ZERO, "^ACCT(1)", "^ACCT(1)", "^BRANCH")).isTrue();
        prepared.open("items.rms").put(item("K1", "a", "x"));
        prepared.prepare(new byte[] {1});
        store.close();

        store = RecordStore.open(dir, locks);
        Transaction inDoubt = store.inDoubt().get(0);
        Transaction other = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        assertThat(other.lock(Duration.ZERO, "^ACCT(1)")).isFalse();
        assertThat(other.lock(Duration.ZERO, "^BRANCH")).isFalse();
        inDoubt.commit();
        assertThat(other.lock(Duration.ZERO, "^ACCT(1)", "^BRANCH")).isTrue();
        other.rollback();
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThat(catchRms(() -> store.begin(null, NO_TIMEOUT)).getMessage()).contains("mode");
        assertThat(catchRms(() -> store.begin(TransactionMode.OPTIMISTIC, Duration.ofSeconds(-1))).getMessage()).contains("timeout");
        Transaction tx = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        assertThat(catchRms(() -> tx.open("nosuch.rms")).status()).isEqualTo(RmsStatus.FNF);
        assertThat(catchRms(() -> tx.open("../escape.rms")).status()).isEqualTo(RmsStatus.IAL);
        assertThat(catchRms(() -> tx.open("items.rms").put(null)).status()).isEqualTo(RmsStatus.IAL);
        assertThat(catchRms(() -> tx.prepare(null)).status()).isEqualTo(RmsStatus.IAL);
        assertThat(catchRms(() -> tx.open("items.rms").get(0, key("A"), null)).getMessage()).contains("match");
        assertThat(tx.status()).isEqualTo(Transaction.Status.ACTIVE);
        assertThat(tx.hasWrites()).isFalse();
        tx.rollback();
    }

    @Test
    void anUpdateThatChangesThePrimaryKeyIsRefusedAndChangesNothing() {
        commitItems("A:X:one");
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream items = tx.open("items.rms");
        items.get(key("A"));
        assertThat(catchRms(() -> items.update(item("Q", "X", "one"))).status()).isEqualTo(RmsStatus.CHG);
        assertThat(tx.hasWrites()).isFalse();
        tx.rollback();
    }

    @Test
    void relativeAndSequentialFilesMergeTheTransactionsRecords() {
        Transaction setup = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        setup.open("cells.rms").put(2, padded("two", 20));
        setup.open("cells.rms").put(5, padded("five", 20));
        setup.open("log.rms").put(padded("first", 20));
        setup.commit();
        Transaction tx = store.begin(TransactionMode.OPTIMISTIC, NO_TIMEOUT);
        TransactionStream cells = tx.open("cells.rms");
        cells.put(3, padded("three", 20));
        cells.get(5L);
        cells.update(padded("FIVE", 20));
        assertThat(scan(cells, 0)).containsExactly("two", "three", "FIVE");
        TransactionStream log = tx.open("log.rms");
        log.put(padded("second", 20));
        log.rewind(0);
        log.next();
        log.update(padded("FIRST", 20));
        assertThat(scan(log, 0)).containsExactly("FIRST", "second");
        tx.commit();
        RecordStream after = store.file("log.rms").stream();
        assertThat(text(after.next()).trim()).isEqualTo("FIRST");
        assertThat(text(after.next()).trim()).isEqualTo("second");
        assertThat(text(store.file("cells.rms").stream().get(3L)).trim()).isEqualTo("three");
    }

    @Test
    void aRelativeStreamTellsTheCurrentRecordsNumberAndZeroForANewRecordWithoutOne() {
        Transaction setup = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        setup.open("cells.rms").put(2, padded("two", 20));
        setup.commit();
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream cells = tx.open("cells.rms");
        assertThat(catchRms(cells::currentRecordNumber).status()).isEqualTo(RmsStatus.CUR);
        cells.put(7, padded("seven", 20));
        cells.put(padded("appended", 20));
        List<Long> numbers = new ArrayList<>();
        cells.rewind(0);
        for (int i = 0; i < 3; i++) {
            cells.next();
            numbers.add(cells.currentRecordNumber());
        }
        assertThat(numbers).containsExactly(2L, 7L, 0L);
        assertThat(catchRms(() -> tx.open("log.rms").currentRecordNumber()).status()).isEqualTo(RmsStatus.ORG);
        tx.rollback();
    }

    @Test
    void aTransactionAndAPlainStreamLockTheSameRecords() {
        commitItems("A:X:one");
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        tx.open("items.rms").forUpdate(true).get(key("A"));
        RecordStream plain = store.file("items.rms").stream();
        assertThat(catchRms(() -> plain.get(0, key("A"))).status()).isEqualTo(RmsStatus.RLK);
        tx.commit();
        assertThat(text(plain.get(0, key("A")))).contains("one");
        Transaction waiting = store.begin(TransactionMode.PESSIMISTIC, NO_TIMEOUT);
        TransactionStream locked = waiting.open("items.rms").lockWait(Duration.ZERO);
        assertThat(catchRms(() -> locked.get(key("A"))).status()).as("the plain stream holds A until its next operation")
                .isEqualTo(RmsStatus.RLK);
        plain.free();
        assertThat(text(locked.get(key("A")))).contains("one");
        waiting.rollback();
    }

    static RmsException catchRms(Runnable action) {
        try {
            action.run();
        } catch (RmsException e) {
            return e;
        }
        throw new AssertionError("expected an RmsException");
    }
}
