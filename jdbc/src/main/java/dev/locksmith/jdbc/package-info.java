/**
 * JDBC over the record store: {@link dev.locksmith.jdbc.LocksmithDriver} ({@code jdbc:locksmith:<store
 * directory>}), {@link dev.locksmith.jdbc.LocksmithDataSource} and
 * {@link dev.locksmith.jdbc.LocksmithXADataSource}, whose XAResource is the resource adapter's own, so
 * one Xid is one store transaction whether the work came through JCA or JDBC.
 *
 * <p><b>Tables</b> are the store's indexed files that have a record definition ({@code rms define});
 * see {@link dev.locksmith.jdbc.sql}. SQL is Apache Calcite's dialect (upper-cased unquoted names,
 * matched ignoring case); a trailing {@code FOR UPDATE} or {@code FOR UPDATE NOWAIT} on a SELECT is
 * Locksmith's: its reads take EX record locks (NOWAIT: without waiting).
 *
 * <p><b>Transactions.</b> A connection works in one store transaction at a time, begun by its first
 * statement; auto-commit (the default) commits it when each statement returns, otherwise
 * {@code commit}/{@code rollback} end it. Isolation levels map onto the store's modes:
 * {@code READ_UNCOMMITTED}, {@code READ_COMMITTED} and {@code REPEATABLE_READ} (the default) run
 * {@code PESSIMISTIC} — every record read is locked PR (EX when read for update or to be changed)
 * until the transaction ends, so reads repeat; {@code SERIALIZABLE} runs {@code OPTIMISTIC} — nothing
 * is locked while working and the commit validates every record read, failing with 40001 if another
 * transaction changed one. Neither mode locks gaps: a range read twice may see a record another
 * transaction stored in between (a phantom), so SERIALIZABLE is serializable for keyed access only.
 * A statement that fails before changing anything leaves the transaction as it was; one that fails
 * after changing some rows leaves it rollback-only. A read that runs alone in auto-commit (a prepared
 * point lookup, see {@link dev.locksmith.jdbc.sql}) locks as such a transaction would — PR until the
 * record is read, none when optimistic — without beginning one.
 *
 * <p><b>SQLStates.</b> 23505 duplicate key (DUP), 23000 key change refused (CHG), 40001
 * serialization failure (CONFLICT, DEADLOCK: the transaction has been rolled back), 40000
 * transaction timeout, 55P03 lock not available (TMO, RLK), 02000 record not found (RNF), 22000 a
 * value that does not fit its field, 42601 syntax error, 42000 other bad SQL (unknown table or
 * column, type mismatch), 25000 transaction state. The store's status leads the message.
 */
package dev.locksmith.jdbc;
