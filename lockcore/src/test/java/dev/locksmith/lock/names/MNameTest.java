package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The M lock-name parser: accepted forms and clear refusals. */
class MNameTest {

    @Test
    void globalWithNumberAndStringSubscriptsParses() {
        MName name = MName.parse("^D(1,\"a\"\"b\",-2.5)");
        assertThat(name.global()).isTrue();
        assertThat(name.variable()).isEqualTo("D");
        assertThat(name.subscripts()).containsExactly("1", "a\"b", "-2.5");
    }

    @Test
    void localNameWithoutSubscriptsParses() {
        MName name = MName.parse("%lock1");
        assertThat(name.global()).isFalse();
        assertThat(name.subscripts()).isEmpty();
    }

    @Test
    void stringThatIsACanonicalNumberIsTheSameNameAsTheNumber() {
        assertThat(MName.parse("^D(\"12\")")).isEqualTo(MName.parse("^D(12)"));
    }

    @Test
    void toStringWritesTheCanonicalFormThatParsesBack() {
        String text = "^D(.5,\"x\"\"y\",\"\")";
        assertThat(MName.parse(text)).hasToString(text);
        assertThat(MName.parse(MName.parse(text).toString())).isEqualTo(MName.parse(text));
    }

    @Test
    void canonicalOrderPutsParentsBeforeChildrenAndNumbersBeforeStrings() {
        List<MName> sorted = List.of(MName.parse("^D(\"a\")"), MName.parse("^D(10)"), MName.parse("^D(2)"),
                MName.parse("^D"), MName.parse("^D(2,1)")).stream().sorted().toList();
        assertThat(sorted).extracting(MName::toString)
                .containsExactly("^D", "^D(2)", "^D(2,1)", "^D(10)", "^D(\"a\")");
    }

    @Test
    void writtenFromPathRebuildsTheName() {
        assertThat(MName.writtenFromPath(List.of("^D", "1", "\"a\""))).isEqualTo("^D(1,\"a\")");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                 | the name is empty",
        "^                  | position 2: a variable name is expected after '^'",
        "^1A                | position 2: a variable name must start with % or a letter",
        "^D(1               | position 5: unbalanced parentheses",
        "^D(                | position 4: unbalanced parentheses",
        "^D(1))             | position 6: unbalanced parentheses: ')' without '('",
        "^D)                | position 3: unbalanced parentheses: ')' without '('",
        "^D()               | position 4: empty subscript",
        "^D(1,)             | position 6: empty subscript",
        "^D(01)             | position 4: subscript '01' is neither a quoted string nor a canonical number",
        "^D(1.0)            | position 4: subscript '1.0' is neither",
        "^D(+1)             | position 4: subscript '+1' is neither",
        "^D(\"ab)           | position 4: unterminated string subscript",
        "^D(1)X             | position 6: unexpected 'X' after the name",
        "^D(1 2)            | position 4: subscript '1 2' is neither",
    })
    void badNameIsRefusedWithPositionAndReason(String text, String reason) {
        assertThatThrownBy(() -> MName.parse(text))
                .isInstanceOf(LockException.class)
                .hasMessageContaining(reason)
                .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.IVRESNAM);
    }

    @Test
    void overLongVariableNameIsRefused() {
        assertThatThrownBy(() -> MName.parse("^" + "A".repeat(32)))
                .hasMessageContaining("position 2: the variable name is longer than 31 characters");
    }

    @Test
    void tooManySubscriptsAreRefused() {
        String subs = String.join(",", java.util.Collections.nCopies(32, "1"));
        assertThatThrownBy(() -> MName.parse("^D(" + subs + ")"))
                .hasMessageContaining("more than 31 subscripts");
    }

    @Test
    void overLongSubscriptIsRefused() {
        assertThatThrownBy(() -> MName.parse("^D(\"" + "x".repeat(300) + "\")"))
                .hasMessageContaining("position 4: the subscript is longer than 255 bytes");
    }

    @Test
    void nullNameIsRefused() {
        assertThatThrownBy(() -> MName.parse(null)).hasMessageContaining("name must not be null");
    }

    @Test
    void aNumberWithMoreThanEighteenSignificantDigitsIsRoundedHalfUpToEighteen() {
        assertThat(MName.parse("^D(123456789012345678901)")).isEqualTo(MName.parse("^D(123456789012345678900)"));
        assertThat(MName.parse("^D(123456789012345678901)").toString()).isEqualTo("^D(123456789012345679000)");
        assertThat(MName.parse("^D(123456789012345678499)").toString()).isEqualTo("^D(123456789012345678000)");
        assertThat(MName.parse("^D(1234567890123456785)").toString()).isEqualTo("^D(1234567890123456790)");
        assertThat(MName.parse("^D(.1234567890123456789)").toString()).isEqualTo("^D(.123456789012345679)");
        assertThat(MName.parse("^D(-.1234567890123456789)").toString()).isEqualTo("^D(-.123456789012345679)");
    }

    @Test
    void aNumberOfEighteenSignificantDigitsIsKeptAsWritten() {
        assertThat(MName.parse("^D(123456789012345678)").toString()).isEqualTo("^D(123456789012345678)");
        assertThat(MName.parse("^D(123456789012345678000)").toString()).isEqualTo("^D(123456789012345678000)");
    }

    @Test
    void aStringOfMoreThanEighteenSignificantDigitsStaysAString() {
        MName name = MName.parse("^D(\"123456789012345678901\")");
        assertThat(name.toString()).isEqualTo("^D(\"123456789012345678901\")");
        assertThat(name).isNotEqualTo(MName.parse("^D(123456789012345678901)"));
        assertThat(MName.isCanonicalNumber("123456789012345678901")).isFalse();
    }
}
