package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How one opener shares a file ({@code FAB$B_FAC} and {@code FAB$B_SHR}), the lock manager its locks
 * go through, and its streams' default {@link ContentionPolicy}. Immutable and thread-safe; the
 * constructor refuses bad input with {@link RmsStatus#IAL}.
 *
 * <p>Two openers are compatible when each one's access is allowed by the other's sharing: reading
 * needs the other to share reading (SHRGET, or any write sharing), writing needs the other to share
 * writing (SHRPUT, SHRUPD or SHRDEL — these are one class here, as the lock modes below express).
 * The opener's file lock mode says exactly that:
 * <pre>
 *                      share none   share read   share write
 *   read-only (GET)        EX           PR           CR
 *   write (any other)      EX           PW           CW
 * </pre>
 * An open whose mode conflicts with another opener's fails with {@link RmsStatus#FLK}.
 *
 * <p>Record locks are taken only on a file this opener shares for writing, or with
 * {@link FileShare#MSE} (streams of this opener lock against each other), and never with
 * {@link FileShare#UPI}. Bucket locks are skipped only when no writer can exist: a read-only
 * opener that does not share writing. So a file opened read-only, shared only with readers and
 * without MSE makes no lock-manager call at all per read, as VMS RMS does.
 *
 * @param access      the functions this opener will use; at least one
 * @param share       what others may do; empty or {NIL} for no sharing
 * @param lockManager where this opener's locks go; null for the JVM's embedded default
 *                    ({@link #defaultLockManager()})
 * @param contention  the default contention policy of this opener's streams (not SYSTEM_DEFAULT)
 */
public record Sharing(Set<FileAccess> access, Set<FileShare> share, LockManager lockManager, ContentionPolicy contention) {
    /** Every access, no sharing, the default lock manager, NEVER: a file used by one opener. */
    public static final Sharing EXCLUSIVE = new Sharing(EnumSet.allOf(FileAccess.class), Set.of(), null, ContentionPolicy.NEVER);

    public Sharing {
        if (access == null || access.isEmpty()) {
            throw new RmsException(RmsStatus.IAL, "access is " + (access == null ? "null" : "empty") + "; give at least GET");
        }
        if (share == null) {
            throw new RmsException(RmsStatus.IAL, "share is null; give an empty set (or NIL) for no sharing");
        }
        if (access.stream().anyMatch(Objects::isNull) || share.stream().anyMatch(Objects::isNull)) {
            throw new RmsException(RmsStatus.IAL, (access.stream().anyMatch(Objects::isNull) ? "access" : "share") + " contains null");
        }
        if (share.contains(FileShare.NIL) && (share.contains(FileShare.SHRGET) || share.stream().anyMatch(FileShare::sharesWriting))) {
            throw new RmsException(RmsStatus.IAL, "share " + share + " combines NIL with sharing options");
        }
        if (contention == null || contention == ContentionPolicy.SYSTEM_DEFAULT) {
            throw new RmsException(RmsStatus.IAL, "contention is " + contention + "; a file's default must be NEVER, SOMETIMES or ALWAYS");
        }
        access = Set.copyOf(EnumSet.copyOf(access));
        share = share.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(share));
        lockManager = lockManager == null ? DefaultLockManager.get() : lockManager;
    }

    /** Sharing with these sets, the default lock manager and NEVER. */
    public static Sharing of(Set<FileAccess> access, Set<FileShare> share) {
        return new Sharing(access, share, null, ContentionPolicy.NEVER);
    }

    /** This sharing through another lock manager (a cluster node, say). */
    public Sharing withLockManager(LockManager manager) {
        if (manager == null) {
            throw new RmsException(RmsStatus.IAL, "manager is null");
        }
        return new Sharing(access, share, manager, contention);
    }

    /** This sharing with another default contention policy for its streams. */
    public Sharing withContention(ContentionPolicy policy) {
        return new Sharing(access, share, lockManager, policy);
    }

    /** The JVM's embedded lock manager, used when none is given; made on first use and never closed. */
    public static LockManager defaultLockManager() {
        return DefaultLockManager.get();
    }

    /** Whether this opener only reads. */
    public boolean readOnly() {
        return access.stream().noneMatch(FileAccess::writes);
    }

    /** Whether this opener lets others write. */
    public boolean sharesWriting() {
        return share.stream().anyMatch(FileShare::sharesWriting);
    }

    /** Whether this opener lets others read. */
    public boolean sharesReading() {
        return share.contains(FileShare.SHRGET) || sharesWriting();
    }

    /** The mode of this opener's file lock (see the class comment). */
    public LockMode fileLockMode() {
        if (!sharesReading()) {
            return LockMode.EX;
        }
        if (readOnly()) {
            return sharesWriting() ? LockMode.CR : LockMode.PR;
        }
        return sharesWriting() ? LockMode.CW : LockMode.PW;
    }

    /** Whether this opener's streams take record locks. */
    public boolean takesRecordLocks() {
        return !share.contains(FileShare.UPI) && (sharesWriting() || share.contains(FileShare.MSE));
    }

    /** Whether this opener's services take bucket locks: unless no writer can exist. */
    public boolean takesBucketLocks() {
        return !(readOnly() && !sharesWriting());
    }

    /** The embedded lock manager of the JVM, made lazily. */
    private static final class DefaultLockManager {
        private static final LockManager INSTANCE = LockManager.builder().name("rms-store").build();

        static LockManager get() {
            return INSTANCE;
        }
    }
}
