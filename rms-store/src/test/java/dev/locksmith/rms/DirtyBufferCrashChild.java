package dev.locksmith.rms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-JVM program of {@link DirtyBufferCrashTest}: creates an indexed file (argument 1) with
 * {@value #BUFFERS} global buffers, deferred durability and a commit interval no run outlasts, loads
 * {@value #RECORDS} records at version 0, then updates every third record round after round (round
 * r writes version r), flushing the file after every {@value #FLUSH_EVERY} updates, until it is
 * killed. After each update it prints {@code UPDATED <n> <dirty buckets>}; after each flush,
 * {@code FLUSHED <n>}: the first n updates are durable.
 */
public final class DirtyBufferCrashChild {
    static final int RECORDS = 2000;
    static final int BUFFERS = 16;
    static final int FLUSH_EVERY = 400;
    /** Updates per round: records 0, 3, 6, ... */
    static final int PER_ROUND = (RECORDS + 2) / 3;

    private DirtyBufferCrashChild() {
    }

    static String key(int i) {
        return String.format("D%07d", i);
    }

    static byte[] record(int i, long version) {
        return SharedFiles.row(key(i), String.format("%012d", version));
    }

    /** The version record {@code i} has after the first {@code updates} updates. */
    static long versionAfter(int i, long updates) {
        if (i % 3 != 0 || updates < i / 3 + 1) {
            return 0;
        }
        return (updates - i / 3 - 1) / PER_ROUND + 1;
    }

    public static void main(String[] args) {
        RmsFile file = RmsFile.create(Path.of(args[0]), Records.indexed(30),
                new RmsFile.Options(64, 3_600_000).withGlobalBuffers(BUFFERS));
        try (RecordStream loader = file.stream()) {
            List<byte[]> rows = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                rows.add(record(i, 0));
            }
            loader.putAll(rows);
        }
        file.flush();
        System.out.println("LOADED");
        RecordStream writer = file.stream();
        long updates = 0;
        for (long version = 1; ; version++) {
            for (int i = 0; i < RECORDS; i += 3) {
                writer.get(0, Records.ascii(key(i)));
                writer.update(record(i, version));
                updates++;
                if (updates % FLUSH_EVERY == 0) {
                    file.flush();
                    System.out.println("FLUSHED " + updates);
                }
                System.out.println("UPDATED " + updates + " " + file.buffers().dirtyBuckets());
            }
        }
    }
}
