/**
 * GT.M/YottaDB {@code LOCK} semantics on the lock manager: locking {@code ^D(1)} interlocks with
 * its ancestors ({@code ^D}) and descendants ({@code ^D(1,2)}) but not with {@code ^D(2)};
 * incremental {@code LOCK +}/{@code LOCK -}; timeouts that report success as a boolean (as
 * {@code $TEST}); {@code ZALLOCATE}.
 *
 * <p><b>Start here.</b> Make a {@link dev.locksmith.lock.names.LockSpace} on a
 * {@link dev.locksmith.lock.LockManager} (a group and a limit on the nodes its processes may hold),
 * then one {@link dev.locksmith.lock.names.NameLocks} per M process with
 * {@link dev.locksmith.lock.names.LockSpace#newProcess(String)}, and call
 * {@link dev.locksmith.lock.names.NameLocks#lock(String...)},
 * {@link dev.locksmith.lock.names.NameLocks#lockIncrement(String...)} and
 * {@link dev.locksmith.lock.names.NameLocks#unlock(String...)} on names written as in M
 * ({@link dev.locksmith.lock.names.MName}). Name locks are engine locks, so deadlock detection and
 * {@code lke show} see them like any other lock.
 */
package dev.locksmith.lock.names;
