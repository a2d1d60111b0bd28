/**
 * The Jakarta Connectors side of the Locksmith adapter: resource adapter, managed connection
 * factory, managed connections with their XA and local transactions, and the implementations of
 * the application API in {@link dev.locksmith.ra}. In an application server the server drives all
 * of it; a Java SE program with a transaction manager uses it only to set the adapter up
 * ({@link dev.locksmith.ra.spi.LocksmithResourceAdapter},
 * {@link dev.locksmith.ra.spi.LocksmithManagedConnectionFactory},
 * {@link dev.locksmith.ra.spi.JtaConnectionManager}).
 */
package dev.locksmith.ra.spi;
