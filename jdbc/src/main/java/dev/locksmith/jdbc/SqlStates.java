package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.ValueTooLongException;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLDataException;
import java.util.Set;

/** Turns what a statement throws into an {@link SQLException} with the SQLState the package comment lists. Stateless. */
final class SqlStates {
    private static final Set<String> VALIDATION = Set.of(
            "org.apache.calcite.runtime.CalciteContextException", "org.apache.calcite.sql.validate.SqlValidatorException");
    private static final String PARSE = "org.apache.calcite.sql.parser.SqlParseException";

    private SqlStates() {
    }

    static SQLException translate(Throwable thrown) {
        for (Throwable at = thrown; at != null; at = at.getCause()) {
            if (at instanceof RmsException rms) {
                return fromStore(rms);
            }
        }
        for (Throwable at = thrown; at != null; at = at.getCause()) {
            String type = at.getClass().getName();
            if (type.equals(PARSE)) {
                return new SQLSyntaxErrorException("syntax error: " + at.getMessage(), "42601", thrown);
            }
            if (VALIDATION.contains(type)) {
                return new SQLSyntaxErrorException("invalid statement: " + at.getMessage(), "42000", thrown);
            }
            if (at instanceof ValueTooLongException) {
                return new SQLDataException(at.getMessage(), "22001", thrown);
            }
            if (at instanceof NumberFormatException) {
                return new SQLDataException("invalid number: " + at.getMessage(), "22018", thrown);
            }
            if (at instanceof ArithmeticException) {
                return new SQLDataException("numeric value out of range: " + at.getMessage(), "22003", thrown);
            }
        }
        if (thrown instanceof SQLException sql && sql.getSQLState() != null) {
            return sql;
        }
        String message = thrown.getMessage() == null ? thrown.toString() : thrown.getMessage();
        return new SQLException(message, thrown instanceof SQLException sql ? sql.getSQLState() : "HY000", thrown);
    }

    static SQLException fromStore(RmsException e) {
        String message = e.getMessage();
        return switch (e.status()) {
            case DUP, REX -> new SQLIntegrityConstraintViolationException("duplicate key value: " + message, "23505", e);
            case CHG -> new SQLIntegrityConstraintViolationException("key value change not allowed: " + message, "23000", e);
            case CONFLICT, DEADLOCK -> new SQLTransactionRollbackException("transaction rolled back: " + message, "40001", e);
            case TXTIMEOUT -> new SQLTransactionRollbackException("transaction rolled back: " + message, "40000", e);
            case TMO, RLK -> new SQLException("lock not available: " + message, "55P03", e);
            case RNF -> new SQLException("record not found: " + message, "02000", e);
            case IAL, RTB, KEY -> new SQLDataException("value does not fit: " + message, "22000", e);
            case FNF -> new SQLSyntaxErrorException("no such file: " + message, "42P01", e);
            case ORG -> new java.sql.SQLFeatureNotSupportedException("not possible for this file organization: " + message, "0A000", e);
            case TXSTATE -> new SQLException("invalid transaction state: " + message, "25000", e);
            case CLOSED -> new SQLException("store closed: " + message, "08003", e);
            default -> new SQLException("store error: " + message, e.status() == RmsStatus.FLK ? "55006" : "58000", e);
        };
    }
}
