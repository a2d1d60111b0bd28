package dev.locksmith.rms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Child-JVM program of {@link CrashConsistencyTest}: creates an indexed file (argument 1) and loads
 * records in the {@link Order} named by argument 2, printing how many are stored, until it is killed.
 */
public final class CrashLoader {
    static final int SEED = 1234;
    static final int MAX = 200_000;

    private CrashLoader() {
    }

    static FileDefinition definition() {
        return FileDefinition.builder(Organization.INDEXED).recordSize(80).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 10).build())
                .key(KeyDefinition.builder(1).segment(10, 4).duplicates(true).build())
                .key(KeyDefinition.builder(2).segment(14, 10).build())
                .build();
    }

    /** Load orders: seeded random, or descending keys (which fills home buckets with RRVs and retires them). */
    enum Order { RANDOM, DESCENDING }

    static List<Integer> order(Order order) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            numbers.add(i);
        }
        if (order == Order.RANDOM) {
            Collections.shuffle(numbers, new Random(SEED));
        } else {
            Collections.reverse(numbers);
        }
        return numbers;
    }

    static byte[] record(int n) {
        return Records.padded(String.format("%010d%04d%010d payload", n, n % 97, MAX - n), 30 + n % 50);
    }

    public static void main(String[] args) {
        RmsFile file = RmsFile.create(Path.of(args[0]), definition(), new RmsFile.Options(16, 5));
        RecordStream stream = file.stream();
        int stored = 0;
        for (int n : order(Order.valueOf(args[1]))) {
            stream.put(record(n));
            stored++;
            if (stored % 250 == 0) {
                System.out.println("STORED " + stored);
                System.out.flush();
            }
        }
        file.close();
    }
}
