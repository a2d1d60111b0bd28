package dev.locksmith.jdbc.sql;

/**
 * A text value longer than the column it is assigned to (SQLState 22001, string data right
 * truncation): thrown by {@link RecordTable#modify} before anything is changed. Immutable.
 */
public final class ValueTooLongException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ValueTooLongException(String column, int length, int actual) {
        super("value too long for column " + column + " VARCHAR(" + length + "): it is " + actual + " characters; at most "
                + length + " fit");
    }
}
