package dev.locksmith.cli.rms;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * A bar if this process's error stream is a terminal, otherwise null: redrawn lines would only
     * clutter a log file or a pipe.
     */
    static ProgressBar onTerminal(PrintWriter err, long total) {
        return errorStreamIsTerminal() ? new ProgressBar(err, total) : null;
    }

    private static boolean errorStreamIsTerminal() {
        Path stderr = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(stderr)) {
            try {
                String target = Files.readSymbolicLink(stderr).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        // Without /proc: JDK 17 has a console only when standard input and output are terminals.
        return System.console() != null;
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
