package dev.locksmith.rms;

import dev.locksmith.lock.LockOwner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Test helper: a reading service ({@link RmsFile#inspect}) held open on a thread of its own until it is let go. */
final class HeldReader implements AutoCloseable {
    private final Semaphore entered = new Semaphore(0);
    private final Semaphore leave = new Semaphore(0);
    private final CompletableFuture<Void> inside;

    /** Starts the reader and returns once it is inside its service. */
    HeldReader(RmsFile file, LockOwner owner) throws InterruptedException {
        inside = CompletableFuture.runAsync(() -> file.inspect(owner, "held read", () -> {
            entered.release();
            leave.acquireUninterruptibly();
            return null;
        }), ClusterGlobalBuffersTest.runOnOwnThread());
        if (!entered.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the held reader never entered its service");
        }
    }

    /** Lets the reader leave and waits until its service has ended. */
    void leave() throws Exception {
        leave.release();
        inside.get(30, TimeUnit.SECONDS);
    }

    /** Lets the reader go whatever happened (so that closing the file does not wait for it). */
    @Override
    public void close() {
        leave.release(1000);
    }
}
