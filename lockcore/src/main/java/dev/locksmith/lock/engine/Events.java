package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockMode;

/**
 * What an engine operation must tell others once it has released its stripe locks: requests
 * that ended and blocking callbacks to deliver. Collected under the lock, delivered by {@link Engine#dispatch} after it. Created only
 * when there is something to tell, so an uncontended request allocates none.
 */
final class Events {
    LockBlock[] ended;
    Pending[] endedPending;
    int endedCount;

    LockBlock[] blocking;
    LockMode[] blockedModes;
    int blockingCount;

    static Events ended(Events events, LockBlock lock, Pending pending) {
        Events e = events == null ? new Events() : events;
        if (e.ended == null) {
            e.ended = new LockBlock[4];
            e.endedPending = new Pending[4];
        } else if (e.endedCount == e.ended.length) {
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
}
