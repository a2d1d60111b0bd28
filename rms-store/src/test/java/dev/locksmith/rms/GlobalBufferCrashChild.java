package dev.locksmith.rms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-JVM program of {@link GlobalBufferCrashTest}: creates an indexed file (argument 1) with 32
 * global buffers and {@link Durability#COMMIT}, loads {@value #RECORDS} records, then reads and
 * updates them round after round through two streams, printing {@code COMMITTED <key> <version>}
 * after each update returned, until it is killed.
 */
public final class GlobalBufferCrashChild {
    static final int RECORDS = 2000;
    static final int BUFFERS = 32;

    private GlobalBufferCrashChild() {
    }

    static String key(int i) {
        return String.format("G%07d", i);
    }

    static byte[] record(int i, long version) {
        return SharedFiles.row(key(i), String.format("%012d", version));
    }

    public static void main(String[] args) {
        RmsFile file = RmsFile.create(Path.of(args[0]), Records.indexed(30),
                RmsFile.Options.DEFAULT.withDurability(Durability.COMMIT).withGlobalBuffers(BUFFERS));
        try (RecordStream loader = file.stream()) {
            List<byte[]> rows = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                rows.add(record(i, 0));
            }
            loader.putAll(rows);
        }
        System.out.println("LOADED");
        RecordStream reader = file.stream();
        RecordStream writer = file.stream();
        for (long version = 1; ; version++) {
            for (int i = 0; i < RECORDS; i += 3) {
                reader.get(0, Records.ascii(key((i * 7) % RECORDS)));
                writer.get(0, Records.ascii(key(i)));
                writer.update(record(i, version));
                System.out.println("COMMITTED " + i + " " + version);
            }
            System.out.flush();
        }
    }
}
