package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of inserts that force bucket splits at every level, then a full analysis. */
class SplitTest {
    private static final int COUNT = 5000;
    @TempDir
    Path dir;

    private static FileDefinition definition(int dataFill) {
        return FileDefinition.builder(Organization.INDEXED).recordSize(64).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 10).dataFill(dataFill).indexFill(dataFill).build())
                .key(KeyDefinition.builder(1).segment(10, 3).duplicates(true).changes(true).build())
                .key(KeyDefinition.builder(2).type(KeyType.INT4).descending(true).segment(13, 4).build())
                .build();
    }

    private static byte[] record(int n) {
        byte[] record = padded(String.format("%010d%03d", n * 7, n % 50), 17 + n % 40);
        System.arraycopy(int4(n), 0, record, 13, 4);
        return record;
    }

    private static List<Integer> numbers(boolean shuffled) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            numbers.add(i);
        }
        if (shuffled) {
            Collections.shuffle(numbers, new Random(42));
        }
        return numbers;
    }

    @Test
    void randomInsertsLeaveAConsistentMultiLevelTree() {
        try (RmsFile file = RmsFile.create(dir.resolve("random.rms"), definition(100))) {
            RecordStream stream = file.stream();
            for (int n : numbers(true)) {
                stream.put(record(n));
            }
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.structures()).allSatisfy(s -> assertThat(s.records()).isEqualTo(COUNT));
            assertThat(report.structures().get(0).depth()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void sortedInsertsLeaveAConsistentTree() {
        try (RmsFile file = RmsFile.create(dir.resolve("sorted.rms"), definition(100))) {
            RecordStream stream = file.stream();
            for (int n : numbers(false)) {
                stream.put(record(n));
            }
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.recordCount()).isEqualTo(COUNT);
        }
    }

    @Test
    void sortedLoadFillsDataBucketsToDataFill() {
        double fill100;
        double fill70;
        try (RmsFile file = RmsFile.create(dir.resolve("fill100.rms"), definition(100))) {
            numbers(false).forEach(n -> file.stream().put(record(n)));
            fill100 = FileAnalyzer.analyze(file).structures().get(0).leafFill();
        }
        try (RmsFile file = RmsFile.create(dir.resolve("fill70.rms"), definition(70))) {
            numbers(false).forEach(n -> file.stream().put(record(n)));
            fill70 = FileAnalyzer.analyze(file).structures().get(0).leafFill();
        }
        assertThat(fill100).isGreaterThan(0.9);
        assertThat(fill70).isBetween(0.6, 0.75);
    }

    @Test
    void randomInsertsSplitBucketsAboutInHalf() {
        try (RmsFile file = RmsFile.create(dir.resolve("half.rms"), definition(100))) {
            numbers(true).forEach(n -> file.stream().put(record(n)));
            assertThat(FileAnalyzer.analyze(file).structures().get(0).leafFill()).isBetween(0.55, 0.85);
        }
    }

    @Test
    void everyRfaStillAddressesItsRecordAfterSplitsUpdatesAndDeletes() {
        Map<Integer, Rfa> rfas = new HashMap<>();
        try (RmsFile file = RmsFile.create(dir.resolve("rfa.rms"), definition(100))) {
            RecordStream stream = file.stream();
            for (int n : numbers(true)) {
                rfas.put(n, stream.put(record(n)));
            }
            Random random = new Random(7);
            for (int i = 0; i < 500; i++) {
                int n = random.nextInt(COUNT);
                if (!rfas.containsKey(n)) {
                    continue;
                }
                stream.get(rfas.get(n));
                if (i % 2 == 0) {
                    stream.delete();
                    rfas.remove(n);
                } else {
                    byte[] longer = padded(String.format("%010d%03d", n * 7, (n + 1) % 50), 64);
                    System.arraycopy(int4(n), 0, longer, 13, 4);
                    stream.update(longer);
                }
            }
            for (Map.Entry<Integer, Rfa> entry : rfas.entrySet()) {
                assertThat(text(stream.get(entry.getValue()))).startsWith(String.format("%010d", entry.getKey() * 7));
            }
            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.recordCount()).isEqualTo(rfas.size());
            assertThat(report.structures().get(0).rrvs()).isPositive();
        }
    }

    @Test
    void alternateKeyOrderHoldsAfterSplits() {
        try (RmsFile file = RmsFile.create(dir.resolve("alt.rms"), definition(100))) {
            RecordStream stream = file.stream();
            numbers(true).forEach(n -> stream.put(record(n)));
            stream.rewind(2);
            for (int expected = COUNT - 1; expected >= 0; expected--) {
                assertThat(java.nio.ByteBuffer.wrap(stream.next(), 13, 4).getInt()).isEqualTo(expected);
            }
        }
    }
}
