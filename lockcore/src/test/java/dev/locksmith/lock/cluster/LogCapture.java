package dev.locksmith.lock.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jgroups.Address;

/**
 * Records the messages a java.util.logging logger, and those below it, publish at a level or
 * above (the cluster classes log through System.Logger, JGroups through java.util.logging: both
 * end there in the tests), until closed. Holds the logger, so its handler stays attached.
 * Thread-safe.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level least;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger, Level least) {
        this.logger = logger;
        this.least = least;
    }

    /** Starts recording what logger {@code name} publishes at {@code least} or above. */
    static LogCapture install(String name, Level least) {
        LogCapture capture = new LogCapture(Logger.getLogger(name), least);
        capture.logger.addHandler(capture);
        return capture;
    }

    /** The messages recorded so far, oldest first (a live view). */
    List<String> messages() {
        return messages;
    }

    /** How many recorded messages say member {@code refused} is refused for speaking wire version {@code theirs} against {@code ours}. */
    int wireVersionRefusals(Address refused, int theirs, int ours) {
        return (int) messages.stream().filter(m -> m.contains("member " + refused + " is refused")
                && m.contains("lock wire version " + theirs) && m.contains("this node version " + ours)).count();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= least.intValue() && record.getMessage() != null) {
            messages.add(record.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
