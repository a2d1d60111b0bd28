package dev.locksmith.lock.cluster;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster manager's protocol "thread": tasks run one at a time, in the order they were
 * submitted, each seeing everything the ones before it did (the single-threaded executor it
 * replaces gave the same). They normally run on one worker thread; {@link #runIfIdle} lets the
 * thread that received a small message run its task itself when nothing else is queued or
 * running, which saves waking the worker (a scheduler wake-up, tens of µs on a busy machine)
 * for each lock request and grant. Order is kept: a task runs inline only while it holds the
 * same turn the worker takes, and only if no earlier task is waiting.
 */
final class ProtocolExecutor {
    private static final System.Logger LOG = System.getLogger(ProtocolExecutor.class.getName());

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Held by whoever runs tasks: the worker's drain, or an inline caller. */
    private final AtomicBoolean turn = new AtomicBoolean();
    private final ExecutorService worker;

    ProtocolExecutor(ThreadFactory threads) {
        this.worker = Executors.newSingleThreadExecutor(threads);
    }

    /** Queues {@code task} for the worker. */
    void execute(Runnable task) {
        if (worker.isShutdown()) {
            throw new java.util.concurrent.RejectedExecutionException("protocol executor shut down");
        }
        tasks.add(task);
        schedule();
    }

    /**
     * Runs {@code task} on the calling thread if no task is queued or running, and returns true;
     * otherwise returns false and the caller queues it with {@link #execute}. The task must not
     * block for long: the caller is a JGroups receiving thread.
     */
    boolean runIfIdle(Runnable task) {
        if (worker.isShutdown() || !turn.compareAndSet(false, true)) {
            return false;
        }
        if (!tasks.isEmpty()) {
            release();
            return false;
        }
        try {
            run(task);
        } finally {
            release();
        }
        return true;
    }

    /** Runs {@code task} in turn and returns its result's future. */
    <T> Future<T> submit(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        execute(future);
        return future;
    }

    /** Stops the worker; queued tasks are dropped and later submissions rejected. */
    void shutdownNow() {
        worker.shutdownNow();
        tasks.clear();
    }

    private void release() {
        turn.set(false);
        schedule();
    }

    /** Gives the turn to the worker if tasks wait and nobody holds it. */
    private void schedule() {
        if (!tasks.isEmpty() && turn.compareAndSet(false, true)) {
            try {
                worker.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                turn.set(false);
                tasks.clear();
                LOG.log(Level.DEBUG, "protocol tasks dropped: the lock manager is shut down");
            }
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null && !worker.isShutdown()) {
                run(task);
            }
        } finally {
            release();
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lock protocol task failed", e);
        }
    }
}
