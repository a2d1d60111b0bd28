package dev.locksmith.lock.engine;

/**
 * The smoothed activity VMS keeps per resource tree: each second, {@code act = act - (act - new) / 8}; a second with
 * no requests folds in zero.
 */
final class Activity {
    /** After this many idle seconds the figure is below 1/1000 of what it was; stop decaying. */
    private static final int MAX_IDLE_FOLDS = 64;

    private Activity() {
    }

    /**
     * Folds {@code ops} counted over the second that ended, then {@code seconds - 1} idle
     * seconds, into {@code activity}.
     */
    static float fold(float activity, int ops, int seconds) {
        float a = activity - (activity - ops) / 8f;
        for (int i = 1; i < seconds && i < MAX_IDLE_FOLDS; i++) {
            a -= a / 8f;
        }
        return seconds > MAX_IDLE_FOLDS ? 0f : a;
    }
}
