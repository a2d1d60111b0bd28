package dev.locksmith.rms.fields;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Every byte encoding of a {@link FieldType}: reading a field's value out of a record and writing a
 * value into one. Stateless and thread-safe.
 *
 * <p>Values are plain Java values: {@link String} (TEXT), {@link Long} (INTEGER, UNSIGNED up to 4
 * bytes), {@link BigInteger} (8-byte UNSIGNED), {@link BigDecimal} (PACKED, ZONED, with the field's
 * scale) and {@link LocalDate} (DATE). Writing accepts any {@link Number} that fits for the numeric
 * types. A value that does not fit — too long, out of range, too many decimals, the wrong kind —
 * fails with {@link RmsException} {@link RmsStatus#IAL} naming the field, and the record is left
 * unchanged.
 */
public final class FieldCodec {
    private static final BigInteger UNSIGNED_64_LIMIT = BigInteger.ONE.shiftLeft(64);

    private FieldCodec() {
    }

    /**
     * The value of {@code field} in {@code record}; null if the record is too short to hold it (a
     * short variable-length record) or, for a DATE, if it holds no date.
     *
     * @throws RmsException IAL if the bytes are not a value of the type (a packed field with a
     *                      letter in a digit, a date of 20231345)
     */
    public static Object decode(Field field, byte[] record) {
        if (record.length < field.end()) {
            return null;
        }
        int at = field.offset();
        int length = field.length();
        return switch (field.type()) {
            case TEXT -> stripTrailingSpaces(new String(record, at, length, StandardCharsets.ISO_8859_1));
            case INTEGER -> signed(record, at, length);
            case UNSIGNED -> length == 8 ? new BigInteger(1, Arrays.copyOfRange(record, at, at + 8)) : unsignedBelow64(record, at, length);
            case PACKED -> unpack(field, record);
            case ZONED -> unzone(field, record);
            case DATE -> date(field, record);
        };
    }

    /**
     * Writes {@code value} into {@code field} of {@code record} (which must be long enough). A null
     * TEXT or DATE is written as spaces; a null number is refused.
     *
     * @throws RmsException IAL naming the field if the value does not fit it
     */
    public static void encode(Field field, Object value, byte[] record) {
        byte[] bytes = bytes(field, value);
        System.arraycopy(bytes, 0, record, field.offset(), bytes.length);
    }

    /** The field's bytes for {@code value}, as {@link #encode} writes them; for building key values. */
    public static byte[] bytes(Field field, Object value) {
        if (value == null) {
            if (field.type() == FieldType.TEXT || field.type() == FieldType.DATE) {
                byte[] spaces = new byte[field.length()];
                Arrays.fill(spaces, (byte) ' ');
                return spaces;
            }
            throw invalid(field, null, "a " + field.type() + " field cannot hold NULL");
        }
        return switch (field.type()) {
            case TEXT -> text(field, value);
            case INTEGER -> binary(field, value, true);
            case UNSIGNED -> binary(field, value, false);
            case PACKED -> pack(field, decimal(field, value));
            case ZONED -> zone(field, decimal(field, value));
            case DATE -> dateBytes(field, value);
        };
    }

    // ---- TEXT ----

    private static byte[] text(Field field, Object value) {
        if (!(value instanceof CharSequence chars)) {
            throw invalid(field, value, "a TEXT field takes characters, not a " + value.getClass().getSimpleName());
        }
        String string = chars.toString();
        CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
        if (!latin1.canEncode(string)) {
            throw invalid(field, value, "it has characters outside ISO-8859-1");
        }
        if (string.length() > field.length()) {
            throw invalid(field, value, "it is " + string.length() + " characters; the field holds " + field.length());
        }
        byte[] bytes = new byte[field.length()];
        Arrays.fill(bytes, (byte) ' ');
        byte[] encoded = string.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(encoded, 0, bytes, 0, encoded.length);
        return bytes;
    }

    private static String stripTrailingSpaces(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    // ---- binary integers ----

    private static long signed(byte[] record, int at, int length) {
        long value = record[at]; // sign-extends the first byte
        for (int i = 1; i < length; i++) {
            value = (value << 8) | (record[at + i] & 0xFF);
        }
        return value;
    }

    private static long unsignedBelow64(byte[] record, int at, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (record[at + i] & 0xFF);
        }
        return value;
    }

    private static byte[] binary(Field field, Object value, boolean signed) {
        int bits = 8 * field.length();
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            // Without BigIntegers when the value is a long that fits: every keyed SQL statement encodes its key.
            long v = ((Number) value).longValue();
            boolean fits = signed ? bits == 64 || (v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)))
                    : v >= 0 && (bits == 64 || v < (1L << bits));
            if (fits) {
                return bigEndian(v, field.length());
            }
        }
        BigInteger integer = integral(field, value);
        BigInteger low = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger high = signed ? BigInteger.ONE.shiftLeft(bits - 1) : (bits == 64 ? UNSIGNED_64_LIMIT : BigInteger.ONE.shiftLeft(bits));
        if (integer.compareTo(low) < 0 || integer.compareTo(high) >= 0) {
            throw invalid(field, value, "a " + (signed ? "signed" : "unsigned") + " " + field.length() + "-byte integer holds "
                    + low + ".." + high.subtract(BigInteger.ONE));
        }
        return bigEndian(integer.longValue(), field.length()); // two's complement low 64 bits, also for unsigned 2^63..2^64-1
    }

    private static byte[] bigEndian(long value, int length) {
        long bitsValue = value;
        byte[] bytes = new byte[length];
        for (int i = bytes.length - 1; i >= 0; i--) {
            bytes[i] = (byte) bitsValue;
            bitsValue >>= 8;
        }
        return bytes;
    }

    private static BigInteger integral(Field field, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return big;
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return decimal.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw invalid(field, value, "an integer field takes no fraction");
            }
        }
        throw invalid(field, value, "an integer field takes a whole number, not a " + value.getClass().getSimpleName());
    }

    // ---- decimals ----

    private static BigDecimal decimal(Field field, Object value) {
        BigDecimal decimal;
        if (value instanceof BigDecimal d) {
            decimal = d;
        } else if (value instanceof BigInteger i) {
            decimal = new BigDecimal(i);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            decimal = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            decimal = BigDecimal.valueOf(((Number) value).doubleValue());
        } else {
            throw invalid(field, value, "a decimal field takes a number, not a " + value.getClass().getSimpleName());
        }
        try {
            decimal = decimal.setScale(field.scale());
        } catch (ArithmeticException e) {
            throw invalid(field, value, "the field keeps " + field.scale() + " decimal(s)");
        }
        if (decimal.precision() > field.digits() && decimal.signum() != 0) {
            throw invalid(field, value, "the field holds " + field.digits() + " digits, " + field.scale() + " after the point");
        }
        return decimal;
    }

    /** The digits of {@code decimal} (scaled to the field), left-padded with zeros to the field's digit count. */
    private static String digitsOf(Field field, BigDecimal decimal) {
        String digits = decimal.unscaledValue().abs().toString();
        if (digits.length() > field.digits()) {
            throw invalid(field, decimal, "the field holds " + field.digits() + " digits, " + field.scale() + " after the point");
        }
        return "0".repeat(field.digits() - digits.length()) + digits;
    }

    private static byte[] pack(Field field, BigDecimal decimal) {
        String digits = digitsOf(field, decimal) + (decimal.signum() < 0 ? 'D' : 'C');
        byte[] bytes = new byte[field.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ((Character.digit(digits.charAt(2 * i), 16) << 4) | Character.digit(digits.charAt(2 * i + 1), 16));
        }
        return bytes;
    }

    private static BigDecimal unpack(Field field, byte[] record) {
        StringBuilder digits = new StringBuilder(field.digits());
        for (int i = 0; i < field.length(); i++) {
            int b = record[field.offset() + i] & 0xFF;
            digits.append(nibbleDigit(field, b >> 4));
            if (i < field.length() - 1) {
                digits.append(nibbleDigit(field, b & 0xF));
            }
        }
        int sign = record[field.end() - 1] & 0xF;
        if (sign < 0xA) {
            throw invalid(field, null, "its last nibble " + sign + " is not a sign (C, D or F) in the record");
        }
        BigInteger unscaled = new BigInteger(digits.toString());
        return new BigDecimal(sign == 0xD || sign == 0xB ? unscaled.negate() : unscaled, field.scale());
    }

    private static char nibbleDigit(Field field, int nibble) {
        if (nibble > 9) {
            throw invalid(field, null, "a digit nibble holds " + Integer.toHexString(nibble).toUpperCase() + " in the record");
        }
        return (char) ('0' + nibble);
    }

    private static byte[] zone(Field field, BigDecimal decimal) {
        byte[] bytes = digitsOf(field, decimal).getBytes(StandardCharsets.US_ASCII);
        if (decimal.signum() < 0) {
            bytes[bytes.length - 1] = (byte) ('p' + (bytes[bytes.length - 1] - '0'));
        }
        return bytes;
    }

    private static BigDecimal unzone(Field field, byte[] record) {
        char[] digits = new char[field.length()];
        boolean negative = false;
        for (int i = 0; i < digits.length; i++) {
            char c = (char) (record[field.offset() + i] & 0xFF);
            if (i == digits.length - 1 && c >= 'p' && c <= 'y') {
                negative = true;
                c = (char) ('0' + (c - 'p'));
            } else if (c == ' ' && i < digits.length - 1) {
                c = '0'; // COBOL leaves leading spaces in unsigned display fields
            }
            if (c < '0' || c > '9') {
                throw invalid(field, null, "byte " + (field.offset() + i) + " of the record is '" + c + "', not a digit");
            }
            digits[i] = c;
        }
        BigInteger unscaled = new BigInteger(new String(digits));
        return new BigDecimal(negative ? unscaled.negate() : unscaled, field.scale());
    }

    // ---- dates ----

    private static LocalDate date(Field field, byte[] record) {
        String text = new String(record, field.offset(), 8, StandardCharsets.US_ASCII);
        if (text.isBlank() || text.equals("00000000")) {
            return null;
        }
        try {
            if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new DateTimeException("not 8 digits");
            }
            return LocalDate.of(Integer.parseInt(text, 0, 4, 10), Integer.parseInt(text, 4, 6, 10), Integer.parseInt(text, 6, 8, 10));
        } catch (DateTimeException e) {
            throw invalid(field, null, "the record holds '" + text + "', not a date YYYYMMDD");
        }
    }

    private static byte[] dateBytes(Field field, Object value) {
        if (!(value instanceof LocalDate date)) {
            throw invalid(field, value, "a DATE field takes a java.time.LocalDate, not a " + value.getClass().getSimpleName());
        }
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw invalid(field, value, "a DATE field holds years 1..9999");
        }
        return String.format("%04d%02d%02d", date.getYear(), date.getMonthValue(), date.getDayOfMonth())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static RmsException invalid(Field field, Object value, String why) {
        String shown = value == null ? "" : " value " + (value instanceof CharSequence ? "'" + value + "'" : value);
        return new RmsException(RmsStatus.IAL, "field " + field.name() + " (" + field.type() + ", " + field.span() + "):"
                + shown + (shown.isEmpty() ? " " : " does not fit: ") + why);
    }
}
