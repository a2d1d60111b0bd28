package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.MName;
import dev.locksmith.lock.names.NameLocks;
import dev.locksmith.ra.LockFailedException;
import java.time.Duration;

/**
 * The name-lock commands a connection makes ({@code LOCK +} and {@code LOCK -}), with their
 * arguments checked and the lock manager's failures turned into {@link LockFailedException}s
 * carrying its status. Used for a transaction's locks and a handle's own alike. Stateless.
 */
final class NameLockCalls {

    private NameLockCalls() {
    }

    /**
     * Checks the arguments of a LOCK: a timeout of zero or more, and names that parse.
     *
     * @throws LockFailedException BADPARAM for the timeout, IVRESNAM naming the bad name
     */
    static void check(Duration timeout, String... lockNames) throws LockFailedException {
        if (timeout == null || timeout.isNegative()) {
            throw new LockFailedException(LockStatus.BADPARAM,
                    "timeout must be zero or positive but was " + timeout, null);
        }
        if (lockNames == null) {
            throw new LockFailedException(LockStatus.IVRESNAM, "names must not be null", null);
        }
        for (String name : lockNames) {
            try {
                MName.parse(name);
            } catch (LockException e) {
                throw new LockFailedException(e.status(), "name '" + name + "': " + e.getMessage(), e);
            }
        }
    }

    static boolean lockIncrement(NameLocks process, Duration timeout, String... lockNames)
            throws LockFailedException, InterruptedException {
        check(timeout, lockNames);
        try {
            return process.lockIncrement(timeout, lockNames);
        } catch (LockException e) {
            throw failed(e, lockNames);
        }
    }

    static void unlock(NameLocks process, String... lockNames) throws LockFailedException, InterruptedException {
        if (lockNames == null) {
            throw new LockFailedException(LockStatus.IVRESNAM, "names must not be null", null);
        }
        try {
            process.unlock(lockNames);
        } catch (LockException e) {
            throw failed(e, lockNames);
        }
    }

    private static LockFailedException failed(LockException e, String... lockNames) {
        // OWNERCLOSED: the transaction ended (another thread rolled it back) before this call ran.
        LockStatus status = e.status() == LockStatus.OWNERCLOSED ? LockStatus.CANCELLED : e.status();
        return new LockFailedException(status, "names " + String.join(", ", lockNames) + ": " + e.getMessage(), e);
    }
}
