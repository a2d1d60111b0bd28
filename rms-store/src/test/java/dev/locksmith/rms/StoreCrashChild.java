package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM for {@link TransactionCrashTest}: opens the store in {@code args[0]} and does what
 * {@code args[1]} says, reporting on standard output, until the parent kills it (SIGKILL).
 * <ul>
 *   <li>{@code prepare}: one transaction updates record {@code A} of both files and is prepared
 *       under xid "xid-1"; prints {@code PREPARED}.</li>
 *   <li>{@code work}: one transaction changes both files and is never prepared; prints {@code WORKING}.</li>
 *   <li>{@code commits}: commits transaction after transaction, each storing record {@code n} in all
 *       three files; prints {@code COMMITTED n} after each.</li>
 *   <li>{@code transfers MODE}: {@value #TRANSFER_THREADS} threads move amounts between the
 *       accounts of the first two files in transactions of that mode, some rolled back, some committed
 *       in two phases, with the journal retired every few commits; prints {@code TRANSFERRED n} after
 *       each commit.</li>
 * </ul>
 */
public final class StoreCrashChild {
    static final String[] FILES = {"one.rms", "two.rms", "three.rms"};
    static final int TRANSFER_THREADS = 4;
    static final int ACCOUNTS = 50;
    static final long OPENING_BALANCE = 1_000;

    public static void main(String[] args) throws Exception {
        LockManager locks = LockManager.builder().name("crash-child").deadlockWait(Duration.ofMillis(50)).build();
        RecordStore store = RecordStore.open(Path.of(args[0]), locks, new RecordStore.Options(
                Durability.COMMIT, Duration.ofSeconds(30), RmsFile.Options.DEFAULT, 8));
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
            case "transfers" -> {
                TransactionMode mode = TransactionMode.valueOf(args[2]);
                AtomicLong transferred = new AtomicLong();
                for (int t = 0; t < TRANSFER_THREADS; t++) {
                    Thread thread = new Thread(() -> transferForever(store, mode, transferred), "transfers-" + t);
                    thread.setDaemon(true);
                    thread.start();
                }
            }
            default -> throw new IllegalArgumentException(args[1]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void transferForever(RecordStore store, TransactionMode mode, AtomicLong transferred) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            String fromFile = FILES[random.nextInt(2)];
            String toFile = FILES[random.nextInt(2)];
            int from = random.nextInt(ACCOUNTS);
            int to = random.nextInt(ACCOUNTS);
            long amount = random.nextInt(1, 100);
            int ending = random.nextInt(10);
            Transaction tx = store.begin(mode, Duration.ZERO);
            try {
                move(tx, fromFile, from, -amount);
                move(tx, toFile, to, amount);
                if (ending == 0) {
                    tx.rollback();
                    continue;
                }
                if (ending < 4) {
                    tx.prepare(("xid-" + tx.id()).getBytes(StandardCharsets.US_ASCII));
                }
                tx.commit();
                System.out.println("TRANSFERRED " + transferred.incrementAndGet());
            } catch (RmsException e) {
                if (e.status() != RmsStatus.CONFLICT && e.status() != RmsStatus.DEADLOCK) {
                    e.printStackTrace(System.out);
                    return;
                }
                tx.rollback();
            }
        }
    }

    private static void move(Transaction tx, String file, int account, long amount) {
        TransactionStream stream = tx.open(file).forUpdate(true);
        long balance = balance(stream.get(accountKey(account)));
        stream.update(account(account, balance + amount));
    }

    static byte[] accountKey(int account) {
        return key("T" + account);
    }

    static byte[] account(int account, long balance) {
        return record("T" + account, Long.toString(balance));
    }

    static long balance(byte[] account) {
        return Long.parseLong(Records.text(account).substring(8).trim());
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
