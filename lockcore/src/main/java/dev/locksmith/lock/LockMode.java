package dev.locksmith.lock;

import java.util.Locale;

/**
 * The six OpenVMS lock modes, weakest first.
 *
 * <p>Compatibility (row = granted, column = requested) is the VMS table, which Linux DLM uses
 * unchanged:
 * <pre>
 *       NL CR CW PR PW EX
 *   NL   Y  Y  Y  Y  Y  Y
 *   CR   Y  Y  Y  Y  Y  N
 *   CW   Y  Y  Y  N  N  N
 *   PR   Y  Y  N  Y  N  N
 *   PW   Y  Y  N  N  N  N
 *   EX   Y  N  N  N  N  N
 * </pre>
 * The table is symmetric. The declaration order is the VMS order used to decide whether a
 * conversion goes "down" (to an ordinal not above the current one), which matters for value
 * blocks.
 */
public enum LockMode {
    /** Null: grants nothing, keeps the resource and its value block alive. */
    NL,
    /** Concurrent read: read while others may write; intent-read in multi-granularity locking. */
    CR,
    /** Concurrent write: write while others may write; intent-write. */
    CW,
    /** Protected read: shared read, no writers. */
    PR,
    /** Protected write: update while others may only read concurrently (CR). */
    PW,
    /** Exclusive: nobody else but NL. */
    EX;

    private static final LockMode[] VALUES = values();
    /** Bit i of COMPATIBLE[m] is set when mode m is compatible with mode i. */
    private static final int[] COMPATIBLE = {
        0b111111, // NL
        0b011111, // CR: all but EX
        0b000111, // CW: NL CR CW
        0b001011, // PR: NL CR PR
        0b000011, // PW: NL CR
        0b000001, // EX: NL
    };

    /** Whether a lock granted in this mode lets another be granted in {@code other}. */
    public boolean compatibleWith(LockMode other) {
        return (COMPATIBLE[ordinal()] & (1 << other.ordinal())) != 0;
    }

    /** Bit mask of the modes compatible with this one (bit i = ordinal i). */
    public int compatibleMask() {
        return COMPATIBLE[ordinal()];
    }

    /** The mode with this ordinal. */
    public static LockMode ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * Parses a mode name such as {@code "pr"} or {@code "EX"}.
     *
     * @throws LockException {@link LockStatus#IVMODE} naming {@code argument} if it is not a mode
     */
    public static LockMode parse(String text, String argument) {
        if (text == null) {
            throw new LockException(LockStatus.IVMODE, argument + " must not be null");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LockException(LockStatus.IVMODE,
                    argument + " '" + text + "' is not a lock mode (NL, CR, CW, PR, PW or EX)");
        }
    }
}
