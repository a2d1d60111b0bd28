package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.parser.SqlParser;
import org.junit.jupiter.api.Test;

/** What a connection reads from a statement's text: a trailing FOR UPDATE [NOWAIT] and whether it changes rows. */
class StatementTextTest {
    private static final SqlParser.Config PARSER = SqlParser.config().withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_UPPER).withCaseSensitive(false);

    private static StatementText of(String sql) {
        return StatementText.of(sql, PARSER);
    }

    @Test
    void aTrailingForUpdateIsTakenOffAndLocksExclusively() {
        assertThat(of("SELECT * FROM accounts WHERE id = 1 FOR UPDATE"))
                .isEqualTo(new StatementText("SELECT * FROM accounts WHERE id = 1 ", true, null, false));
    }

    @Test
    void nowaitMakesTheLockWaitZero() {
        assertThat(of("select * from accounts order by id\nfor update\r\nnowait;"))
                .isEqualTo(new StatementText("select * from accounts order by id\n", true, Duration.ZERO, false));
    }

    @Test
    void forUpdateInALiteralACommentOrAQuotedNameIsText() {
        for (String sql : new String[] {"SELECT 'a FOR UPDATE' FROM accounts", "SELECT * FROM accounts -- FOR UPDATE",
                "SELECT * FROM accounts /* FOR UPDATE */", "SELECT \"FOR\" FROM accounts AS \"UPDATE\""}) {
            assertThat(of(sql)).as(sql).isEqualTo(new StatementText(sql, false, null, false));
        }
    }

    @Test
    void updateDeleteAndMergeLockExclusivelyWhateverPrecedesThem() {
        assertThat(of("/* SELECT */ -- a comment\n update accounts set balance = 0").lockEx()).isTrue();
        assertThat(of("DELETE FROM accounts WHERE owner = 'SELECT';").lockEx()).isTrue();
        assertThat(of("/* update */ SELECT * FROM accounts").lockEx()).isFalse();
        assertThat(of("INSERT INTO accounts SELECT * FROM accounts").lockEx()).isFalse();
    }

    @Test
    void insertUpdateAndMergeAssignValuesToColumns() {
        assertThat(of("INSERT INTO accounts SELECT * FROM accounts").assigns()).isTrue();
        assertThat(of("update accounts set owner = 'x'").assigns()).isTrue();
        assertThat(of("DELETE FROM accounts").assigns()).isFalse();
        assertThat(of("SELECT * FROM accounts FOR UPDATE").assigns()).isFalse();
    }

    @Test
    void forUpdateOnAChangeOrTextThatDoesNotParseIsLeftForCalciteToRefuse() {
        for (String sql : new String[] {"DELETE FROM accounts FOR UPDATE", "SELEC * FROM accounts FOR UPDATE", "SELECT 'open"}) {
            assertThat(of(sql)).as(sql).isEqualTo(new StatementText(sql, false, null, false));
        }
    }
}
