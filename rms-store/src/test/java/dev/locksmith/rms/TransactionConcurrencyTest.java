package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real threads racing on real files: no update is ever lost, and money moved between accounts in
 * two files never appears or vanishes, in either transaction mode.
 */
class TransactionConcurrencyTest {
    static final int THREADS = 4;
    static final int ACCOUNTS_PER_FILE = 50;
    static final long OPENING_BALANCE = 1_000;

    @TempDir
    Path dir;
    LockManager locks;
    RecordStore store;

    @BeforeEach
    void open() {
        locks = LockManager.builder().name("tx-concurrency").deadlockWait(Duration.ofMillis(50)).build();
        store = RecordStore.open(dir, locks);
    }

    @AfterEach
    void close() {
        store.close();
        locks.close();
    }

    static FileDefinition accounts() {
        return FileDefinition.builder(Organization.INDEXED).recordSize(16).bucketSize(2)
                .key(KeyDefinition.builder(0).segment(0, 8).build()).build();
    }

    static byte[] accountKey(int number) {
        return Records.padded("ACCT" + number, 8);
    }

    static byte[] account(int number, long balance) {
        return ByteBuffer.allocate(16).put(accountKey(number)).putLong(balance).array();
    }

    static long balance(byte[] record) {
        return ByteBuffer.wrap(record, 8, 8).getLong();
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentIncrementsOfOneRecordAreNeverLost(TransactionMode mode) throws Exception {
        store.create("counter.rms", accounts());
        Transaction setup = store.begin(mode, Duration.ZERO);
        setup.open("counter.rms").put(account(0, 0));
        setup.commit();
        int perThread = 150;
        AtomicLong restarts = new AtomicLong();
        runInThreads(() -> {
            for (int i = 0; i < perThread; i++) {
                retrying(mode, restarts, tx -> {
                    TransactionStream counter = tx.open("counter.rms").forUpdate(true);
                    long value = balance(counter.get(accountKey(0)));
                    counter.update(account(0, value + 1));
                });
            }
        });
        byte[] last = store.file("counter.rms").stream().get(0, accountKey(0));
        assertThat(balance(last)).isEqualTo((long) THREADS * perThread);
        System.out.println(mode + ": " + restarts.get() + " restarts for " + THREADS * perThread + " increments");
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void transfersBetweenTwoFilesNeverChangeTheTotal(TransactionMode mode) throws Exception {
        String[] files = {"checking.rms", "savings.rms"};
        Transaction setup = store.begin(mode, Duration.ZERO);
        for (String name : files) {
            store.create(name, accounts());
            TransactionStream stream = setup.open(name);
            for (int i = 0; i < ACCOUNTS_PER_FILE; i++) {
                stream.put(account(i, OPENING_BALANCE));
            }
        }
        setup.commit();
        AtomicLong restarts = new AtomicLong();
        AtomicLong rolledBack = new AtomicLong();
        runInThreads(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 150; i++) {
                String fromFile = files[random.nextInt(2)];
                String toFile = files[random.nextInt(2)];
                int from = random.nextInt(ACCOUNTS_PER_FILE);
                int to = random.nextInt(ACCOUNTS_PER_FILE);
                long amount = random.nextInt(1, 100);
                boolean abandon = random.nextInt(10) == 0;
                retrying(mode, restarts, tx -> {
                    move(tx, fromFile, from, -amount);
                    move(tx, toFile, to, amount);
                    if (abandon) {
                        rolledBack.incrementAndGet();
                        tx.rollback();
                    }
                });
            }
        });
        assertThat(total(files)).isEqualTo(2 * ACCOUNTS_PER_FILE * OPENING_BALANCE);
        assertThat(rolledBack.get()).isPositive();
        System.out.println(mode + ": " + restarts.get() + " restarts, " + rolledBack.get() + " rollbacks");
    }

    private static void move(Transaction tx, String file, int account, long amount) {
        TransactionStream stream = tx.open(file).forUpdate(true);
        long balance = balance(stream.get(accountKey(account)));
        stream.update(account(account, balance + amount));
    }

    private long total(String[] files) {
        long total = 0;
        for (String name : files) {
            RecordStream stream = store.file(name).stream();
            for (int i = 0; i < ACCOUNTS_PER_FILE; i++) {
                total += balance(stream.get(0, accountKey(i)));
            }
        }
        return total;
    }

    interface Work {
        void run(Transaction tx);
    }

    /** Runs {@code work} in a transaction until it commits, restarting after a conflict or deadlock. */
    private void retrying(TransactionMode mode, AtomicLong restarts, Work work) {
        while (true) {
            Transaction tx = store.begin(mode, Duration.ofSeconds(60));
            try {
                work.run(tx);
                if (tx.status() == Transaction.Status.ACTIVE) {
                    tx.commit();
                }
                return;
            } catch (RmsException e) {
                if (e.status() != RmsStatus.CONFLICT && e.status() != RmsStatus.DEADLOCK) {
                    throw e;
                }
                tx.rollback();
                restarts.incrementAndGet();
            }
        }
    }

    private static void runInThreads(Runnable body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(body));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
