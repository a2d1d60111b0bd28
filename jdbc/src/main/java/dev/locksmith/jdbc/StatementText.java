package dev.locksmith.jdbc;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little a connection reads from a statement's text itself, the rest being Calcite's: a trailing
 * {@code FOR UPDATE [NOWAIT]} on a SELECT (which Calcite's SQL does not have), taken off before
 * Calcite sees the statement; and whether it is an UPDATE or DELETE, whose reads lock EX at once (a
 * PR lock converted to EX when the row is changed would deadlock two such statements on one record).
 *
 * @param sql       the statement for Calcite
 * @param lockEx    whether its reads lock EX
 * @param lockWait  how long its lock requests wait, or null for the connection's default
 */
record StatementText(String sql, boolean lockEx, Duration lockWait) {
    private static final Pattern FOR_UPDATE =
            Pattern.compile("(?is)^(\\s*(?:SELECT|WITH)\\b.*?)\\s+FOR\\s+UPDATE(\\s+NOWAIT)?\\s*;?\\s*$");
    private static final Pattern CHANGES_ROWS = Pattern.compile("(?is)^\\s*(?:UPDATE|DELETE|MERGE)\\b.*");

    static StatementText of(String sql) {
        if (sql == null) {
            return new StatementText(null, false, null);
        }
        Matcher forUpdate = FOR_UPDATE.matcher(sql);
        if (forUpdate.matches()) {
            return new StatementText(forUpdate.group(1), true, forUpdate.group(2) != null ? Duration.ZERO : null);
        }
        return new StatementText(sql, CHANGES_ROWS.matcher(sql).matches(), null);
    }
}
