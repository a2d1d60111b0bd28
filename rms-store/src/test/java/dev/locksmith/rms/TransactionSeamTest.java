package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hooks the transaction layer builds on: streams for a caller's owner, key locks, one service for many changes. */
class TransactionSeamTest {
    @TempDir
    Path dir;
    LockManager manager;
    RmsFile file;

    @BeforeEach
    void create() {
        manager = LockManager.builder().name("seams").build();
        file = RmsFile.create(dir.resolve("seam.rms"), indexed(30), RmsFile.Options.DEFAULT, writeShared(manager));
        try (RecordStream loader = file.stream()) {
            loader.put(row("A0000001", "first"));
            loader.put(row("A0000002", "second"));
        }
    }

    @AfterEach
    void close() {
        file.close();
        manager.close();
    }

    @Test
    void aStreamForACallersOwnerKeepsItsRecordLocksAcrossOperations() {
        LockOwner transaction = manager.newOwner("tx");
        RecordStream stream = file.stream(StreamOptions.forOwner(transaction));
        stream.get(0, ascii("A0000001"));
        stream.get(0, ascii("A0000002"));

        RecordStream other = file.stream();
        assertThatThrownBy(() -> other.get(0, ascii("A0000001")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));
        transaction.close();
        assertThat(text(other.get(0, ascii("A0000001")))).startsWith("A0000001first");
    }

    @Test
    void aDefaultStreamReleasesItsRecordLockOnItsNextOperation() {
        RecordStream stream = file.stream();
        stream.get(0, ascii("A0000001"));
        stream.get(0, ascii("A0000002"));

        assertThat(text(file.stream().get(0, ascii("A0000001")))).startsWith("A0000001first");
    }

    @Test
    void twoOwnersCannotBothLockOneUniqueKeyValue() {
        LockOwner first = manager.newOwner("tx1");
        LockOwner second = manager.newOwner("tx2");
        file.locks().lockKey(first, 0, ascii("NEWKEY01"), LockMode.EX, RecordOptions.DEFAULT);

        assertThatThrownBy(() -> file.locks().lockKey(second, 0, ascii("NEWKEY01"), LockMode.EX, RecordOptions.DEFAULT))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));
        file.locks().lockKey(second, 0, ascii("NEWKEY02"), LockMode.EX, RecordOptions.DEFAULT);
    }

    @Test
    void aWaitForALockedRecordEndsWithTmoAfterItsTimeout() {
        LockOwner first = manager.newOwner("tx1");
        LockOwner second = manager.newOwner("tx2");
        Rfa rfa;
        try (RecordStream finder = file.stream()) {
            rfa = finder.find(0, ascii("A0000001"), KeyMatch.EQ);
        }
        file.locks().lockRecord(first, rfa, LockMode.EX, RecordOptions.DEFAULT);

        assertThatThrownBy(() -> file.locks().lockRecord(second, rfa, LockMode.PR, RecordOptions.waitSeconds(1)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.TMO));
    }

    @Test
    void performAppliesSeveralChangesAsOneServiceOrNone() {
        LockOwner transaction = manager.newOwner("tx");
        file.perform(transaction, "commit", () -> {
            file.organization().put(row("B0000001", "x"));
            file.organization().put(row("B0000002", "y"));
            return null;
        });
        assertThatThrownBy(() -> file.perform(transaction, "commit", () -> {
            file.organization().put(row("B0000003", "z"));
            return file.organization().put(row("A0000001", "duplicate"));
        })).isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.DUP));

        RecordStream reader = file.stream();
        assertThat(text(reader.get(0, ascii("B0000002")))).startsWith("B0000002y");
        assertThatThrownBy(() -> reader.get(0, ascii("B0000003")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void releaseAllGivesBackEveryLockOfAnOwnerOnTheFile() {
        LockOwner transaction = manager.newOwner("tx");
        RecordStream stream = file.stream(StreamOptions.forOwner(transaction));
        stream.get(0, ascii("A0000001"));
        file.locks().lockKey(transaction, 0, ascii("NEWKEY01"), LockMode.EX, RecordOptions.DEFAULT);

        file.locks().releaseAll(transaction);

        assertThat(transaction.locks()).isEmpty();
        assertThat(text(file.stream().get(0, ascii("A0000001")))).startsWith("A0000001first");
    }
}
