/**
 * The Locksmith adapter's application API: what EJBs and servlets program against. Look up a
 * {@link dev.locksmith.ra.LocksmithConnectionFactory} (for example
 * {@code @Resource(lookup = "java:/eis/locksmith")}), get a {@link dev.locksmith.ra.LocksmithConnection},
 * use it inside a container-managed transaction and close it: open store files
 * ({@link dev.locksmith.ra.RecordFile}) and take GT.M name locks, all in that transaction. Failures
 * are {@link dev.locksmith.ra.LocksmithException}s carrying a status.
 */
package dev.locksmith.ra;
