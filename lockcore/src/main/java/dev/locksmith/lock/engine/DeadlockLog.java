package dev.locksmith.lock.engine;

import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The deadlocks a lock manager broke: the last {@value #KEPT} reports, and the listeners told of
 * each new one on the manager's callback executor. Thread-safe; never blocks on lock owners.
 */
public final class DeadlockLog {
    /** How many reports are kept. */
    public static final int KEPT = 20;
    private static final System.Logger LOG = System.getLogger(DeadlockLog.class.getName());

    private final Executor callbacks;
    /** Guarded by itself. */
    private final ArrayDeque<DeadlockReport> recent = new ArrayDeque<>(KEPT);
    private final List<Consumer<DeadlockReport>> listeners = new CopyOnWriteArrayList<>();

    /** A log whose listeners run on {@code callbacks}. */
    public DeadlockLog(Executor callbacks) {
        this.callbacks = callbacks;
    }

    /** Keeps {@code report}, forgetting the oldest beyond {@value #KEPT}, and tells the listeners. */
    public void record(DeadlockReport report) {
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(report);
        }
        LOG.log(Level.INFO, report::describe);
        for (Consumer<DeadlockReport> listener : listeners) {
            try {
                callbacks.execute(() -> {
                    try {
                        listener.accept(report);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "deadlock listener failed", e);
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "deadlock report not delivered: the callback executor is shut down");
            }
        }
    }

    /** The kept reports, oldest first. */
    public List<DeadlockReport> recent() {
        synchronized (recent) {
            return List.copyOf(new ArrayList<>(recent));
        }
    }

    /** See {@link dev.locksmith.lock.LockManager#addDeadlockListener}. */
    public void addListener(Consumer<DeadlockReport> listener) {
        if (listener == null) {
            throw new LockException(LockStatus.BADPARAM, "listener must not be null");
        }
        listeners.add(listener);
    }

    /** See {@link dev.locksmith.lock.LockManager#removeDeadlockListener}. */
    public void removeListener(Consumer<DeadlockReport> listener) {
        listeners.remove(listener);
    }
}
