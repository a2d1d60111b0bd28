package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockStatistics;
import java.util.EnumSet;
import java.util.Set;

/** Test helpers for shared files: sharing settings and lock-manager call counts. */
final class SharedFiles {
    private SharedFiles() {
    }

    /** Every access, shared for reading and writing with everyone. */
    static Sharing writeShared(LockManager manager) {
        return new Sharing(EnumSet.allOf(FileAccess.class), EnumSet.of(FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD,
                FileShare.SHRDEL), manager, ContentionPolicy.NEVER);
    }

    static Sharing sharing(Set<FileAccess> access, Set<FileShare> share, LockManager manager) {
        return new Sharing(access, share, manager, ContentionPolicy.NEVER);
    }

    /** Every call a lock manager has served: new requests, conversions and dequeues. */
    static long lockCalls(LockManager manager) {
        LockStatistics s = manager.statistics();
        return s.newRequests() + s.conversions() + s.dequeues();
    }

    /** A 30-byte record: 8-byte primary key then {@code rest}. */
    static byte[] row(String key, String rest) {
        return Records.padded(key + rest, 30);
    }
}
