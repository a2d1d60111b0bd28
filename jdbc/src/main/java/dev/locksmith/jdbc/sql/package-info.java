/**
 * The Apache Calcite adapter that makes the record store's files SQL tables: a schema of the files
 * that have record definitions ({@link dev.locksmith.jdbc.sql.StoreSchema}); tables
 * ({@link dev.locksmith.jdbc.sql.RecordTable}) planned as a compiled scan to which a filter hands its
 * conditions, so that key conditions become keyed reads; and INSERT, UPDATE and DELETE planned by
 * {@link dev.locksmith.jdbc.sql.StoreModifyRule} as one operator that writes through the session's
 * store transaction. Calcite parses, validates, plans and runs everything else (joins, aggregates,
 * ORDER BY).
 *
 * <p>A prepared SELECT of one table's columns by the whole of a unique key
 * ({@link dev.locksmith.jdbc.sql.PointLookup}) is recognized from Calcite's plan when it is prepared
 * and then executed without Calcite: one keyed read through the session, the projected fields
 * decoded. An auto-commit read there takes its record lock with the connection's own lock owner
 * instead of a store transaction ({@link dev.locksmith.jdbc.sql.StoreSession#readExact}).
 */
package dev.locksmith.jdbc.sql;
