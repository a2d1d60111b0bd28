package dev.locksmith.rms;

import static dev.locksmith.rms.Records.ascii;
import static dev.locksmith.rms.Records.text;
import static dev.locksmith.rms.SharedFiles.row;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test helper: readers and writers on several openers (nodes) of one indexed file for a bounded
 * time, checking every read against the writes. Writer {@code w} of {@code n} owns the keys
 * {@code k} with {@code k % n == w} and writes them with versions 1, 2, 3…; before an update it
 * records the version as started, after its service returned as finished. A read of key {@code k}
 * must return a version that was started when the read ended (so it was written by someone), and
 * not be older than the version finished when the read began (the last commit that ended before
 * it). Readers use NQL, so they never wait for a writer's record lock.
 */
final class CoherenceChecker {
    static final int KEYS = 64;

    private final AtomicLongArray started = new AtomicLongArray(KEYS);
    private final AtomicLongArray finished = new AtomicLongArray(KEYS);
    private final AtomicReference<String> violation = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();

    static String key(int k) {
        return String.format("C%07d", k);
    }

    /** Loads every key at version 0 through {@code file}. */
    static void load(RmsFile file) {
        try (RecordStream loader = file.stream()) {
            List<byte[]> rows = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                rows.add(row(key(k), version(0)));
            }
            loader.putAll(rows);
        }
    }

    private static String version(long v) {
        return String.format("%012d", v);
    }

    /**
     * Runs one writer per file in {@code writers} and {@code readersPerFile} readers on every file
     * of {@code readers}, for {@code duration}; then waits for all of them.
     */
    void run(List<RmsFile> writers, List<RmsFile> readers, int readersPerFile, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers.size(); w++) {
            int mine = w;
            RmsFile file = writers.get(w);
            threads.add(new Thread(() -> guard(() -> write(file, mine, writers.size(), end)), "writer-" + w));
        }
        for (int r = 0; r < readers.size(); r++) {
            for (int i = 0; i < readersPerFile; i++) {
                RmsFile file = readers.get(r);
                int seed = r * 31 + i;
                threads.add(new Thread(() -> guard(() -> read(file, seed, end)), "reader-" + r + "-" + i));
            }
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
    }

    /** The first violation seen, or null. */
    String violation() {
        return violation.get();
    }

    /** The first unexpected exception a thread died of, or null. */
    Throwable failure() {
        return failure.get();
    }

    private void guard(Runnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void write(RmsFile file, int writer, int writerCount, long end) {
        try (RecordStream stream = file.stream()) {
            long v = 0;
            while (System.nanoTime() < end && violation.get() == null) {
                v++;
                for (int k = writer; k < KEYS; k += writerCount) {
                    stream.get(0, ascii(key(k)));
                    started.set(k, v);
                    stream.update(row(key(k), version(v)));
                    finished.set(k, v);
                    writes.incrementAndGet();
                }
            }
        }
    }

    private void read(RmsFile file, int seed, long end) {
        try (RecordStream stream = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)))) {
            int k = seed % KEYS;
            while (System.nanoTime() < end && violation.get() == null) {
                k = (k * 7 + 3) % KEYS;
                long floor = finished.get(k);
                String record = text(stream.get(0, ascii(key(k))));
                long v = Long.parseLong(record.substring(8, 20));
                long ceiling = started.get(k);
                if (v < floor || v > ceiling) {
                    violation.compareAndSet(null, "key " + key(k) + " read version " + v + " on " + Thread.currentThread().getName()
                            + "; finished before the read: " + floor + ", started by its end: " + ceiling);
                }
                reads.incrementAndGet();
            }
        }
    }
}
