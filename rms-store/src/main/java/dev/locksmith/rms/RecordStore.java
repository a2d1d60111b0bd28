package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.rms.journal.Journal;
import dev.locksmith.rms.journal.JournalRecord;
import dev.locksmith.rms.journal.WriteOp;
import dev.locksmith.rms.org.FileOrganization;
import dev.locksmith.rms.org.Located;
import dev.locksmith.rms.org.RelativeOrganization;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A transactional record store: a directory of RMS files and one journal, on which
 * {@link Transaction}s read and change any of the files and commit all of it or none.
 *
 * <p><b>Layout.</b> Each file of the store is an ordinary {@link RmsFile} in the directory, named as
 * the caller names it ({@code stock.rms}); the journal is {@value #JOURNAL_NAME} beside them (names
 * starting with it are kept for the journal). A commit appends the transaction's changes to the
 * journal as one record (see {@link dev.locksmith.rms.journal.Journal}), then applies them to each file as one atomic
 * step that also records the commit's sequence number in the file. So the files themselves may
 * write lazily: after a crash, {@link #open} applies again every journaled commit a file does not
 * yet show. Prepared transactions are in the journal too, synced, and come back from a crash in
 * doubt ({@link #inDoubt()}) with their record locks taken again before {@code open} returns.
 *
 * <p><b>Locks.</b> The store is handed its {@link LockManager} and never makes one. Each transaction
 * is one lock owner; its record locks are sublocks of its file's root lock, its name locks live in
 * the store's {@link LockSpace}.
 *
 * <p><b>Threads.</b> Thread-safe. Commits touching one file apply in journal order (a short
 * per-file section); commits touching different files proceed in parallel. A daemon timer thread
 * rolls back transactions past their timeout. Errors are {@link RmsException}s.
 */
public final class RecordStore implements AutoCloseable {
    /** The journal's file name in the store directory. */
    public static final String JOURNAL_NAME = "locksmith.journal";

    private static final Logger LOG = System.getLogger(RecordStore.class.getName());
    private static final RmsException DRY_RUN = new RmsException(RmsStatus.TXSTATE, "dry run of a prepare; nothing applied");

    /**
     * How a store runs.
     *
     * @param journalDurability when a commit is durable: {@link Durability#COMMIT} (default) survives
     *                          the death of the process, {@link Durability#SYNC} a power failure too;
     *                          prepares are always synced
     * @param lockWait          longest wait for one record or key lock before {@link RmsStatus#TMO}
     * @param fileOptions       how the store's files are opened (their own durability may stay
     *                          {@link Durability#DEFERRED}: the journal makes commits durable)
     * @param checkpointEvery   committed journal records after which the files are flushed and the
     *                          records retired, at least 1
     */
    public record Options(Durability journalDurability, Duration lockWait, RmsFile.Options fileOptions, int checkpointEvery) {
        public static final Options DEFAULT = new Options(Durability.COMMIT, Duration.ofSeconds(30), RmsFile.Options.DEFAULT, 1024);

        public Options {
            if (journalDurability == null) {
                throw new RmsException(RmsStatus.IAL, "journalDurability is null; choose DEFERRED, COMMIT or SYNC");
            }
            if (lockWait == null || lockWait.isNegative()) {
                throw new RmsException(RmsStatus.IAL, "lockWait is " + lockWait + "; it must be zero or positive");
            }
            if (fileOptions == null) {
                throw new RmsException(RmsStatus.IAL, "fileOptions is null");
            }
            if (checkpointEvery < 1) {
                throw new RmsException(RmsStatus.IAL, "checkpointEvery is " + checkpointEvery + "; it must be at least 1");
            }
        }

        public Options withJournalDurability(Durability durability) {
            return new Options(durability, lockWait, fileOptions, checkpointEvery);
        }

        public Options withLockWait(Duration wait) {
            return new Options(journalDurability, wait, fileOptions, checkpointEvery);
        }

        public Options withFileOptions(RmsFile.Options options) {
            return new Options(journalDurability, lockWait, options, checkpointEvery);
        }
    }

    /**
     * Counts since the store was opened.
     *
     * @param begun      transactions begun
     * @param committed  transactions committed (read-only prepares included)
     * @param rolledBack transactions rolled back, for whatever reason
     * @param conflicts  optimistic commits refused with {@link RmsStatus#CONFLICT}: the restarts callers had to make
     * @param deadlocks  transactions chosen as deadlock victims
     * @param timedOut   transactions rolled back by their timeout
     * @param prepared   prepares that wrote the journal
     * @param active     transactions not ended now
     * @param inDoubt    prepared transactions now waiting for commit or rollback
     */
    public record Statistics(long begun, long committed, long rolledBack, long conflicts, long deadlocks, long timedOut,
                             long prepared, int active, int inDoubt) {
    }

    /** The counters behind {@link Statistics}. */
    static final class Counters {
        final LongAdder begun = new LongAdder();
        final LongAdder committed = new LongAdder();
        final LongAdder readOnly = new LongAdder();
        final LongAdder rolledBack = new LongAdder();
        final LongAdder conflicts = new LongAdder();
        final LongAdder deadlocks = new LongAdder();
        final LongAdder timedOut = new LongAdder();
        final LongAdder prepared = new LongAdder();
    }

    private final Path directory;
    private final LockManager locks;
    private final Options options;
    private final LockSpace names;
    private final Journal journal;
    private final Map<String, RmsFile> files = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> commitLocks = new ConcurrentHashMap<>();
    private final Set<Transaction> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong transactionIds;
    private final ScheduledExecutorService timer;
    private final Counters counters = new Counters();
    private volatile boolean open = true;

    private RecordStore(Path directory, LockManager locks, Options options, Journal journal) {
        this.directory = directory;
        this.locks = locks;
        this.options = options;
        this.journal = journal;
        this.names = new LockSpace(locks, 0, Integer.MAX_VALUE);
        this.transactionIds = new AtomicLong(journal.lastTransactionId());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "locksmith-store-timer " + directory.getFileName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the store in {@code directory} with {@link Options#DEFAULT}; see {@link #open(Path, LockManager, Options)}. */
    public static RecordStore open(Path directory, LockManager locks) {
        return open(directory, locks, Options.DEFAULT);
    }

    /**
     * Opens the store in {@code directory}, creating the directory and the journal if absent, and
     * recovers: every committed transaction a file does not show yet is applied to it, and every
     * prepared one is taken back in doubt with its record locks (so no new work can touch its
     * records before it is resolved).
     *
     * @throws RmsException IAL for a null argument; IO if the directory cannot be made or the journal
     *                      is in use by another process
     */
    public static RecordStore open(Path directory, LockManager locks, Options options) {
        if (directory == null) {
            throw new RmsException(RmsStatus.IAL, "directory is null");
        }
        if (locks == null) {
            throw new RmsException(RmsStatus.IAL, "locks (the lock manager) is null");
        }
        if (options == null) {
            throw new RmsException(RmsStatus.IAL, "options is null");
        }
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RmsException(RmsStatus.IO, "cannot make store directory " + dir + ": " + e.getMessage(), e);
        }
        Journal journal = Journal.open(dir.resolve(JOURNAL_NAME), options.journalDurability());
        RecordStore store = new RecordStore(dir, locks, options, journal);
        try {
            store.recover();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public LockManager lockManager() {
        return locks;
    }

    public Options options() {
        return options;
    }

    /**
     * Creates the file {@code name} in the store.
     *
     * @throws RmsException FEX if it exists; IAL for a name that is not a plain file name
     */
    public RmsFile create(String name, FileDefinition definition) {
        requireOpen("create " + name);
        Path path = pathOf(name);
        if (definition == null) {
            throw new RmsException(RmsStatus.IAL, "definition of " + name + " is null");
        }
        synchronized (files) {
            RmsFile file = RmsFile.create(path, definition, options.fileOptions(), sharing());
            files.put(name, file);
            return file;
        }
    }

    /** Whether the store has a file called {@code name}. */
    public boolean exists(String name) {
        return files.containsKey(name) || Files.isRegularFile(pathOf(name));
    }

    /**
     * The store's open file {@code name}, opening it on first use. The file stays open until the
     * store closes; streams on it outside transactions work as on any {@link RmsFile}.
     *
     * @throws RmsException FNF if there is none
     */
    public RmsFile file(String name) {
        requireOpen("open " + name);
        RmsFile file = files.get(name);
        if (file != null) {
            return file;
        }
        synchronized (files) {
            return files.computeIfAbsent(name, n -> RmsFile.open(pathOf(n), options.fileOptions(), sharing()));
        }
    }

    /**
     * Begins a transaction.
     *
     * @param timeout how long it may run before the store rolls it back; {@link Duration#ZERO} for never
     * @throws RmsException IAL for a null mode or a negative timeout; CLOSED once the store is closed
     */
    public Transaction begin(TransactionMode mode, Duration timeout) {
        if (mode == null) {
            throw new RmsException(RmsStatus.IAL, "mode is null; choose PESSIMISTIC or OPTIMISTIC");
        }
        if (timeout == null || timeout.isNegative()) {
            throw new RmsException(RmsStatus.IAL, "timeout is " + timeout + "; it must be zero (none) or positive");
        }
        requireOpen("begin");
        long id = transactionIds.incrementAndGet();
        Transaction tx = new Transaction(this, id, mode, names.newProcess("transaction " + id));
        live.add(tx);
        counters.begun.increment();
        if (!timeout.isZero()) {
            tx.timeoutAfter(timer.schedule(tx::expire, timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
        return tx;
    }

    /** The prepared transactions waiting for commit or rollback, recovered ones included. */
    public List<Transaction> inDoubt() {
        List<Transaction> prepared = new ArrayList<>();
        for (Transaction tx : live) {
            if (tx.status() == Transaction.Status.PREPARED) {
                prepared.add(tx);
            }
        }
        prepared.sort((a, b) -> Long.compare(a.id(), b.id()));
        return prepared;
    }

    /** The counts since open. */
    public Statistics statistics() {
        int active = 0;
        int inDoubt = 0;
        for (Transaction tx : live) {
            if (tx.status() == Transaction.Status.PREPARED) {
                inDoubt++;
            } else {
                active++;
            }
        }
        return new Statistics(counters.begun.sum(), counters.committed.sum(), counters.rolledBack.sum(),
                counters.conflicts.sum(), counters.deadlocks.sum(), counters.timedOut.sum(), counters.prepared.sum(),
                active, inDoubt);
    }

    /**
     * Flushes every file and retires the journal records they now hold durably. The store does this
     * by itself every {@link Options#checkpointEvery()} commits and on close.
     */
    public void checkpoint() {
        List<String> ordered = new ArrayList<>(new TreeMap<>(files).keySet());
        List<ReentrantLock> held = new ArrayList<>();
        try {
            for (String name : ordered) {
                ReentrantLock lock = commitLock(name);
                lock.lock();
                held.add(lock);
            }
            long through = journal.lastSequence();
            for (String name : ordered) {
                files.get(name).flush();
            }
            journal.retireThrough(through);
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
    }

    /**
     * Closes the store: active transactions are rolled back; prepared ones stay in the journal (in
     * doubt at the next open) and their locks are released here; files are flushed and closed.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        timer.shutdownNow();
        for (Transaction tx : List.copyOf(live)) {
            if (tx.status() == Transaction.Status.PREPARED) {
                tx.owner().close();
            } else {
                try {
                    tx.rollback();
                } catch (RmsException e) {
                    LOG.log(Level.WARNING, "rolling back " + tx + " at close", e);
                }
            }
        }
        live.clear();
        try {
            checkpoint();
        } catch (RmsException e) {
            LOG.log(Level.WARNING, "checkpoint at close of store " + directory + " failed; the journal keeps the commits", e);
        }
        for (RmsFile file : files.values()) {
            file.close();
        }
        files.clear();
        journal.close();
    }

    @Override
    public String toString() {
        return "RecordStore[" + directory + "]";
    }

    /**
     * How the store opens its files: every access, shared with writers in this and other JVMs' openers
     * (SHRGET, SHRPUT, SHRUPD, SHRDEL) and MSE, so its transactions and any other opener's streams
     * lock records against each other through the store's lock manager.
     */
    private Sharing sharing() {
        return new Sharing(java.util.EnumSet.allOf(FileAccess.class),
                java.util.EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD, FileShare.SHRDEL, FileShare.MSE),
                locks, ContentionPolicy.NEVER);
    }

    // ---- for transactions ----

    Counters counters() {
        return counters;
    }

    Journal journal() {
        return journal;
    }

    void ended(Transaction tx) {
        live.remove(tx);
    }

    /**
     * Applies a committing transaction: every touched file in name order runs one service holding
     * the transaction's changes; inside the innermost, once all changes have been checked by
     * applying them, the journal record is written and each file's state records its sequence
     * number. Any failure before the journal write leaves every file as it was.
     */
    void apply(Transaction tx, JournalRecord record) {
        List<FileWork> works = withWrites(tx);
        List<ReentrantLock> held = lockForCommit(works);
        try {
            nest(tx, works, 0, () -> {
                long sequence = journal.commit(record);
                for (FileWork work : works) {
                    work.file.access().state().setAppliedTransaction(sequence);
                }
            });
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
        if (journal.committedCount() >= options.checkpointEvery()) {
            checkpoint();
        }
    }

    /** Applies the transaction's changes to each file and then undoes them: proves they apply (a prepare's promise). */
    void checkApplicable(Transaction tx) {
        List<FileWork> works = withWrites(tx);
        List<ReentrantLock> held = lockForCommit(works);
        try {
            nest(tx, works, 0, () -> {
                throw DRY_RUN;
            });
        } catch (RmsException e) {
            if (e != DRY_RUN) {
                throw e;
            }
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
    }

    /** Optimistic validation: every record read is unchanged and every key found absent is still absent. */
    void validateReads(Transaction tx) {
        for (FileWork work : tx.files()) {
            FileOrganization organization = work.file.organization();
            for (Map.Entry<Rfa, byte[]> read : work.readImages.entrySet()) {
                Rfa rfa = read.getKey();
                conflictIfHeld(() -> work.lockRecord(rfa, LockMode.PR, Duration.ZERO), work, "record " + rfa);
                byte[] now;
                try {
                    now = work.file.inspect(tx.owner(), "validate", () -> organization.byRfa(rfa)).record();
                } catch (RmsException e) {
                    if (e.status() != RmsStatus.RNF) {
                        throw e;
                    }
                    now = null;
                }
                if (!Arrays.equals(now, read.getValue())) {
                    throw new RmsException(RmsStatus.CONFLICT, "record " + rfa + " of " + work.name
                            + (now == null ? " was deleted" : " was changed") + " by another transaction since this one read it");
                }
            }
            for (ByteBuffer absent : work.absentKeys) {
                byte[] value = Arrays.copyOfRange(absent.array(), 0, absent.limit());
                conflictIfHeld(() -> work.lockKey(0, value, LockMode.PR, Duration.ZERO), work, "a key value");
                Located found = work.file.inspect(tx.owner(), "validate", () -> organization.seek(0, value, KeyMatch.EQ));
                if (found != null && !work.changed.containsKey(found.rfa())) {
                    throw new RmsException(RmsStatus.CONFLICT, "a record with a key this transaction found absent in "
                            + work.name + " was stored by another transaction since");
                }
            }
        }
    }

    private static void conflictIfHeld(Runnable lock, FileWork work, String what) {
        try {
            lock.run();
        } catch (RmsException e) {
            if (e.status() == RmsStatus.RLK) {
                throw new RmsException(RmsStatus.CONFLICT, what + " of " + work.name
                        + " that this transaction read is being changed by another transaction", e);
            }
            throw e;
        }
    }

    private static List<FileWork> withWrites(Transaction tx) {
        List<FileWork> works = new ArrayList<>();
        for (FileWork work : tx.files()) {
            if (work.hasWrites()) {
                works.add(work);
            }
        }
        return works;
    }

    private List<ReentrantLock> lockForCommit(List<FileWork> works) {
        List<ReentrantLock> held = new ArrayList<>();
        for (FileWork work : works) {
            ReentrantLock lock = commitLock(work.name);
            lock.lock();
            held.add(lock);
        }
        return held;
    }

    private ReentrantLock commitLock(String name) {
        return commitLocks.computeIfAbsent(name, n -> new ReentrantLock());
    }

    private static void nest(Transaction tx, List<FileWork> works, int index, Runnable innermost) {
        if (index == works.size()) {
            innermost.run();
            return;
        }
        FileWork work = works.get(index);
        List<WriteOp> ops = work.writeOps();
        work.file.perform(tx.owner(), "commit of transaction " + tx.id() + " to " + work.name, () -> {
            applyOps(work.file, ops);
            nest(tx, works, index + 1, innermost);
            return null;
        });
    }

    /** Applies {@code ops} in order inside a running service of {@code file}. */
    static void applyOps(RmsFile file, List<WriteOp> ops) {
        FileOrganization organization = file.organization();
        for (WriteOp op : ops) {
            switch (op.kind()) {
                case PUT -> organization.put(op.record());
                case PUT_CELL -> ((RelativeOrganization) organization).put(op.recordNumber(), op.record());
                case UPDATE -> organization.update(organization.byRfa(op.target()), op.record());
                case DELETE -> organization.delete(organization.byRfa(op.target()));
            }
        }
    }

    private void recover() {
        NavigableMap<Long, JournalRecord> committed = journal.committed();
        try (dev.locksmith.lock.LockOwner recoveryOwner = locks.newOwner("store recovery")) {
            replay(committed, recoveryOwner);
        }
        resumePrepared();
    }

    /** Applies every journaled commit a file does not show yet (its state holds the last one it has). */
    private void replay(NavigableMap<Long, JournalRecord> committed, dev.locksmith.lock.LockOwner recoveryOwner) {
        for (Map.Entry<Long, JournalRecord> entry : committed.entrySet()) {
            long sequence = entry.getKey();
            for (Map.Entry<String, List<WriteOp>> writes : entry.getValue().writes().entrySet()) {
                RmsFile file = file(writes.getKey());
                file.perform(recoveryOwner, "recovery of transaction " + entry.getValue().transactionId(), () -> {
                    if (file.access().state().appliedTransaction() < sequence) {
                        applyOps(file, writes.getValue());
                        file.access().state().setAppliedTransaction(sequence);
                    }
                    return null;
                });
            }
        }
        if (!committed.isEmpty()) {
            LOG.log(Level.INFO, "store " + directory + ": checked " + committed.size() + " journaled commits against the files");
            checkpoint();
        }
    }

    /** Takes every prepared transaction back in doubt, its write locks taken again. */
    private void resumePrepared() {
        for (JournalRecord record : journal.prepared()) {
            Transaction tx = new Transaction(this, record.transactionId(), TransactionMode.PESSIMISTIC,
                    names.newProcess("recovered transaction " + record.transactionId()));
            tx.restorePrepared(record);
            live.add(tx);
            LOG.log(Level.INFO, "store " + directory + ": transaction " + record.transactionId() + " is in doubt");
        }
    }

    private Path pathOf(String name) {
        if (name == null || name.isBlank()) {
            throw new RmsException(RmsStatus.IAL, "file name is " + (name == null ? "null" : "blank"));
        }
        Path path = directory.resolve(name).normalize();
        if (!path.getParent().equals(directory) || name.contains("/") || name.contains("\\")) {
            throw new RmsException(RmsStatus.IAL, "file name '" + name + "' must name a file directly in the store directory");
        }
        if (name.startsWith(JOURNAL_NAME)) {
            throw new RmsException(RmsStatus.IAL, "file name '" + name + "' is kept for the store's journal");
        }
        return path;
    }

    private void requireOpen(String operation) {
        if (!open) {
            throw new RmsException(RmsStatus.CLOSED, "store " + directory + " is closed; " + operation + " refused");
        }
    }
}
