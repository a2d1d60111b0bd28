/**
 * The Apache Calcite adapter that makes the record store's files SQL tables: a schema of the files
 * that have record definitions ({@link dev.locksmith.jdbc.sql.StoreSchema}); tables
 * ({@link dev.locksmith.jdbc.sql.RecordTable}) planned as a compiled scan to which a filter hands its
 * conditions, so that key conditions become keyed reads; and INSERT, UPDATE and DELETE planned by
 * {@link dev.locksmith.jdbc.sql.StoreModifyRule} as one operator that writes through the session's
 * store transaction. Calcite parses, validates, plans and runs everything else (joins, aggregates,
 * ORDER BY).
 */
package dev.locksmith.jdbc.sql;
