package dev.locksmith.jdbc;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.RecordStore;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stores the driver and {@link LocksmithDataSource} opened in this JVM, one per directory, each
 * with an embedded lock manager of its own, shared by every connection to it and closed with the
 * last one. A directory whose store another component of this JVM opened (a resource adapter) or
 * another process holds cannot be opened here: reach it through that adapter's
 * {@link LocksmithXADataSource}. Thread-safe (the registry is guarded by the class lock).
 */
final class OpenStores {
    private static final Map<Path, Entry> OPEN = new HashMap<>();

    private static final class Entry {
        final LockManager locks;
        final RecordStore store;
        int users;

        Entry(LockManager locks, RecordStore store) {
            this.locks = locks;
            this.store = store;
        }
    }

    private OpenStores() {
    }

    /** Access to the store in {@code directory} for one connection, opening it if this is the first. */
    static synchronized StoreAccess acquire(Path directory, Duration deadlockWait) {
        Path key = directory.toAbsolutePath().normalize();
        Entry entry = OPEN.get(key);
        if (entry == null) {
            LockManager locks = LockManager.builder().name("locksmith-jdbc").deadlockWait(deadlockWait).registerMBean(false).build();
            try {
                entry = new Entry(locks, RecordStore.open(key, locks));
            } catch (RmsException e) {
                locks.close();
                throw e;
            }
            OPEN.put(key, entry);
        }
        entry.users++;
        Entry used = entry;
        return new StoreAccess() {
            private boolean released;

            @Override
            public RecordStore store() {
                return used.store;
            }

            @Override
            public Optional<Transaction> global() {
                return Optional.empty();
            }

            @Override
            public void failed(RmsException e) {
                // The connection's own transaction: the session rolls it back.
            }

            @Override
            public void release() {
                synchronized (OpenStores.class) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--used.users == 0) {
                        OPEN.remove(key);
                        used.store.close();
                        used.locks.close();
                    }
                }
            }
        };
    }
}
