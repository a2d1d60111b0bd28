/**
 * Administration of a running lock manager, as GT.M's LKE and VMS {@code MONITOR DLOCK} do it.
 *
 * <p><b>Start here.</b> Every manager built by {@link dev.locksmith.lock.LockManager#builder()}
 * already has a {@link dev.locksmith.lock.admin.LockManagerMXBean} in the platform MBean server
 * (unless built with {@code registerMBean(false)}), which the {@code locksmith lke} command reads
 * by process id or JMX URL. To report the use of {@link dev.locksmith.lock.names.LockSpace}s or to
 * let JMX clients clear locks, register one yourself with
 * {@link dev.locksmith.lock.admin.LockManagerMonitor#register(dev.locksmith.lock.LockManager, java.util.List, boolean)};
 * it replaces the default one. In-process, {@link dev.locksmith.lock.admin.LockAdmin} shows locks
 * ({@link dev.locksmith.lock.admin.ShowFilter}, {@link dev.locksmith.lock.admin.LockEntry}) and
 * clears them with the manager's {@link dev.locksmith.lock.AdminCapability}.
 */
package dev.locksmith.lock.admin;
