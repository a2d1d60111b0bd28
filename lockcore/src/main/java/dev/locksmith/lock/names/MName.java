package dev.locksmith.lock.names;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An M (GT.M / YottaDB) lock name: a global {@code ^NAME(sub,…)} or a local {@code NAME(sub,…)}.
 * Each subscript is held as its value; a value that is a canonical number is a number (so
 * {@code ^D("1")} and {@code ^D(1)} are the same name, as in M), any other value a string.
 *
 * <p>Numbers keep {@value #MAX_SIGNIFICANT_DIGITS} significant digits, as in GT.M: a numeric
 * subscript written with more is rounded half up to that many, so {@code ^D(123456789012345678901)}
 * is the same name as {@code ^D(123456789012345678900)} (both {@code ^D(123456789012345679000)}).
 * A string with more digits is not a canonical number (its numeric value would be written
 * differently), so {@code ^D("123456789012345678901")} stays a string subscript.
 *
 * <p>Immutable and thread-safe. {@link #parse} throws {@link LockException} with
 * {@link LockStatus#IVRESNAM} and a message naming the 1-based position and the reason.
 *
 * @param global      whether the name starts with {@code ^}
 * @param variable    the variable name without {@code ^}: {@code %} or a letter, then letters and
 *                    digits, at most {@value #MAX_VARIABLE_LENGTH} characters
 * @param subscripts  subscript values, outermost first; at most {@value #MAX_SUBSCRIPTS}
 */
public record MName(boolean global, String variable, List<String> subscripts) implements Comparable<MName> {
    /** The longest variable name, as in GT.M. */
    public static final int MAX_VARIABLE_LENGTH = 31;
    /** The most subscripts a name may have, as in GT.M. */
    public static final int MAX_SUBSCRIPTS = 31;
    /** The longest subscript, in UTF-8 bytes of its written form: the engine's resource-name limit. */
    public static final int MAX_SUBSCRIPT_BYTES = 255;
    /** Significant digits a numeric subscript keeps, as in GT.M. */
    public static final int MAX_SIGNIFICANT_DIGITS = 18;
    private static final MathContext M_PRECISION = new MathContext(MAX_SIGNIFICANT_DIGITS, RoundingMode.HALF_UP);

    private static final Pattern CANONICAL_NUMBER =
            Pattern.compile("0|-?[1-9][0-9]*(\\.[0-9]*[1-9])?|-?\\.[0-9]*[1-9]");
    private static final Comparator<String> SUBSCRIPT_ORDER = MName::compareSubscripts;

    /** Checks the parts; use {@link #parse} for text. */
    public MName {
        if (variable == null || !isVariableName(variable)) {
            throw new LockException(LockStatus.IVRESNAM, "variable '" + variable
                    + "' must be % or a letter followed by letters and digits, at most " + MAX_VARIABLE_LENGTH);
        }
        subscripts = List.copyOf(subscripts);
        if (subscripts.size() > MAX_SUBSCRIPTS) {
            throw new LockException(LockStatus.IVRESNAM, "subscripts: " + subscripts.size()
                    + " given, at most " + MAX_SUBSCRIPTS + " allowed");
        }
        for (int i = 0; i < subscripts.size(); i++) {
            if (render(subscripts.get(i)).getBytes(StandardCharsets.UTF_8).length > MAX_SUBSCRIPT_BYTES) {
                throw new LockException(LockStatus.IVRESNAM, "subscript " + (i + 1) + " is longer than "
                        + MAX_SUBSCRIPT_BYTES + " bytes when written");
            }
        }
    }

    /**
     * Parses a lock name such as {@code ^D(1,"a""b")} or {@code X}.
     *
     * @throws LockException {@link LockStatus#IVRESNAM} for an empty or over-long name,
     *                       unbalanced parentheses, an empty, unterminated or non-canonical subscript,
     *                       or text after the closing parenthesis; the message gives the position
     */
    public static MName parse(String text) {
        if (text == null) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null");
        }
        return new Parser(text).name();
    }

    /**
     * Whether {@code value} is an M canonical number: no leading or trailing zeros, no {@code +},
     * at most {@value #MAX_SIGNIFICANT_DIGITS} significant digits.
     */
    public static boolean isCanonicalNumber(String value) {
        return CANONICAL_NUMBER.matcher(value).matches()
                && (value.length() <= MAX_SIGNIFICANT_DIGITS || significantDigits(value) <= MAX_SIGNIFICANT_DIGITS);
    }

    private static int significantDigits(String number) {
        BigDecimal d = new BigDecimal(number);
        return d.signum() == 0 ? 1 : d.stripTrailingZeros().precision();
    }

    /** A number's canonical M form rounded to {@value #MAX_SIGNIFICANT_DIGITS} significant digits: {@code .5}, not {@code 0.5}. */
    private static String canonicalRounded(String number) {
        BigDecimal d = new BigDecimal(number).round(M_PRECISION);
        if (d.signum() == 0) {
            return "0";
        }
        String plain = d.stripTrailingZeros().toPlainString();
        return plain.startsWith("0.") ? plain.substring(1) : plain.startsWith("-0.") ? "-" + plain.substring(2) : plain;
    }

    /** The name's depth in its tree: 0 for the unsubscripted name. */
    public int depth() {
        return subscripts.size();
    }

    /** The name with only the first {@code depth} subscripts: an ancestor, or this name itself. */
    public MName prefix(int depth) {
        return depth == subscripts.size() ? this : new MName(global, variable, subscripts.subList(0, depth));
    }

    /** Whether this name is {@code other} or one of its ancestors. */
    public boolean isPrefixOf(MName other) {
        return global == other.global && variable.equals(other.variable) && depth() <= other.depth()
                && other.subscripts.subList(0, depth()).equals(subscripts);
    }

    /** The engine resource name of the tree's root: {@code ^NAME} or {@code NAME}. */
    public String rootResourceName() {
        return global ? "^" + variable : variable;
    }

    /** The engine resource name of subscript {@code i}: its written form ({@code 12} or {@code "ab"}). */
    public String subscriptResourceName(int i) {
        return render(subscripts.get(i));
    }

    /**
     * The name written from an engine resource path (root name first, then written subscripts),
     * as {@link #toString()} writes it; used to show name locks found in the engine.
     */
    public static String writtenFromPath(List<String> path) {
        if (path.size() == 1) {
            return path.get(0);
        }
        return path.get(0) + "(" + String.join(",", path.subList(1, path.size())) + ")";
    }

    /** Canonical order: globals before locals, then variable, then subscripts in M collation (numbers first). */
    @Override
    public int compareTo(MName other) {
        int c = Boolean.compare(other.global, global);
        if (c == 0) {
            c = variable.compareTo(other.variable);
        }
        for (int i = 0; c == 0 && i < Math.min(depth(), other.depth()); i++) {
            c = SUBSCRIPT_ORDER.compare(subscripts.get(i), other.subscripts.get(i));
        }
        return c != 0 ? c : Integer.compare(depth(), other.depth());
    }

    /** The canonical written form, e.g. {@code ^D(1,"a""b")}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(rootResourceName());
        if (!subscripts.isEmpty()) {
            b.append('(');
            for (int i = 0; i < subscripts.size(); i++) {
                b.append(i == 0 ? "" : ",").append(render(subscripts.get(i)));
            }
            b.append(')');
        }
        return b.toString();
    }

    private static String render(String value) {
        return isCanonicalNumber(value) ? value : "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static int compareSubscripts(String a, String b) {
        boolean an = isCanonicalNumber(a);
        boolean bn = isCanonicalNumber(b);
        if (an && bn) {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        }
        return an != bn ? (an ? -1 : 1) : a.compareTo(b);
    }

    private static boolean isVariableName(String s) {
        if (s.isEmpty() || s.length() > MAX_VARIABLE_LENGTH) {
            return false;
        }
        char first = s.charAt(0);
        if (first != '%' && !isAsciiLetter(first)) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** A one-pass recursive-descent parser over one name. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        MName name() {
            if (text.isEmpty()) {
                throw error("the name is empty");
            }
            boolean global = peek() == '^';
            if (global) {
                pos++;
            }
            String variable = variable();
            List<String> subscripts = new ArrayList<>();
            if (pos < text.length() && peek() == '(') {
                pos++;
                do {
                    if (subscripts.size() == MAX_SUBSCRIPTS) {
                        throw error("more than " + MAX_SUBSCRIPTS + " subscripts");
                    }
                    subscripts.add(subscript());
                } while (accept(','));
                if (pos >= text.length()) {
                    throw error("unbalanced parentheses: ')' expected before the end of the name");
                }
                if (!accept(')')) {
                    throw error("',' or ')' expected, found '" + peek() + "'");
                }
            }
            if (pos < text.length()) {
                throw error(peek() == ')' ? "unbalanced parentheses: ')' without '('"
                        : "unexpected '" + peek() + "' after the name");
            }
            return new MName(global, variable, subscripts);
        }

        private String variable() {
            int start = pos;
            if (pos < text.length() && (peek() == '%' || isAsciiLetter(peek()))) {
                pos++;
                while (pos < text.length() && (isAsciiLetter(peek()) || (peek() >= '0' && peek() <= '9'))) {
                    pos++;
                }
            }
            if (pos == start) {
                throw error(pos >= text.length() ? "a variable name is expected after '^'"
                        : "a variable name must start with % or a letter, found '" + peek() + "'");
            }
            if (pos - start > MAX_VARIABLE_LENGTH) {
                pos = start;
                throw error("the variable name is longer than " + MAX_VARIABLE_LENGTH + " characters");
            }
            return text.substring(start, pos);
        }

        private String subscript() {
            if (pos >= text.length()) {
                throw error("unbalanced parentheses: a subscript and ')' expected before the end of the name");
            }
            int start = pos;
            String value = peek() == '"' ? quoted() : number();
            if (render(value).getBytes(StandardCharsets.UTF_8).length > MAX_SUBSCRIPT_BYTES) {
                pos = start;
                throw error("the subscript is longer than " + MAX_SUBSCRIPT_BYTES + " bytes");
            }
            return value;
        }

        private String number() {
            int start = pos;
            while (pos < text.length() && peek() != ',' && peek() != ')') {
                pos++;
            }
            String number = text.substring(start, pos);
            if (number.isEmpty()) {
                throw error("empty subscript");
            }
            if (!CANONICAL_NUMBER.matcher(number).matches()) {
                pos = start;
                throw error("subscript '" + number + "' is neither a quoted string nor a canonical number"
                        + " (write numbers without leading or trailing zeros or '+', strings in quotes)");
            }
            return isCanonicalNumber(number) ? number : canonicalRounded(number);
        }

        private String quoted() {
            int start = pos;
            pos++;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    pos = start;
                    throw error("unterminated string subscript: closing '\"' missing");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    if (pos < text.length() && peek() == '"') {
                        value.append('"');
                        pos++;
                    } else {
                        return value.toString();
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private boolean accept(char c) {
            if (pos < text.length() && peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        private char peek() {
            return text.charAt(pos);
        }

        private LockException error(String reason) {
            return new LockException(LockStatus.IVRESNAM, "name '" + text + "' at position " + (pos + 1) + ": " + reason);
        }
    }
}
