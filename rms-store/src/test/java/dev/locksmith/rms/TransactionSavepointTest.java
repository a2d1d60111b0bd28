package dev.locksmith.rms;

import static dev.locksmith.rms.Records.text;
import static dev.locksmith.rms.TransactionTest.item;
import static dev.locksmith.rms.TransactionTest.key;
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

/** Savepoints of a store transaction: rolling back to one undoes only the later work and leaves the transaction working. */
class TransactionSavepointTest {
    @TempDir
    Path dir;
    LockManager locks;
    RecordStore store;

    @BeforeEach
    void open() {
        locks = LockManager.builder().name("savepoint-test").deadlockWait(Duration.ofMillis(100)).build();
        store = RecordStore.open(dir, locks, RecordStore.Options.DEFAULT.withLockWait(Duration.ofSeconds(10)));
        store.create("items.rms", Records.indexed(20, KeyDefinition.builder(1).segment(8, 4).build()));
        Transaction setup = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = setup.open("items.rms");
        items.put(item("A", "a", "one"));
        items.put(item("B", "b", "two"));
        setup.commit();
    }

    @AfterEach
    void close() {
        store.close();
        locks.close();
    }

    private static List<String> scan(TransactionStream stream) {
        stream.rewind(0);
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

    private List<String> committed() {
        Transaction reader = store.begin(TransactionMode.OPTIMISTIC, Duration.ZERO);
        try {
            return scan(reader.open("items.rms"));
        } finally {
            reader.rollback();
        }
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void rollingBackToASavepointUndoesTheLaterPutsUpdatesAndDeletesOnly(TransactionMode mode) {
        Transaction tx = store.begin(mode, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        items.put(item("C", "c", "before"));
        Transaction.Savepoint savepoint = tx.savepoint();
        items.put(item("D", "d", "after"));
        items.get(key("A"));
        items.update(item("A", "a", "changed"));
        items.get(key("B"));
        items.delete();
        items.get(key("C"));
        items.update(item("C", "c", "changed"));

        tx.rollbackTo(savepoint);

        assertThat(tx.status()).isEqualTo(Transaction.Status.ACTIVE);
        assertThat(scan(items)).containsExactly("A       a   one", "B       b   two", "C       c   before");
        tx.commit();
        assertThat(committed()).containsExactly("A       a   one", "B       b   two", "C       c   before");
    }

    @Test
    void aUniqueKeyValueStoredAfterTheSavepointIsFreeAgainAfterRollingBackToIt() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint savepoint = tx.savepoint();
        items.put(item("C", "c", "first"));
        assertThatThrownBy(() -> items.put(item("D", "c", "same category"))).hasFieldOrPropertyWithValue("status", RmsStatus.DUP);
        tx.rollbackTo(savepoint);
        items.put(item("D", "c", "second"));
        tx.commit();
        assertThat(committed()).containsExactly("A       a   one", "B       b   two", "D       c   second");
    }

    @Test
    void workAfterRollingBackIsKeptAndTheSavepointCanBeUsedAgain() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint savepoint = tx.savepoint();
        items.put(item("C", "c", "undone"));
        tx.rollbackTo(savepoint);
        items.put(item("D", "d", "kept"));
        Transaction.Savepoint later = tx.savepoint();
        items.put(item("E", "e", "undone"));
        tx.rollbackTo(later);
        tx.release(later);
        tx.commit();
        assertThat(committed()).containsExactly("A       a   one", "B       b   two", "D       d   kept");
    }

    @Test
    void releasingASavepointKeepsTheWorkAndAnEarlierSavepointStillUndoesIt() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint outer = tx.savepoint();
        items.put(item("C", "c", "x"));
        Transaction.Savepoint inner = tx.savepoint();
        items.put(item("D", "d", "y"));
        tx.release(inner);
        assertThat(scan(items)).hasSize(4);
        tx.rollbackTo(outer);
        assertThat(scan(items)).containsExactly("A       a   one", "B       b   two");
    }

    @Test
    void locksTakenAfterTheSavepointStayHeldUntilTheTransactionEnds() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint savepoint = tx.savepoint();
        items.get(key("A"));
        items.update(item("A", "a", "changed"));
        tx.rollbackTo(savepoint);

        Transaction other = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream theirs = other.open("items.rms").lockWait(Duration.ZERO);
        assertThatThrownBy(() -> theirs.get(key("A"))).hasFieldOrPropertyWithValue("status", RmsStatus.RLK);
        tx.commit();
        assertThat(text(theirs.get(key("A"))).trim()).isEqualTo("A       a   one");
        other.rollback();
    }

    @Test
    void aStreamOnARecordTheUndoneWorkStoredHasNoCurrentRecord() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint savepoint = tx.savepoint();
        items.put(item("C", "c", "new"));
        items.get(key("C"));
        tx.rollbackTo(savepoint);
        assertThatThrownBy(() -> items.update(item("C", "c", "changed"))).hasFieldOrPropertyWithValue("status", RmsStatus.CUR);
    }

    @Test
    void aReleasedRolledPastOrForeignSavepointIsRefusedWithIalAndChangesNothing() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        TransactionStream items = tx.open("items.rms");
        Transaction.Savepoint first = tx.savepoint();
        Transaction.Savepoint second = tx.savepoint();
        Transaction.Savepoint third = tx.savepoint();
        tx.release(third);
        tx.rollbackTo(first);
        Transaction other = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        Transaction.Savepoint foreign = other.savepoint();
        items.put(item("C", "c", "kept"));
        for (Transaction.Savepoint invalid : new Transaction.Savepoint[] {second, third, foreign, null}) {
            assertThatThrownBy(() -> tx.rollbackTo(invalid)).as(String.valueOf(invalid))
                    .hasFieldOrPropertyWithValue("status", RmsStatus.IAL).hasMessageContaining("not a savepoint");
        }
        assertThat(scan(items)).contains("C       c   kept");
        other.rollback();
    }

    @Test
    void aTransactionThatCanOnlyBeRolledBackCannotRollBackToASavepoint() {
        Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
        Transaction.Savepoint savepoint = tx.savepoint();
        tx.setRollbackOnly();
        assertThatThrownBy(() -> tx.rollbackTo(savepoint)).hasFieldOrPropertyWithValue("status", RmsStatus.TXSTATE);
        assertThatThrownBy(tx::savepoint).hasFieldOrPropertyWithValue("status", RmsStatus.TXSTATE);
        tx.rollback();
        tx.release(savepoint);
    }
}
