package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.bucket.Bucket;
import dev.locksmith.rms.bucket.BucketLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RRV space: a descending load into one-block buckets keeps inserting into the bucket that is home
 * to every record moved so far, so that bucket fills with RRVs (this used to fail the insert with
 * status BUG). It is now retired from the tree as an RRV-only bucket; RFAs keep resolving, deletes
 * free RRVs and finally the retired bucket, and the analyzer counts and checks all of it.
 */
class RrvReclamationTest {
    private static final int COUNT = 3000;
    @TempDir
    Path dir;
    RmsFile file;
    RecordStream stream;
    /** RFA of each record number, in the order stored (descending keys). */
    final Map<Integer, Rfa> rfas = new LinkedHashMap<>();

    private static FileDefinition definition() {
        return FileDefinition.builder(Organization.INDEXED).recordSize(24).bucketSize(1)
                .key(KeyDefinition.builder(0).segment(0, 4).build())
                .build();
    }

    private static byte[] record(int n, int size) {
        return padded(String.format("%04d", n), size);
    }

    @BeforeEach
    void create() {
        file = RmsFile.create(dir.resolve("rrv.rms"), definition());
        stream = file.stream();
    }

    @AfterEach
    void close() {
        file.close();
    }

    private void loadDescending(int count) {
        for (int n = count - 1; n >= 0; n--) {
            rfas.put(n, stream.put(record(n, 8)));
        }
    }

    private Bucket home(Rfa rfa) {
        return file.run("inspect", () -> file.access().readIfPresent(rfa.bucket()));
    }

    private boolean isForwarded(Rfa rfa) {
        Bucket home = home(rfa);
        return home != null && home.findRrv(rfa.id()) >= 0;
    }

    private Map<Long, List<Integer>> recordsByRetiredHome() {
        return rfas.entrySet().stream()
                .filter(entry -> home(entry.getValue()).kind() == BucketLayout.KIND_RRV)
                .collect(Collectors.groupingBy(entry -> entry.getValue().bucket(),
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
    }

    private static void assertRnf(Runnable service) {
        assertThatThrownBy(service::run)
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RNF));
    }

    @Test
    void insertIntoAHomeBucketFullOfRrvsSucceeds() {
        loadDescending(COUNT);

        assertThat(recordsByRetiredHome()).as("a home bucket filled with RRVs and was retired").isNotEmpty();
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.recordCount()).isEqualTo(COUNT);
    }

    @Test
    void rfasTakenBeforeTheirHomeWasRetiredStillResolve() {
        loadDescending(COUNT);

        Map<Long, List<Integer>> retired = recordsByRetiredHome();
        assertThat(retired).isNotEmpty();
        for (List<Integer> numbers : retired.values()) {
            for (int n : numbers) {
                assertThat(stream.get(rfas.get(n))).isEqualTo(record(n, 8));
            }
        }
        rfas.forEach((n, rfa) -> assertThat(stream.get(rfa)).isEqualTo(record(n, 8)));
    }

    @Test
    void updatesThatGrowRecordsAfterRetirementKeepEveryRfa() {
        loadDescending(COUNT);

        rfas.forEach((n, rfa) -> {
            stream.get(rfa);
            stream.update(record(n, 24));
        });

        rfas.forEach((n, rfa) -> assertThat(stream.get(rfa)).isEqualTo(record(n, 24)));
        assertThat(FileAnalyzer.analyze(file).problems()).isEmpty();
    }

    @Test
    void deletingAForwardedRecordFreesItsRrv() {
        loadDescending(COUNT);
        int n = rfas.keySet().stream()
                .filter(k -> isForwarded(rfas.get(k)) && home(rfas.get(k)).kind() == BucketLayout.KIND_DATA)
                .findFirst().orElseThrow();
        Rfa rfa = rfas.get(n);
        long rrvsBefore = FileAnalyzer.analyze(file).structures().get(0).rrvs();

        stream.get(rfa);
        stream.delete();

        assertThat(home(rfa).findRrv(rfa.id())).isNegative();
        assertThat(FileAnalyzer.analyze(file).structures().get(0).rrvs()).isEqualTo(rrvsBefore - 1);
        assertRnf(() -> stream.get(rfa));
    }

    @Test
    void deletingTheLastMovedRecordOfARetiredBucketFreesTheBucket() {
        loadDescending(COUNT);
        Map<Long, List<Integer>> retired = recordsByRetiredHome();
        long bucket = retired.keySet().iterator().next();
        long retiredBefore = FileAnalyzer.analyze(file).structures().get(0).rrvBuckets();

        for (int n : retired.get(bucket)) {
            stream.get(rfas.get(n));
            stream.delete();
        }

        assertThat(home(new Rfa(bucket, 0))).as("bucket %d is freed", bucket).isNull();
        AnalysisReport report = FileAnalyzer.analyze(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.structures().get(0).rrvBuckets()).isEqualTo(retiredBefore - 1);
        assertRnf(() -> stream.get(rfas.get(retired.get(bucket).get(0))));
    }

    @Test
    void analyzerCountsEveryRrvIncludingThoseInRetiredBuckets() {
        loadDescending(COUNT);
        long forwarded = rfas.values().stream().filter(this::isForwarded).count();
        long retiredBuckets = recordsByRetiredHome().size();

        AnalysisReport report = FileAnalyzer.analyze(file);

        assertThat(report.problems()).isEmpty();
        assertThat(report.structures().get(0).rrvs()).isEqualTo(forwarded);
        assertThat(report.structures().get(0).rrvBuckets()).isEqualTo(retiredBuckets);
        assertThat(report.format()).contains("RRVs " + forwarded + " (" + retiredBuckets + " retired RRV-only buckets)");
    }

    @Test
    void analyzerReportsAWrongRrvInARetiredBucket() {
        loadDescending(COUNT);
        long bucket = recordsByRetiredHome().keySet().iterator().next();
        file.run("damage", () -> {
            Bucket retired = file.access().read(bucket);
            file.access().write(bucket, retired.withRrv(retired.rrvRecordId(0), bucket));
            return null;
        });

        assertThat(FileAnalyzer.analyze(file).problems())
                .anySatisfy(problem -> assertThat(problem).contains("bucket " + bucket));
    }

    @Test
    void retiredBucketsTakeNoPartInKeyedAccessOrSequentialReads() {
        loadDescending(COUNT);

        stream.rewind(0);
        for (int n = 0; n < COUNT; n++) {
            assertThat(stream.next()).isEqualTo(record(n, 8));
        }
        assertThat(stream.get(0, record(COUNT / 2, 4))).isEqualTo(record(COUNT / 2, 8));
    }
}
