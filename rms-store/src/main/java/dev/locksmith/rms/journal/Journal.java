package dev.locksmith.rms.journal;

import dev.locksmith.rms.Durability;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;

/**
 * A record store's transaction journal: one H2 MVStore file holding the write sets of prepared
 * transactions (until they are committed or rolled back) and of committed ones (until every file
 * they touched has made them durable), each as a {@link JournalRecord}.
 *
 * <p>Because one MVStore commit is atomic across its maps, moving a transaction from prepared to
 * committed is one step. A prepare is always committed and synced before {@link #prepare} returns;
 * a commit is as durable as the journal's {@link Durability} says ({@link Durability#COMMIT}
 * survives the death of the process, {@link Durability#SYNC} a power failure too). Committed
 * records are numbered by a commit sequence that only grows, also across restarts.
 *
 * <p>Thread-safe: every method holds this object's monitor (journal writes are serialized).
 * Failures are {@link RmsException}s with status IO.
 */
public final class Journal implements AutoCloseable {
    private static final String LAST_SEQUENCE = "lastSequence";
    private static final String LAST_TRANSACTION = "lastTransaction";

    private final Path path;
    private final MVStore store;
    private final MVMap<Long, byte[]> prepared;
    private final MVMap<Long, byte[]> committed;
    private final MVMap<String, Long> meta;
    private final Durability durability;

    private Journal(Path path, MVStore store, Durability durability) {
        this.path = path;
        this.store = store;
        this.durability = durability;
        MVMap.Builder<Long, byte[]> records = new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE);
        this.prepared = store.openMap("prepared", records);
        this.committed = store.openMap("committed", records);
        this.meta = store.openMap("meta");
    }

    /**
     * Opens the journal at {@code path}, creating it if absent.
     *
     * @param durability when a {@link #commit} is durable; {@link Durability#DEFERRED} leaves it to
     *                   MVStore's background commit (within a second)
     */
    public static Journal open(Path path, Durability durability) {
        if (durability == null) {
            throw new RmsException(RmsStatus.IAL, "durability is null; choose DEFERRED, COMMIT or SYNC");
        }
        try {
            MVStore store = new MVStore.Builder().fileName(path.toString()).open();
            return new Journal(path, store, durability);
        } catch (MVStoreException e) {
            throw new RmsException(RmsStatus.IO, "cannot open journal " + path + ": " + e.getMessage(), e);
        }
    }

    /** The highest commit sequence number ever given out; 0 for a new journal. */
    public synchronized long lastSequence() {
        return meta.getOrDefault(LAST_SEQUENCE, 0L);
    }

    /** The highest transaction id recorded; a store numbers new transactions above it. */
    public synchronized long lastTransactionId() {
        return meta.getOrDefault(LAST_TRANSACTION, 0L);
    }

    /** Records {@code record} as prepared, then commits and syncs the journal. */
    public synchronized void prepare(JournalRecord record) {
        write(() -> {
            prepared.put(record.transactionId(), record.encode());
            raise(LAST_TRANSACTION, record.transactionId());
        }, Durability.SYNC);
    }

    /**
     * Records {@code record} as committed under the next commit sequence number (dropping its
     * prepared record, if any, in the same step) and returns that number.
     */
    public synchronized long commit(JournalRecord record) {
        long sequence = lastSequence() + 1;
        write(() -> {
            committed.put(sequence, record.encode());
            prepared.remove(record.transactionId());
            meta.put(LAST_SEQUENCE, sequence);
            raise(LAST_TRANSACTION, record.transactionId());
        }, durability);
        return sequence;
    }

    /** Drops the prepared record of transaction {@code transactionId} (a rollback after prepare). */
    public synchronized void forget(long transactionId) {
        write(() -> prepared.remove(transactionId), Durability.SYNC);
    }

    /** The prepared transactions, oldest id first. */
    public synchronized List<JournalRecord> prepared() {
        List<JournalRecord> records = new ArrayList<>();
        for (byte[] bytes : prepared.values()) {
            records.add(JournalRecord.decode(bytes));
        }
        return records;
    }

    /** The committed transactions not yet retired, by commit sequence number. */
    public synchronized NavigableMap<Long, JournalRecord> committed() {
        NavigableMap<Long, JournalRecord> records = new TreeMap<>();
        for (Map.Entry<Long, byte[]> entry : committed.entrySet()) {
            records.put(entry.getKey(), JournalRecord.decode(entry.getValue()));
        }
        return records;
    }

    /** How many committed records are waiting to be retired. */
    public synchronized int committedCount() {
        return committed.size();
    }

    /** Retires every committed record numbered up to {@code sequence}: the files hold them durably. */
    public synchronized void retireThrough(long sequence) {
        write(() -> {
            Long key = committed.firstKey();
            while (key != null && key <= sequence) {
                committed.remove(key);
                key = committed.firstKey();
            }
        }, Durability.COMMIT);
    }

    /** Commits and closes. Idempotent. */
    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            try {
                store.close();
            } catch (MVStoreException e) {
                store.closeImmediately();
                throw new RmsException(RmsStatus.IO, "closing journal " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private void raise(String key, long value) {
        if (meta.getOrDefault(key, 0L) < value) {
            meta.put(key, value);
        }
    }

    private void write(Runnable change, Durability level) {
        if (store.isClosed()) {
            throw new RmsException(RmsStatus.CLOSED, "journal " + path + " is closed");
        }
        try {
            change.run();
            if (level != Durability.DEFERRED) {
                store.commit();
                if (level == Durability.SYNC) {
                    store.sync();
                }
            }
        } catch (MVStoreException e) {
            // Half a change may be in memory: never let a later commit persist it.
            store.closeImmediately();
            throw new RmsException(RmsStatus.IO, "writing journal " + path + ": " + e.getMessage(), e);
        }
    }
}
