package dev.locksmith.jdbc;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;
import org.apache.calcite.sql.parser.impl.SqlParserImplConstants;
import org.apache.calcite.sql.parser.impl.Token;
import org.apache.calcite.sql.parser.impl.TokenMgrError;

/**
 * The little a connection reads from a statement's text itself, the rest being Calcite's: a trailing
 * {@code FOR UPDATE [NOWAIT]} on a query (which Calcite's SQL does not have), taken off before
 * Calcite sees the statement; and whether it is an UPDATE, DELETE or MERGE, whose reads lock EX at
 * once (a PR lock converted to EX when the row is changed would deadlock two such statements on one
 * record).
 *
 * <p>Both are read with Calcite's own lexer and parser under the connection's parser configuration:
 * the trailing clause is found among the statement's tokens (so {@code FOR UPDATE} in a string
 * literal, a quoted identifier or a comment is not one, and any case and line breaks are), and the
 * statement's kind is the kind of the node the parser makes of the rest. Text that does not lex or
 * parse is passed on unchanged, for Calcite to report.
 *
 * @param sql       the statement for Calcite
 * @param lockEx    whether its reads lock EX
 * @param lockWait  how long its lock requests wait, or null for the connection's default
 * @param assigns   whether it assigns values to columns (INSERT, UPDATE, MERGE), which Calcite must
 *                  then plan without text lengths (see {@link dev.locksmith.jdbc.sql.StoreSession#assigning()})
 */
record StatementText(String sql, boolean lockEx, Duration lockWait, boolean assigns) {

    /** Reads {@code sql} as a parser with {@code parser}'s configuration (the connection's) would. */
    static StatementText of(String sql, SqlParser.Config parser) {
        if (sql == null) {
            return new StatementText(null, false, null, false);
        }
        List<Token> tokens;
        try {
            tokens = tokens(sql, parser);
        } catch (TokenMgrError e) {
            return new StatementText(sql, false, null, false);
        }
        int end = tokens.size();
        if (end > 0 && tokens.get(end - 1).kind == SqlParserImplConstants.SEMICOLON) {
            end--;
        }
        boolean nowait = end >= 3 && isNowait(tokens.get(end - 1));
        int clause = nowait ? end - 3 : end - 2;
        boolean forUpdate = clause > 0 && tokens.get(clause).kind == SqlParserImplConstants.FOR
                && tokens.get(clause + 1).kind == SqlParserImplConstants.UPDATE;
        String statement = sql;
        if (forUpdate) {
            statement = sql.substring(0, offset(sql, tokens.get(clause)));
        } else if (end < tokens.size()) {
            statement = sql.substring(0, offset(sql, tokens.get(end)));
        }
        SqlKind kind;
        try {
            SqlNode node = SqlParser.create(statement, parser).parseStmt();
            kind = node.getKind();
        } catch (SqlParseException e) {
            return new StatementText(sql, false, null, false);
        }
        if (forUpdate) {
            return SqlKind.QUERY.contains(kind)
                    ? new StatementText(statement, true, nowait ? Duration.ZERO : null, false)
                    : new StatementText(sql, false, null, false); // FOR UPDATE on a change: Calcite refuses the text
        }
        return new StatementText(sql, kind == SqlKind.UPDATE || kind == SqlKind.DELETE || kind == SqlKind.MERGE, null,
                kind == SqlKind.INSERT || kind == SqlKind.UPDATE || kind == SqlKind.MERGE);
    }

    private static boolean isNowait(Token token) {
        return token.kind == SqlParserImplConstants.IDENTIFIER && token.image.equalsIgnoreCase("NOWAIT");
    }

    /** The statement's tokens up to the end, comments left out (the lexer keeps them aside). */
    private static List<Token> tokens(String sql, SqlParser.Config parser) {
        SqlParserImpl lexer = new SqlParserImpl(new StringReader(sql));
        lexer.setTabSize(1);
        lexer.switchTo(SqlAbstractParserImpl.LexicalState.forConfig(parser));
        List<Token> tokens = new ArrayList<>();
        for (Token token = lexer.getNextToken(); token.kind != SqlParserImplConstants.EOF; token = lexer.getNextToken()) {
            tokens.add(token);
        }
        return tokens;
    }

    /** Where {@code token} begins in {@code sql}: its line and column counted as the lexer counts them (CR, LF, CR LF). */
    private static int offset(String sql, Token token) {
        int line = 1;
        int at = 0;
        while (line < token.beginLine) {
            char c = sql.charAt(at++);
            if (c == '\n' || (c == '\r' && (at == sql.length() || sql.charAt(at) != '\n'))) {
                line++;
            }
        }
        return at + token.beginColumn - 1;
    }
}
