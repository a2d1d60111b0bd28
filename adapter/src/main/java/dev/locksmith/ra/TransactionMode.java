package dev.locksmith.ra;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a Locksmith connection isolates the work of one transaction from another.
 *
 * <p>{@link #PESSIMISTIC} takes record locks when a record is accessed and holds them until the
 * transaction ends ("lock before TSTART, release after TCOMMIT"). {@link #OPTIMISTIC} takes no
 * locks while the transaction works; at prepare it locks the write set in a canonical order and
 * validates the versions of the read set, and a conflict rolls the transaction back.
 */
public enum TransactionMode {
    /** No locks while working; conflicts are found at prepare and roll the transaction back. */
    OPTIMISTIC,
    /** Record locks at access, held until commit or rollback. */
    PESSIMISTIC;

    /**
     * Parses a transaction mode the way configuration files spell it: case-insensitive, with
     * surrounding blanks ignored.
     *
     * @param property the name of the configuration property being parsed, used in the error
     * @param value the text to parse
     * @return the mode named by {@code value}
     * @throws IllegalArgumentException naming {@code property} if {@code value} is null, blank or
     *     names no mode
     */
    public static TransactionMode parse(String property, String value) {
        String allowed = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    property + " must be one of " + allowed + " but was " + (value == null ? "null" : "blank"));
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    property + " must be one of " + allowed + " but was '" + value + "'", e);
        }
    }
}
