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

class RelativeFileTest {
    @TempDir
    Path dir;
    RmsFile file;
    RecordStream stream;

    @BeforeEach
    void create() {
        file = RmsFile.create(dir.resolve("rel.rms"),
                FileDefinition.builder(Organization.RELATIVE).format(RecordFormat.FIXED).recordSize(20).bucketSize(1).build());
        stream = file.stream();
    }

    @AfterEach
    void close() {
        file.close();
    }

    private List<String> readAll() {
        List<String> records = new ArrayList<>();
        stream.rewind();
        while (true) {
            try {
                records.add(text(stream.next()).trim());
            } catch (RmsException e) {
                assertThat(e.status()).isEqualTo(RmsStatus.EOF);
                return records;
            }
        }
    }

    @Test
    void cellsAreReadByRecordNumber() {
        stream.put(5, padded("five", 20));
        stream.put(500, padded("five hundred", 20));
        assertThat(text(stream.get(500)).trim()).isEqualTo("five hundred");
        assertThat(text(stream.get(5)).trim()).isEqualTo("five");
    }

    @Test
    void emptyCellFailsWithRnf() {
        stream.put(5, padded("five", 20));
        assertThatThrownBy(() -> stream.get(4))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void sequentialReadSkipsEmptyCells() {
        stream.put(3, padded("three", 20));
        stream.put(70, padded("seventy", 20));
        stream.put(1, padded("one", 20));
        assertThat(readAll()).containsExactly("one", "three", "seventy");
    }

    @Test
    void putWithoutNumberTakesTheCellAfterTheHighest() {
        stream.put(10, padded("ten", 20));
        Rfa rfa = stream.put(padded("eleven", 20));
        assertThat(text(stream.get(11)).trim()).isEqualTo("eleven");
        assertThat(text(stream.get(rfa)).trim()).isEqualTo("eleven");
    }

    @Test
    void putIntoAnOccupiedCellFailsWithRex() {
        stream.put(2, padded("two", 20));
        assertThatThrownBy(() -> stream.put(2, padded("again", 20)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.REX));
        assertThat(readAll()).containsExactly("two");
    }

    @Test
    void deleteLeavesAHoleThatCanBeFilledAgain() {
        stream.put(1, padded("one", 20));
        stream.put(2, padded("two", 20));
        stream.put(3, padded("three", 20));
        stream.get(2);
        stream.delete();
        assertThat(readAll()).containsExactly("one", "three");
        stream.put(2, padded("two again", 20));
        assertThat(readAll()).containsExactly("one", "two again", "three");
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
    }

    @Test
    void updateReplacesTheCell() {
        stream.put(7, padded("seven", 20));
        stream.get(7);
        stream.update(padded("SEVEN", 20));
        assertThat(text(stream.get(7)).trim()).isEqualTo("SEVEN");
    }

    @Test
    void keyedGreaterOrEqualFindsTheNextOccupiedCell() {
        stream.put(40, padded("forty", 20));
        assertThat(text(stream.get(0, int4(3), KeyMatch.GE)).trim()).isEqualTo("forty");
    }

    @Test
    void recordNumberZeroFailsWithKey() {
        assertThatThrownBy(() -> stream.put(0, padded("zero", 20)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.KEY));
    }

    @Test
    void fixedRecordOfTheWrongSizeFailsWithRtb() {
        assertThatThrownBy(() -> stream.put(1, ascii("short")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RTB));
    }

    @Test
    void manyCellsAcrossBucketsAnalyzeClean() {
        for (int n = 1; n <= 2000; n += 3) {
            stream.put(n, padded("cell " + n, 20));
        }
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.recordCount()).isEqualTo(667);
    }

}
