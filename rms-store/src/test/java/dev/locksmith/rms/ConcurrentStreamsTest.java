package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams of one file run concurrently under bucket and record locks, and leave a consistent file. */
class ConcurrentStreamsTest {
    private static final int THREADS = 4;
    private static final int OPERATIONS = 1500;

    @TempDir
    Path dir;

    @Test
    void fourThreadsMixingGetPutUpdateDeleteLeaveAConsistentFileWithEveryChangeKept() throws Exception {
        try (LockManager manager = LockManager.builder().name("concurrent").build();
             RmsFile file = RmsFile.create(dir.resolve("busy.rms"), indexed(30,
                     KeyDefinition.builder(1).segment(8, 4).duplicates(true).changes(true).build()),
                     RmsFile.Options.DEFAULT, writeShared(manager))) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Map<String, String>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> work(file, thread)));
            }
            Map<String, String> expected = new TreeMap<>();
            for (Future<Map<String, String>> result : results) {
                expected.putAll(result.get(5, TimeUnit.MINUTES));
            }
            pool.shutdown();

            AnalysisReport report = FileAnalyzer.analyze(file);
            assertThat(report.problems()).isEmpty();
            assertThat(report.consistent()).isTrue();
            assertThat(contents(file)).isEqualTo(expected);
        }
    }

    /** One thread's mix on its own keys (puts, updates, deletes) and reads of everyone's; returns what it left. */
    private static Map<String, String> work(RmsFile file, int thread) {
        Random random = new Random(thread);
        Map<String, String> mine = new TreeMap<>();
        try (RecordStream stream = file.stream()) {
            stream.options(RecordOptions.of(RecordOption.WAT));
            for (int i = 0; i < OPERATIONS; i++) {
                int choice = random.nextInt(10);
                if (choice < 4 || mine.isEmpty()) {
                    String key = "T" + thread + "K" + String.format("%05d", i);
                    String rest = colour(random) + "v0";
                    stream.put(row(key, rest));
                    mine.put(key, rest);
                } else if (choice < 6) {
                    String key = pick(random, mine);
                    stream.get(0, ascii(key));
                    String rest = colour(random) + "v" + i;
                    stream.update(row(key, rest));
                    mine.put(key, rest);
                } else if (choice < 7) {
                    String key = pick(random, mine);
                    stream.get(0, ascii(key));
                    stream.delete();
                    mine.remove(key);
                } else {
                    // Anyone's records, in key 1 order: walks buckets other threads are splitting.
                    try {
                        stream.get(1, ascii(colour(random)), KeyMatch.GE, RecordOptions.of(RecordOption.NLK, RecordOption.RRL));
                        for (int n = 0; n < 5; n++) {
                            stream.next(RecordOptions.of(RecordOption.NQL));
                        }
                    } catch (RmsException e) {
                        if (e.status() != RmsStatus.EOF && e.status() != RmsStatus.RNF) {
                            throw e;
                        }
                    }
                }
            }
        }
        return mine;
    }

    private static String colour(Random random) {
        return List.of("BLUE", "GREY", "PINK", "TEAL").get(random.nextInt(4));
    }

    private static String pick(Random random, Map<String, String> keys) {
        List<String> list = new ArrayList<>(keys.keySet());
        return list.get(random.nextInt(list.size()));
    }

    private static Map<String, String> contents(RmsFile file) {
        Map<String, String> all = new TreeMap<>();
        try (RecordStream reader = file.stream()) {
            reader.options(RecordOptions.of(RecordOption.NQL));
            while (true) {
                try {
                    String record = text(reader.next());
                    all.put(record.substring(0, 8), record.substring(8).trim());
                } catch (RmsException e) {
                    assertThat(e.status()).isEqualTo(RmsStatus.EOF);
                    return all;
                }
            }
        }
    }
}
