package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.index.BTree;
import dev.locksmith.rms.org.IndexedOrganization;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analyzer finds damage that the services themselves never cause, planted through the internals. */
class FileAnalyzerTest {
    @TempDir
    Path dir;
    RmsFile file;

    @BeforeEach
    void load() {
        file = RmsFile.create(dir.resolve("analyzed.rms"),
                indexed(40, KeyDefinition.builder(1).segment(8, 4).duplicates(true).build()));
        RecordStream stream = file.stream();
        for (int i = 0; i < 400; i++) {
            stream.put(padded(String.format("%08d%04d", (i * 7919) % 400, i % 13), 20 + i % 20));
        }
    }

    @AfterEach
    void close() {
        file.close();
    }

    private IndexedOrganization organization() {
        return (IndexedOrganization) file.organization();
    }

    @Test
    void aFileBuiltByTheServicesIsConsistent() {
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.structures()).extracting(AnalysisReport.Structure::records).containsExactly(400L, 400L);
        assertThat(report.format()).contains("No inconsistencies found");
    }

    @Test
    void oneInconsistencyIsCountedInTheSingular() {
        AnalysisReport report = new AnalysisReport(file.definition(), List.of(), List.of("bucket 9: damaged"));
        assertThat(report.format()).contains("1 inconsistency:\n  bucket 9: damaged").doesNotContain("inconsistencies");
    }

    @Test
    void severalInconsistenciesAreCountedInThePlural() {
        AnalysisReport report = new AnalysisReport(file.definition(), List.of(), List.of("bucket 9: damaged", "bucket 10: damaged"));
        assertThat(report.format()).contains("2 inconsistencies:\n");
    }

    @Test
    void aMissingAlternateIndexEntryIsReported() {
        file.run("damage", () -> {
            organization().tree(1).remove(organization().tree(1).first());
            return null;
        });
        assertThat(FileAnalyzer.analyze(file).problems())
                .anySatisfy(problem -> assertThat(problem).contains("key 1 index has 399 entries but 400"));
    }

    @Test
    void aLostForwardingPointerIsReported() {
        file.run("damage", () -> {
            BTree.Position position = organization().tree(0).first();
            for (long id = 2; id < file.access().state().nextBucket(); id++) {
                Bucket bucket = file.access().read(id);
                if (bucket.rrvCount() > 0) {
                    file.access().write(id, bucket.withoutRrv(bucket.rrvRecordId(0)));
                    return null;
                }
            }
            throw new AssertionError("no RRV to remove near " + position.bucketId());
        });
        assertThat(FileAnalyzer.analyze(file).problems()).anySatisfy(problem -> assertThat(problem).contains("does not resolve"));
    }

    @Test
    void aRecordFiledUnderAnotherKeyIsReported() {
        file.run("damage", () -> {
            BTree.Position first = organization().tree(0).first();
            byte[] payload = first.bucket().payload(first.index());
            payload[8] = 'Z';
            file.access().write(first.bucketId(), first.bucket().withPayload(first.index(), payload));
            return null;
        });
        assertThat(FileAnalyzer.analyze(file).problems()).anySatisfy(problem -> assertThat(problem).contains("not its own"));
    }
}
