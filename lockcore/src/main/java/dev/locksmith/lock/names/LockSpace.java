package dev.locksmith.lock.names;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockStatus;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A GT.M-style lock space: the M processes ({@link NameLocks}) whose name locks interlock, and a
 * limit on how many name-lock nodes they may hold together. A node is one process's engine lock
 * on one level of a name's tree: {@code LOCK ^D(1,2)} uses three ({@code ^D}, {@code ^D(1)},
 * {@code ^D(1,2)}) unless the process already holds some of them.
 *
 * <p>The locks themselves are engine locks in the owners' group namespace, so there is no second
 * lock table: engine deadlock detection, blocking callbacks and inspection see them as any lock.
 * Name locks of processes of the same group interlock; different groups are independent.
 *
 * <p>When the space is full, a LOCK waits until nodes are freed (with a timeout, it returns
 * false); the first time the space fills this is logged at WARNING through
 * {@link System.Logger}, and not again until use has dropped below 75% of the limit. A full space
 * never fails a request in a way that loses locks already held.
 *
 * <p>Thread-safe.
 */
public final class LockSpace {
    private static final System.Logger LOG = System.getLogger(LockSpace.class.getName());

    private final LockManager manager;
    private final int group;
    private final int limit;
    private final Set<NameLocks> processes = ConcurrentHashMap.newKeySet();
    /** Nodes held or reserved; guarded by this. */
    private int used;
    /** Whether the space filled and has not since dropped below 75%; guarded by this. */
    private boolean fullReported;

    /**
     * A lock space on {@code manager}.
     *
     * @param group the owner group of its processes: its names live in that group's namespace
     * @param limit the most name-lock nodes all its processes may hold together; at least 1
     * @throws LockException {@link LockStatus#BADPARAM} if {@code manager} is null or {@code limit} below 1
     */
    public LockSpace(LockManager manager, int group, int limit) {
        if (manager == null) {
            throw new LockException(LockStatus.BADPARAM, "manager must not be null");
        }
        if (limit < 1) {
            throw new LockException(LockStatus.BADPARAM, "limit must be at least 1, was " + limit);
        }
        this.manager = manager;
        this.group = group;
        this.limit = limit;
    }

    /** A new M process in this space, with its own lock owner (deadlock priority 0). */
    public NameLocks newProcess(String name) {
        NameLocks process = new NameLocks(this, manager.newOwner(Objects.requireNonNull(name, "name"), group, 0));
        processes.add(process);
        return process;
    }

    /** The lock manager the names are locked on. */
    public LockManager manager() {
        return manager;
    }

    /** The most name-lock nodes this space holds. */
    public int limit() {
        return limit;
    }

    /** Name-lock nodes held now (and reserved by LOCKs in progress). */
    public synchronized int used() {
        return used;
    }

    /**
     * What every open process of this space claims, by engine lock id: the name, its LOCK level
     * and whether it is ZALLOCATEd. Intent-only nodes (ancestors of claimed names) are left out.
     * Each process's entries are read without stopping it, so a busy space may show a mix of
     * before and after.
     */
    public Map<Long, NameClaim> claims() {
        Map<Long, NameClaim> all = new HashMap<>();
        for (NameLocks p : processes) {
            p.collectClaims(all);
        }
        return all;
    }

    /**
     * Reserves {@code n} nodes, waiting while the space is full: without limit if
     * {@code timeoutNanos} is negative, otherwise at most that long.
     *
     * @return false if the timeout passed first
     */
    synchronized boolean reserve(int n, long timeoutNanos) throws InterruptedException {
        if (n > limit) {
            throw new LockException(LockStatus.EXQUOTA, "names: the LOCK needs " + n
                    + " name-lock nodes at once, more than the lock space's limit of " + limit);
        }
        long start = System.nanoTime();
        while (used + n > limit) {
            if (!fullReported) {
                fullReported = true;
                LOG.log(Level.WARNING, "lock space of group {0} is full ({1} of {2} name-lock nodes in use);"
                        + " LOCKs wait for space", group, used, limit);
            }
            if (timeoutNanos < 0) {
                wait();
            } else {
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        used += n;
        return true;
    }

    /** Returns {@code n} nodes to the space. */
    synchronized void release(int n) {
        if (n == 0) {
            return;
        }
        used -= n;
        if (fullReported && used < limit * 3 / 4.0) {
            fullReported = false;
            LOG.log(Level.INFO, "lock space of group {0} is below 75% again ({1} of {2})", group, used, limit);
        }
        notifyAll();
    }

    void forget(NameLocks process) {
        processes.remove(process);
    }
}
