/**
 * The lock manager's API: the OpenVMS {@code $ENQ}/{@code $DEQ} model for Java.
 *
 * <p><b>Start here.</b> {@link dev.locksmith.lock.LockManager#builder()} builds an embedded
 * manager; {@link dev.locksmith.lock.LockManager#newOwner(String)} makes a
 * {@link dev.locksmith.lock.LockOwner} (what a VMS process is: it holds locks, is the unit of
 * deadlock detection, and its {@code close()} releases everything it holds);
 * {@link dev.locksmith.lock.LockOwner#enqueue(dev.locksmith.lock.LockRequest)} asks for a
 * {@link dev.locksmith.lock.Lock} in one of the six {@link dev.locksmith.lock.LockMode}s, with the
 * options of a {@link dev.locksmith.lock.LockRequest} (parent lock, timeout, {@link dev.locksmith.lock.LockFlag}s,
 * value block, blocking handler); {@code convert} changes its mode and {@code dequeue} releases it.
 *
 * <p><b>Errors.</b> A request that is not granted ends with a {@link dev.locksmith.lock.LockException}
 * whose {@link dev.locksmith.lock.LockStatus} says why ({@code NOTQUEUED}, {@code TIMEOUT},
 * {@code DEADLOCK}, {@code CANCELLED}); a bad argument fails with a status naming it
 * ({@code IVMODE}, {@code IVRESNAM}, {@code BADPARAM}, …) and changes nothing.
 *
 * <p><b>Around it.</b> GT.M-style name locks: {@link dev.locksmith.lock.names}. Inspection and
 * LKE-style clearing, in-process or over JMX: {@link dev.locksmith.lock.admin}. A cluster node with
 * the same API: {@code dev.locksmith.lock.cluster.ClusterLockManager.builder()} (needs JGroups on
 * the class path). The engine behind the API is {@link dev.locksmith.lock.engine}; applications do
 * not use it directly.
 *
 * <p>Every type here is thread-safe unless its documentation says otherwise.
 */
package dev.locksmith.lock;
