package dev.locksmith.rms;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A record operation's locking options ({@code RAB$L_ROP}) and wait timeout ({@code RAB$B_TMO}).
 * Immutable and thread-safe; the constructor refuses bad input with {@link RmsStatus#IAL}.
 *
 * @param options        the options; copied
 * @param timeoutSeconds with {@link RecordOption#WAT}, how long to wait for a locked record: 0 waits
 *                       forever, 1–255 seconds as RMS's TMO; must be 0 without WAT
 */
public record RecordOptions(Set<RecordOption> options, int timeoutSeconds) {
    /** RMS's default: lock the record exclusively until the stream's next operation, never wait. */
    public static final RecordOptions DEFAULT = new RecordOptions(Set.of(), 0);
    /** Largest TMO, as RMS's one-byte RAB$B_TMO. */
    public static final int MAX_TIMEOUT_SECONDS = 255;

    public RecordOptions {
        if (options == null) {
            throw new RmsException(RmsStatus.IAL, "options is null; use RecordOptions.DEFAULT for none");
        }
        if (options.stream().anyMatch(java.util.Objects::isNull)) {
            throw new RmsException(RmsStatus.IAL, "options contains null");
        }
        // An EnumSet answers has() with a bit test; every record operation asks several times.
        options = Collections.unmodifiableSet(options.isEmpty() ? EnumSet.noneOf(RecordOption.class) : EnumSet.copyOf(options));
        if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new RmsException(RmsStatus.IAL, "timeoutSeconds is " + timeoutSeconds + "; it must be 0 (wait forever) or 1.."
                    + MAX_TIMEOUT_SECONDS);
        }
        if (timeoutSeconds > 0 && !options.contains(RecordOption.WAT)) {
            throw new RmsException(RmsStatus.IAL, "timeoutSeconds " + timeoutSeconds + " is given without WAT; a timeout needs WAT");
        }
    }

    /** These options, no timeout. */
    public static RecordOptions of(RecordOption... options) {
        if (options == null) {
            throw new RmsException(RmsStatus.IAL, "options is null");
        }
        return new RecordOptions(Set.of(options), 0);
    }

    /**
     * RMS's TMO for a wait of {@code wait}: whole seconds rounded up, 1–255 (longer waits are cut to
     * 255); 0 for a zero wait, which is no wait at all (no WAT), not TMO 0's wait forever.
     */
    public static int timeoutSecondsFor(java.time.Duration wait) {
        if (wait.isZero()) {
            return 0;
        }
        long seconds = (wait.toMillis() + 999) / 1000;
        return (int) Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, seconds));
    }

    /** WAT with a timeout of {@code seconds} (1–255) plus {@code others}. */
    public static RecordOptions waitSeconds(int seconds, RecordOption... others) {
        EnumSet<RecordOption> set = EnumSet.of(RecordOption.WAT);
        for (RecordOption option : others) {
            if (option == null) {
                throw new RmsException(RmsStatus.IAL, "options contains null");
            }
            set.add(option);
        }
        if (seconds < 1) {
            throw new RmsException(RmsStatus.IAL, "seconds is " + seconds + "; a TMO is 1.." + MAX_TIMEOUT_SECONDS);
        }
        return new RecordOptions(set, seconds);
    }

    /** Whether {@code option} is set. */
    public boolean has(RecordOption option) {
        return options.contains(option);
    }
}
