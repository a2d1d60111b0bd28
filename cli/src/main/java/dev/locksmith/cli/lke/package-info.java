/**
 * {@code locksmith lke show|clear|monitor}: the locks of another JVM's lock manager, read over JMX
 * from the bean every manager registers ({@link dev.locksmith.lock.admin}), found by process id
 * (the attach API) or by a JMX service URL. Errors print as {@code %LKE-E-CODE, message}.
 */
package dev.locksmith.cli.lke;
