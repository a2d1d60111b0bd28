/**
 * JDBC over the record store: {@link dev.locksmith.jdbc.LocksmithDriver} ({@code jdbc:locksmith:<store
 * directory>}), {@link dev.locksmith.jdbc.LocksmithDataSource} and
 * {@link dev.locksmith.jdbc.LocksmithXADataSource}, whose XAResource is the resource adapter's own, so
 * one Xid is one store transaction whether the work came through JCA or JDBC. In an application
 * server, the RAR's second connection definition, {@link dev.locksmith.jdbc.SqlManagedConnectionFactory},
 * binds a {@link dev.locksmith.jdbc.ManagedDataSource} on the RAR's store whose connections the server
 * pools and enlists as it does the JCA ones.
 *
 * <p><b>Tables</b> are the store's files that have a record definition ({@code rms define}); see
 * {@link dev.locksmith.jdbc.sql}. An indexed file's primary key is key 0. A relative file's table
 * starts with its record number, column {@code RECNO}, the primary key: {@code WHERE RECNO = ?} reads
 * that cell, INSERT stores in cell RECNO, DELETE frees it. A sequential file's table is read in file
 * order; INSERT appends, UPDATE rewrites in place, and DELETE is refused with 0A000. A TEXT field is
 * a VARCHAR of its length, a PACKED or ZONED one a DECIMAL of its digits and scale, in
 * {@code DatabaseMetaData.getColumns} and result set metadata alike.
 *
 * <p><b>SQL</b> is Apache Calcite's dialect (upper-cased unquoted names, matched ignoring case); a
 * trailing {@code FOR UPDATE} or {@code FOR UPDATE NOWAIT} on a query is Locksmith's: its reads take
 * EX record locks (NOWAIT: without waiting). The clause is found among the tokens of Calcite's lexer,
 * so the words in a string literal or a comment are not one.
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
 * A statement that fails inside a transaction (not auto-commit, or an XA branch) undoes its own
 * changes and leaves the transaction going on — a multi-row INSERT that meets a duplicate key in its
 * third row takes its first two back — unless the failure ended the transaction (40001, 40000). It
 * works from a store savepoint; {@code setSavepoint}, {@code rollback(Savepoint)} and
 * {@code releaseSavepoint} use the same. Records the undone work locked stay locked until the
 * transaction ends, as in most databases.
 * A read that runs alone in auto-commit (a prepared point lookup, see {@link dev.locksmith.jdbc.sql})
 * locks as such a transaction would — PR until the record is read, none when optimistic — without
 * beginning one.
 *
 * <p><b>SQLStates.</b> 23505 duplicate key (DUP) or occupied cell (REX), 23000 key change refused
 * (CHG), 40001 serialization failure (CONFLICT, DEADLOCK: the transaction has been rolled back),
 * 40000 transaction timeout, 55P03 lock not available (TMO, RLK), 02000 record not found (RNF), 22001
 * text longer than its column (nothing is cut short), 22003 a number beyond its column's precision,
 * 22000 another value that does not fit its field, 42601 syntax error, 42000 other bad SQL (unknown
 * table or column, type mismatch), 25000 transaction state, 0A000 not possible for the file's
 * organization (ORG), 3B001 a savepoint that is not valid. The store's status leads the message.
 */
package dev.locksmith.jdbc;
