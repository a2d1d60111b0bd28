package dev.locksmith.cli.rms;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on the error stream, redrawn at most every 200 ms:
 * {@code [=========>          ]  45%  45000 records  12000/s}. Not thread-safe.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /** @param total input size in bytes, or 0 if unknown */
    ProgressBar(PrintWriter err, long total) {
        this.err = err;
        this.total = total;
    }

    void update(long done, long records) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        draw(done, records, now);
    }

    void finish(long done, long records) {
        draw(done, records, System.nanoTime());
        if (drawn) {
            err.println();
            err.flush();
        }
    }

    private void draw(long done, long records, long now) {
        double fraction = total <= 0 ? 0 : Math.min(1, (double) done / total);
        int filled = (int) (fraction * WIDTH);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        err.printf(Locale.ROOT, "\r[%s] %3d%%  %d records  %.0f/s", bar, (int) (fraction * 100), records, records / seconds);
        err.flush();
        drawn = true;
    }
}
