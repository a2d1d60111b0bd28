package dev.locksmith.rms.fields;

/**
 * How a field's bytes encode its value; the encodings themselves are in {@link FieldCodec}.
 * Immutable.
 */
public enum FieldType {
    /** Characters, ISO-8859-1, padded with spaces on the right; any length 1–16383. Value: {@link String} without the padding. */
    TEXT,
    /** Signed binary integer, two's complement, big-endian (as integer keys are); 1, 2, 4 or 8 bytes. Value: {@link Long}. */
    INTEGER,
    /** Unsigned binary integer, big-endian; 1, 2, 4 or 8 bytes. Value: {@link Long}, or {@link java.math.BigInteger} for 8 bytes. */
    UNSIGNED,
    /**
     * Packed decimal: two digits a byte, the last nibble the sign (C or F positive, D negative); 1–16
     * bytes hold 2 × length − 1 digits, {@code scale} of them after the point. Value: {@link java.math.BigDecimal}.
     */
    PACKED,
    /**
     * Zoned (display) decimal: one ASCII digit a byte, the sign over-punched on the last one as VMS
     * does (0–9 positive, p–y negative); 1–31 bytes, {@code scale} digits after the point. Value: {@link java.math.BigDecimal}.
     */
    ZONED,
    /** A calendar date as 8 ASCII digits {@code YYYYMMDD}; all spaces or all zeros is no date (null). Value: {@link java.time.LocalDate}. */
    DATE;

    /** Whether {@code length} bytes is a valid length for this type; a message saying what is valid otherwise, else null. */
    String lengthProblem(int length) {
        return switch (this) {
            case TEXT -> length >= 1 && length <= 16383 ? null : "a TEXT field is 1..16383 bytes";
            case INTEGER, UNSIGNED -> length == 1 || length == 2 || length == 4 || length == 8 ? null
                    : "a binary integer is 1, 2, 4 or 8 bytes";
            case PACKED -> length >= 1 && length <= 16 ? null : "a PACKED field is 1..16 bytes (1..31 digits)";
            case ZONED -> length >= 1 && length <= 31 ? null : "a ZONED field is 1..31 bytes (one digit each)";
            case DATE -> length == 8 ? null : "a DATE field is 8 bytes (YYYYMMDD)";
        };
    }

    /** Whether the type has digits after a decimal point. */
    boolean hasScale() {
        return this == PACKED || this == ZONED;
    }
}
