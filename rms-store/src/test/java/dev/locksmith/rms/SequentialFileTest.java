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

class SequentialFileTest {
    @TempDir
    Path dir;
    RmsFile file;
    RecordStream stream;

    @BeforeEach
    void create() {
        file = RmsFile.create(dir.resolve("seq.rms"),
                FileDefinition.builder(Organization.SEQUENTIAL).recordSize(100).bucketSize(1).build());
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
                records.add(text(stream.next()));
            } catch (RmsException e) {
                assertThat(e.status()).isEqualTo(RmsStatus.EOF);
                return records;
            }
        }
    }

    @Test
    void recordsReadBackInTheOrderWrittenAcrossBuckets() {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            written.add("record " + i + " " + "x".repeat(i % 50));
            stream.put(ascii(written.get(i)));
        }
        assertThat(readAll()).isEqualTo(written);
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.structures().get(0).leafBuckets()).isGreaterThan(10);
    }

    @Test
    void truncateRemovesTheCurrentRecordAndAllAfterIt() {
        for (int i = 0; i < 100; i++) {
            stream.put(padded("r" + i, 60));
        }
        stream.rewind();
        for (int i = 0; i < 31; i++) {
            stream.next();
        }
        stream.truncate();
        assertThat(readAll()).hasSize(30);
        stream.put(ascii("after truncate"));
        assertThat(readAll()).hasSize(31).last().isEqualTo("after truncate");
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
    }

    @Test
    void updateAtTheSameSizeReplacesTheRecord() {
        stream.put(ascii("first"));
        stream.put(ascii("second"));
        stream.rewind();
        stream.next();
        stream.update(ascii("FIRST"));
        assertThat(readAll()).containsExactly("FIRST", "second");
    }

    @Test
    void updateAtAnotherSizeFailsWithRtbAndChangesNothing() {
        stream.put(ascii("first"));
        stream.rewind();
        stream.next();
        assertThatThrownBy(() -> stream.update(ascii("longer record")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RTB));
        assertThat(readAll()).containsExactly("first");
    }

    @Test
    void deleteIsRefusedWithOrg() {
        stream.put(ascii("first"));
        stream.rewind();
        stream.next();
        assertThatThrownBy(() -> stream.delete())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.ORG));
    }

    @Test
    void keyedAccessIsRefusedWithOrg() {
        assertThatThrownBy(() -> stream.get(0, ascii("x")))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.ORG));
    }

    @Test
    void getByRfaReturnsTheRecordWrittenThere() {
        stream.put(ascii("first"));
        Rfa rfa = stream.put(ascii("second"));
        stream.put(ascii("third"));
        assertThat(text(stream.get(rfa))).isEqualTo("second");
        assertThat(text(stream.next())).isEqualTo("third");
    }

    @Test
    void getByRfaOfTheFilePrologFailsWithRfaStatus() {
        assertThatThrownBy(() -> stream.get(new Rfa(1, 0)))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RFA));
    }

    @Test
    void readingAnEmptyFileFailsWithEof() {
        stream.rewind();
        assertThatThrownBy(() -> stream.next())
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.EOF));
    }
}
