package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for {@link TransactionCrashTest}: opens the store in {@code args[0]} and does what
 * {@code args[1]} says, reporting on standard output, until the parent kills it (SIGKILL).
 * <ul>
 *   <li>{@code prepare}: one transaction updates record {@code A} of both files and is prepared
 *       under xid "xid-1"; prints {@code PREPARED}.</li>
 *   <li>{@code work}: one transaction changes both files and is never prepared; prints {@code WORKING}.</li>
 *   <li>{@code commits}: commits transaction after transaction, each storing record {@code n} in all
 *       three files; prints {@code COMMITTED n} after each.</li>
 * </ul>
 */
public final class StoreCrashChild {
    static final String[] FILES = {"one.rms", "two.rms", "three.rms"};

    public static void main(String[] args) throws Exception {
        LockManager locks = LockManager.builder().name("crash-child").build();
        RecordStore store = RecordStore.open(Path.of(args[0]), locks);
        switch (args[1]) {
            case "prepare" -> {
                Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
                for (String file : new String[] {FILES[0], FILES[1]}) {
                    TransactionStream stream = tx.open(file).forUpdate(true);
                    stream.get(key("A"));
                    stream.update(record("A", "prepared"));
                }
                tx.prepare("xid-1".getBytes(StandardCharsets.US_ASCII));
                System.out.println("PREPARED");
            }
            case "work" -> {
                Transaction tx = store.begin(TransactionMode.OPTIMISTIC, Duration.ZERO);
                for (String file : new String[] {FILES[0], FILES[1]}) {
                    TransactionStream stream = tx.open(file);
                    stream.get(key("A"));
                    stream.update(record("A", "uncommitted"));
                    stream.put(record("B", "uncommitted"));
                }
                System.out.println("WORKING");
            }
            case "commits" -> {
                for (int n = 0; ; n++) {
                    Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ZERO);
                    for (String file : FILES) {
                        tx.open(file).put(record("N" + n, "committed"));
                    }
                    tx.commit();
                    System.out.println("COMMITTED " + n);
                }
            }
            default -> throw new IllegalArgumentException(args[1]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static byte[] key(String key) {
        return Records.padded(key, 8);
    }

    static byte[] record(String key, String text) {
        return Records.padded(String.format("%-8s%s", key, text), 24);
    }

    static FileDefinition definition() {
        return Records.indexed(24);
    }
}
