/**
 * The Apache Calcite adapter that makes the record store's files SQL tables: a schema of the files
 * that have record definitions ({@link dev.locksmith.jdbc.sql.StoreSchema}), tables whose key
 * predicates become keyed reads ({@link dev.locksmith.jdbc.sql.RecordTable},
 * {@link dev.locksmith.jdbc.sql.KeyedRead}), and INSERT, UPDATE and DELETE planned as one relational
 * operator that writes through the session's store transaction ({@link dev.locksmith.jdbc.sql.StoreModify}).
 * Calcite parses, validates, plans and runs everything else (joins, aggregates, ORDER BY).
 */
package dev.locksmith.jdbc.sql;
