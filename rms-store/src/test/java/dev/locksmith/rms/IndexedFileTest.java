package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexed files: records of 30 bytes, primary key bytes 0-7 (unique), key 1 bytes 8-11 (duplicates,
 * changes), key 2 bytes 12-15 (unique, no changes).
 */
class IndexedFileTest {
    @TempDir
    Path dir;
    RmsFile file;
    RecordStream stream;

    @BeforeEach
    void create() {
        file = RmsFile.create(dir.resolve("indexed.rms"), indexed(30,
                KeyDefinition.builder(1).segment(8, 4).duplicates(true).changes(true).build(),
                KeyDefinition.builder(2).segment(12, 4).build()));
        stream = file.stream();
    }

    @AfterEach
    void close() {
        file.close();
    }

    private static byte[] record(String primary, String colour, String code) {
        return padded(primary + colour + code + "..", 18);
    }

    private List<String> readAll(int key) {
        List<String> primaries = new ArrayList<>();
        stream.rewind(key);
        while (true) {
            try {
                primaries.add(text(stream.next()).substring(0, 8));
            } catch (RmsException e) {
                assertThat(e.status()).isEqualTo(RmsStatus.EOF);
                return primaries;
            }
        }
    }

    @Test
    void getByPrimaryKeyReturnsTheRecordStored() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        assertThat(text(stream.get(0, ascii("CUST0001")))).isEqualTo(text(record("CUST0001", "BLUE", "C001")));
    }

    @Test
    void getOfMissingKeyFailsWithRnf() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        assertThatThrownBy(() -> stream.get(0, ascii("CUST0002")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void greaterOrEqualAndGreaterThanFindTheNextKey() {
        stream.put(record("CUST0010", "BLUE", "C001"));
        stream.put(record("CUST0020", "BLUE", "C002"));
        assertThat(text(stream.get(0, ascii("CUST0015"), KeyMatch.GE))).startsWith("CUST0020");
        assertThat(text(stream.get(0, ascii("CUST0010"), KeyMatch.GE))).startsWith("CUST0010");
        assertThat(text(stream.get(0, ascii("CUST0010"), KeyMatch.GT))).startsWith("CUST0020");
        assertThatThrownBy(() -> stream.get(0, ascii("CUST0020"), KeyMatch.GT))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void genericKeyMatchesTheFirstRecordWithThatPrefix() {
        stream.put(record("ABC00001", "BLUE", "C001"));
        stream.put(record("ABD00001", "BLUE", "C002"));
        stream.put(record("ABD00002", "BLUE", "C003"));
        assertThat(text(stream.get(0, ascii("ABD")))).startsWith("ABD00001");
        assertThat(text(stream.next())).startsWith("ABD00002");
        assertThat(text(stream.get(0, ascii("ABC"), KeyMatch.GT))).startsWith("ABD00001");
        assertThatThrownBy(() -> stream.get(0, ascii("ABE")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void duplicatePrimaryKeyFailsWithDupAndLeavesFileUnchanged() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        assertThatThrownBy(() -> stream.put(record("CUST0001", "RED.", "C002")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.DUP));
        assertThat(readAll(0)).containsExactly("CUST0001");
        assertThat(readAll(2)).containsExactly("CUST0001");
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void duplicateUniqueAlternateKeyFailsWithDupAndStoresNothing() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        assertThatThrownBy(() -> stream.put(record("CUST0002", "RED.", "C001")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.DUP));
        assertThat(readAll(0)).containsExactly("CUST0001");
        assertThat(readAll(1)).containsExactly("CUST0001");
    }

    @Test
    void alternateKeyDuplicatesComeBackInInsertionOrder() {
        stream.put(record("CUST0003", "BLUE", "C001"));
        stream.put(record("CUST0001", "RED.", "C002"));
        stream.put(record("CUST0002", "BLUE", "C003"));
        stream.put(record("CUST0000", "BLUE", "C004"));
        assertThat(text(stream.get(1, ascii("BLUE")))).startsWith("CUST0003");
        assertThat(text(stream.next())).startsWith("CUST0002");
        assertThat(text(stream.next())).startsWith("CUST0000");
        assertThat(text(stream.next())).startsWith("CUST0001");
    }

    @Test
    void sequentialReadFollowsEachKeysOrder() {
        stream.put(record("CUST0002", "AAAA", "C003"));
        stream.put(record("CUST0001", "CCCC", "C001"));
        stream.put(record("CUST0003", "BBBB", "C002"));
        assertThat(readAll(0)).containsExactly("CUST0001", "CUST0002", "CUST0003");
        assertThat(readAll(1)).containsExactly("CUST0002", "CUST0003", "CUST0001");
        assertThat(readAll(2)).containsExactly("CUST0001", "CUST0003", "CUST0002");
    }

    @Test
    void updateMayChangeAnAlternateKeyWithChanges() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.get(0, ascii("CUST0001"));
        stream.update(record("CUST0001", "RED.", "C001"));
        assertThat(text(stream.get(1, ascii("RED.")))).startsWith("CUST0001");
        assertThatThrownBy(() -> stream.get(1, ascii("BLUE")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void updateChangingAKeyWithoutChangesFailsWithChgAndChangesNothing() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.get(0, ascii("CUST0001"));
        assertThatThrownBy(() -> stream.update(record("CUST0001", "RED.", "C009")))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.CHG);
                    assertThat(e.getMessage()).contains("key 2");
                });
        assertThat(text(stream.get(2, ascii("C001")))).isEqualTo(text(record("CUST0001", "BLUE", "C001")));
    }

    @Test
    void updateChangingThePrimaryKeyFailsWithChg() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.get(0, ascii("CUST0001"));
        assertThatThrownBy(() -> stream.update(record("CUST0009", "BLUE", "C001")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CHG));
        assertThat(readAll(0)).containsExactly("CUST0001");
    }

    @Test
    void updateToALongerRecordKeepsEverythingFindable() {
        for (int i = 0; i < 200; i++) {
            stream.put(padded(String.format("K%07dCOL%dC%03d", i, i % 3, i), 16));
        }
        List<Rfa> rfas = new ArrayList<>();
        for (int i = 0; i < 200; i += 2) {
            stream.get(0, ascii(String.format("K%07d", i)));
            rfas.add(stream.currentRfa());
            stream.update(padded(String.format("K%07dCOL%dC%03d", i, i % 3, i), 30));
        }
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
        for (int i = 0; i < rfas.size(); i++) {
            assertThat(stream.get(rfas.get(i))).hasSize(30);
        }
    }

    @Test
    void putAllStoresNothingWhenOneRecordIsRejected() {
        stream.put(record("CUST0002", "BLUE", "C002"));
        List<byte[]> batch = List.of(record("CUST0001", "BLUE", "C001"), record("CUST0003", "RED.", "C003"),
                record("CUST0002", "RED.", "C009"), record("CUST0004", "RED.", "C004"));
        assertThatThrownBy(() -> stream.putAll(batch))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.DUP);
                    assertThat(e.getMessage()).contains("record 2 of the batch");
                });
        assertThat(readAll(0)).containsExactly("CUST0002");
        assertThat(readAll(1)).containsExactly("CUST0002");
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void failedSplittingBatchLeavesTheTreeAsItWas() {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(padded(String.format("K%07dCOL%dC%03d", i, i % 3, i % 1000), 30));
        }
        batch.add(padded("K0000000COL9C999", 30));
        assertThatThrownBy(() -> stream.putAll(batch))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.DUP));
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.recordCount()).isZero();
        assertThat(report.structures().get(0).depth()).isEqualTo(1);
        stream.putAll(batch.subList(0, 500));
        assertThat(FileAnalyzer.analyze(file).recordCount()).isEqualTo(500);
    }

    @Test
    void findReturnsTheRfaAndMakesTheRecordCurrent() {
        Rfa stored = stream.put(record("CUST0001", "BLUE", "C001"));
        assertThat(stream.find(2, ascii("C001"), KeyMatch.EQ)).isEqualTo(stored);
        stream.delete();
        assertThat(readAll(0)).isEmpty();
    }

    @Test
    void flushedRecordsAreInTheFileOnDisk() throws java.io.IOException {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.flush();
        // a copy of the open file is what a crash would leave behind
        Path copy = java.nio.file.Files.copy(dir.resolve("indexed.rms"), dir.resolve("copy.rms"));
        try (RmsFile crashed = RmsFile.open(copy)) {
            assertThat(text(crashed.stream().get(0, ascii("CUST0001")))).startsWith("CUST0001BLUE");
        }
    }

    @Test
    void putOrUpdateStoresANewRecord() {
        Rfa rfa = stream.putOrUpdate(record("CUST0001", "BLUE", "C001"));
        assertThat(text(stream.get(rfa))).startsWith("CUST0001BLUE");
    }

    @Test
    void putOrUpdateReplacesTheRecordWithTheSamePrimaryKeyKeepingItsRfa() {
        Rfa rfa = stream.put(record("CUST0001", "BLUE", "C001"));
        assertThat(stream.putOrUpdate(record("CUST0001", "RED.", "C001"))).isEqualTo(rfa);
        assertThat(readAll(0)).containsExactly("CUST0001");
        assertThat(text(stream.get(1, ascii("RED.")))).startsWith("CUST0001RED.");
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void putOrUpdateFollowsTheUpdateRulesForAlternateKeys() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        assertThatThrownBy(() -> stream.putOrUpdate(record("CUST0001", "BLUE", "C002")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CHG));
    }

    @Test
    void deleteRemovesTheRecordFromEveryIndex() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.put(record("CUST0002", "BLUE", "C002"));
        stream.get(0, ascii("CUST0001"));
        stream.delete();
        assertThat(readAll(0)).containsExactly("CUST0002");
        assertThat(readAll(1)).containsExactly("CUST0002");
        assertThat(readAll(2)).containsExactly("CUST0002");
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void nextAfterDeleteContinuesWithTheFollowingRecord() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.put(record("CUST0002", "BLUE", "C002"));
        stream.rewind(0);
        stream.next();
        stream.delete();
        assertThat(text(stream.next())).startsWith("CUST0002");
    }

    @Test
    void deletingTwiceFailsWithCur() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.get(0, ascii("CUST0001"));
        stream.delete();
        assertThatThrownBy(() -> stream.delete())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CUR));
    }

    @Test
    void updateWithoutCurrentRecordFailsWithCur() {
        assertThatThrownBy(() -> stream.update(record("CUST0001", "BLUE", "C001")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CUR));
    }

    @Test
    void getByRfaReturnsTheRecordPutThere() {
        Rfa rfa = stream.put(record("CUST0001", "BLUE", "C001"));
        stream.put(record("CUST0002", "BLUE", "C002"));
        assertThat(text(stream.get(rfa))).startsWith("CUST0001");
        assertThat(stream.currentRfa()).isEqualTo(rfa);
    }

    @Test
    void getByRfaOfDeletedRecordFailsWithRnf() {
        Rfa rfa = stream.put(record("CUST0001", "BLUE", "C001"));
        stream.get(rfa);
        stream.delete();
        assertThatThrownBy(() -> stream.get(rfa))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void getByRfaOutsideTheDataBucketsFailsWithRfaStatus() {
        assertThatThrownBy(() -> stream.get(new Rfa(999, 0)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RFA));
        assertThatThrownBy(() -> stream.get(new Rfa(1, 0)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RFA));
    }

    @Test
    void recordTooLongFailsWithRtb() {
        assertThatThrownBy(() -> stream.put(padded("CUST0001BLUEC001", 31)))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.RTB);
                    assertThat(e.getMessage()).contains("31").contains("30");
                });
    }

    @Test
    void recordTooShortForThePrimaryKeyFailsWithRtb() {
        assertThatThrownBy(() -> stream.put(ascii("CUST")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RTB));
    }

    @Test
    void recordTooShortForAnAlternateKeyIsLeftOutOfThatIndex() {
        stream.put(ascii("CUST0001BLUE"));
        assertThat(readAll(0)).containsExactly("CUST0001");
        assertThat(readAll(1)).containsExactly("CUST0001");
        assertThat(readAll(2)).isEmpty();
        assertThat(FileAnalyzer.analyze(file).consistent()).isTrue();
    }

    @Test
    void keyLongerThanTheKeyFailsWithKey() {
        assertThatThrownBy(() -> stream.get(0, ascii("CUST00012")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.KEY));
    }

    @Test
    void unknownKeyOfReferenceFailsWithKrf() {
        assertThatThrownBy(() -> stream.get(3, ascii("X")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.KRF));
        assertThatThrownBy(() -> stream.rewind(-1))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.KRF));
    }

    @Test
    void nextAtEndFailsWithEof() {
        stream.put(record("CUST0001", "BLUE", "C001"));
        stream.rewind(0);
        stream.next();
        assertThatThrownBy(() -> stream.next())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.EOF));
    }

    @Test
    void truncateIsRefusedWithOrg() {
        assertThatThrownBy(() -> stream.truncate())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.ORG));
    }

    @Test
    void recordsSurviveCloseAndReopen() {
        Rfa rfa = stream.put(record("CUST0001", "BLUE", "C001"));
        file.close();
        file = RmsFile.open(dir.resolve("indexed.rms"));
        stream = file.stream();
        assertThat(text(stream.get(rfa))).startsWith("CUST0001");
        assertThat(file.definition().keys()).hasSize(3);
    }

    @Test
    void creatingAnExistingFileFailsWithFex() {
        assertThatThrownBy(() -> RmsFile.create(dir.resolve("indexed.rms"), indexed(30)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FEX));
    }

    @Test
    void openingAMissingFileFailsWithFnf() {
        assertThatThrownBy(() -> RmsFile.open(dir.resolve("missing.rms")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FNF));
    }

    @Test
    void servicesOnAClosedFileFailWithClosed() {
        file.close();
        assertThatThrownBy(() -> stream.put(record("CUST0001", "BLUE", "C001")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.CLOSED));
    }
}
