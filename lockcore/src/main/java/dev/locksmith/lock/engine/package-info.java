/**
 * The single-node engine behind {@link dev.locksmith.lock.LockManager}: resource tables in
 * stripes, the three queues of each resource, grant rules, value blocks, deadlock detection and
 * callback delivery. Applications do not use this package: they get a
 * {@link dev.locksmith.lock.engine.LocalLockManager} from {@link dev.locksmith.lock.LockManager#builder()}
 * and see it only through the {@code dev.locksmith.lock} interfaces. Its public hooks exist for
 * the cluster, which keeps the locks it masters in a local engine.
 */
package dev.locksmith.lock.engine;
