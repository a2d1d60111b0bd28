package dev.locksmith.lock.engine;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A request that waits: a new request on the waiting queue or a conversion on the conversion
 * queue. Allocated only when a request has to wait. The engine sets {@link #outcome} under the
 * resource's stripe lock; the volatile write is what a parked requester waits for.
 */
final class Pending {
    /**
     * The thread parked in a synchronous request, the {@link LocalLockManager.EndListener} of a
     * request made through {@link LocalLockManager#enqueueAsync(dev.locksmith.lock.LockOwner,
     * dev.locksmith.lock.LockRequest, LocalLockManager.EndListener)}, or null for an asynchronous one.
     */
    final Object waiter;
    /** When the request started to wait (System.nanoTime). */
    final long since;
    final boolean conversion;

    volatile LockStatus outcome;
    /**
     * The grant of a granted request whose waiter is a {@link LocalLockManager.EndListener}, read
     * under the stripe lock that granted it and set before {@link #outcome}; told to the listener.
     */
    LocalLockManager.Grant grant;
    /** Set, under the stripe and before {@link #outcome}, when the request is failed as a deadlock victim. */
    dev.locksmith.lock.DeadlockReport report;
    /** NOORDER grants that passed this request in a mode it conflicts with; guarded by the stripe. */
    int passes;
    /**
     * The stage for {@link Lock#completion()}: made at once for an asynchronous request, on
     * demand for a synchronous one. Guarded by the stripe lock until the outcome is set.
     */
    CompletableFuture<Lock> future;
    volatile ScheduledFuture<?> timeoutTask;
    volatile ScheduledFuture<?> deadlockTask;
    /** FAIR, new requests only: fires when the request becomes overdue (see Engine#becameOverdue). */
    volatile ScheduledFuture<?> overdueTask;

    Pending(Object waiter, boolean conversion, long since) {
        this.waiter = waiter;
        this.conversion = conversion;
        this.since = since;
        this.future = waiter == null ? new CompletableFuture<>() : null;
    }
}
