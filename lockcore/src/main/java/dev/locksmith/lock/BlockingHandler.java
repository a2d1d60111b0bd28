package dev.locksmith.lock;

/**
 * The blocking callback (VMS blocking AST): a granted lock is in the way of another request.
 * Called on the lock manager's callback executor, never while the engine holds its own locks;
 * a handler may convert or dequeue the lock (a down-conversion never waits) but must not block.
 */
@FunctionalInterface
public interface BlockingHandler {
    /**
     * @param lock        the granted lock that blocks
     * @param blockedMode the mode of the request it blocks
     */
    void blocking(Lock lock, LockMode blockedMode);
}
