/**
 * A cluster of lock managers over JGroups, after the OpenVMS distributed lock manager: the
 * {@link dev.locksmith.lock.LockManager} API on every node, one master per resource tree.
 *
 * <p><b>Start here.</b> {@link dev.locksmith.lock.cluster.ClusterLockManager#builder()} starts a
 * node; its class comment states the protocol and its guarantees.
 * {@link dev.locksmith.lock.cluster.ClusterLockManagerMXBean} and
 * {@link dev.locksmith.lock.cluster.ClusterStatistics} show its counters;
 * {@link dev.locksmith.lock.cluster.LoopbackPorts} picks ports for several nodes on one machine.
 *
 * <p><b>Inside</b> (package-private). The manager is the public face: its builder, the
 * {@code LockManager} API and the wiring of the parts below. {@code OwnerRequests} is the path of
 * this node's own requests, from its owners and their copies ({@code ClusterOwner},
 * {@code ClusterLock}) to the master table of their tree ({@code MasterTable}, over the embedded
 * engine; LOCAL trees have a table of their own) or to another node's, and of the outcomes back.
 * Each protocol concern is a class of its own, run on the node's protocol thread
 * ({@code ProtocolExecutor}) and seeing the node through {@code ProtocolNode}, as JGroups'
 * protocols each do one job in a stack:
 * <ul>
 *   <li>{@code Incoming}: hands each incoming message ({@code Wire}) to its concern;</li>
 *   <li>{@code Directory}: which node masters each tree — lookups, directory entries
 *       ({@code DirectoryHash}), empty trees and DROP;</li>
 *   <li>{@code Rebuild}: view changes and the rebuild of the lock database, with the owning side
 *       of it in {@code CopyResend} and the copies a directory node holds for it (and their
 *       requests' timeouts) in {@code ResentCopies};</li>
 *   <li>{@code Remastering}: moving a tree to the node that uses it most, and a closing fork's
 *       trees to the others;</li>
 *   <li>{@code QuorumLease} and {@code LeaseGuard}: no grant without a majority's recent answer;</li>
 *   <li>{@code Rejoins}: what a member sent before the others excluded it and it came back is void;</li>
 *   <li>{@code CrossNodeDeadlocks}: deadlock cycles across masters;</li>
 *   <li>{@code ClusterChannel} and {@code ClusterSecurity}: the JGroups channel (own or forked)
 *       and its encryption.</li>
 * </ul>
 */
package dev.locksmith.lock.cluster;
