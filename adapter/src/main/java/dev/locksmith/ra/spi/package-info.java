/**
 * The Jakarta Connectors side of the Locksmith adapter: resource adapter, managed connection
 * factory, managed connections with their XA and local transactions, and the implementations of
 * the application API in {@link dev.locksmith.ra}. Application code should not use this package.
 */
package dev.locksmith.ra.spi;
