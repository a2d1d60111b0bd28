package dev.locksmith.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared fixtures: a manager per test, owners, and a guarded wait for stages (the bound only
 * stops a broken test from hanging; no test measures time).
 */
abstract class LockManagerTestSupport {
    static final Duration HANG_GUARD = Duration.ofSeconds(20);

    private final List<LockManager> managers = new ArrayList<>();
    LockManager manager = track(LockManager.builder().name("test").deadlockWait(Duration.ZERO).build());

    LockManager track(LockManager m) {
        managers.add(m);
        return m;
    }

    @AfterEach
    void closeManagers() {
        managers.forEach(LockManager::close);
    }

    LockOwner owner(String name) {
        return manager.newOwner(name);
    }

    static Lock lock(LockOwner owner, String name, LockMode mode, LockFlag... flags) {
        try {
            return owner.enqueue(LockRequest.of(name, mode).withFlags(flags));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static Lock convert(LockOwner owner, Lock lock, LockMode mode, LockFlag... flags) {
        try {
            return owner.convert(lock, LockRequest.conversionTo(mode).withFlags(flags));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The result of a stage that must complete. */
    static Lock await(CompletionStage<Lock> stage) {
        try {
            return stage.toCompletableFuture().get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LockException le) {
                throw le;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /** The status a stage failed with. */
    static LockStatus failureOf(CompletionStage<Lock> stage) {
        try {
            await(stage);
        } catch (LockException e) {
            return e.status();
        }
        throw new AssertionError("stage completed normally");
    }

    static boolean isDone(CompletionStage<Lock> stage) {
        return stage.toCompletableFuture().isDone();
    }

    /** Waits (bounded) for an asynchronously delivered fact. */
    static void eventually(Runnable assertion) {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    throw new AssertionError(ie);
                }
            }
        }
    }

    static void assertWaiting(Lock lock) {
        assertThat(lock.queue()).contains(LockQueue.WAITING);
    }

    static CompletableFuture<Lock> completion(Lock lock) {
        return lock.completion().toCompletableFuture();
    }
}
