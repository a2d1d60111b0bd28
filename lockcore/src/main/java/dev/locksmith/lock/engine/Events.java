package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockMode;

/**
 * What an engine operation must tell others once it has released its stripe locks: requests
 * that ended, blocking callbacks to deliver, and locks that died and must leave their owner's
 * list. Collected under the lock, delivered by {@link Engine#dispatch} after it. Created only
 * when there is something to tell, so an uncontended request allocates none.
 */
final class Events {
    LockBlock[] ended = new LockBlock[4];
    Pending[] endedPending = new Pending[4];
    int endedCount;

    LockBlock[] blocking;
    LockMode[] blockedModes;
    int blockingCount;

    LockBlock[] dead;
    int deadCount;

    static Events ended(Events events, LockBlock lock, Pending pending) {
        Events e = events == null ? new Events() : events;
        if (e.endedCount == e.ended.length) {
            e.ended = java.util.Arrays.copyOf(e.ended, e.endedCount * 2);
            e.endedPending = java.util.Arrays.copyOf(e.endedPending, e.endedCount * 2);
        }
        e.ended[e.endedCount] = lock;
        e.endedPending[e.endedCount++] = pending;
        return e;
    }

    static Events blocking(Events events, LockBlock lock, LockMode blockedMode) {
        Events e = events == null ? new Events() : events;
        if (e.blocking == null) {
            e.blocking = new LockBlock[4];
            e.blockedModes = new LockMode[4];
        } else if (e.blockingCount == e.blocking.length) {
            e.blocking = java.util.Arrays.copyOf(e.blocking, e.blockingCount * 2);
            e.blockedModes = java.util.Arrays.copyOf(e.blockedModes, e.blockingCount * 2);
        }
        e.blocking[e.blockingCount] = lock;
        e.blockedModes[e.blockingCount++] = blockedMode;
        return e;
    }

    static Events dead(Events events, LockBlock lock) {
        Events e = events == null ? new Events() : events;
        if (e.dead == null) {
            e.dead = new LockBlock[4];
        } else if (e.deadCount == e.dead.length) {
            e.dead = java.util.Arrays.copyOf(e.dead, e.deadCount * 2);
        }
        e.dead[e.deadCount++] = lock;
        return e;
    }
}
