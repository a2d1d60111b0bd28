package dev.locksmith.rms;

import java.nio.file.Path;

/**
 * Child-JVM program of {@link DurabilityTest}: creates an indexed file (argument 1) with the
 * {@link Durability} named by argument 2 and a background commit interval too long to matter, then
 * puts records 0, 1, 2 … printing {@code PUT n} as soon as each put has returned, until it is killed.
 */
public final class DurabilityWriter {
    static final long NEVER_MILLIS = 600_000;

    private DurabilityWriter() {
    }

    static FileDefinition definition() {
        return FileDefinition.builder(Organization.INDEXED).recordSize(40).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 10).build())
                .build();
    }

    static byte[] record(int n) {
        return Records.padded(String.format("%010d written before the kill", n), 40);
    }

    public static void main(String[] args) {
        Durability durability = Durability.valueOf(args[1]);
        RmsFile file = RmsFile.create(Path.of(args[0]), definition(), new RmsFile.Options(16, NEVER_MILLIS, durability));
        RecordStream stream = file.stream();
        for (int n = 0; ; n++) {
            stream.put(record(n));
            System.out.println("PUT " + n);
            System.out.flush();
        }
    }
}
