package dev.locksmith.cli.lke;

import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lke clear}: clears one lock, every lock on a name, or every lock of an owner (LKE
 * CLEAR). The target JVM must have registered its lock manager bean with clearing enabled.
 */
@Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Clear a lock (--lock), every lock on a name (--name), or all of an owner's locks (--owner)."
                + " The JVM must have enabled clearing when it registered its lock manager bean.")
final class ClearCommand extends LkeSubcommand {
    /** Exactly one of the three. */
    static final class What {
        @Option(names = "--lock", paramLabel = "ID", description = "The lock with this id, and its sublocks.")
        Long lockId;

        @Option(names = "--name", paramLabel = "NAME", description = "Every owner's lock on exactly this name, e.g. ^D(1).")
        String name;

        @Option(names = "--owner", paramLabel = "ID", description = "Every lock of this owner.")
        Long ownerId;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Override
    void run(JmxTarget.Connection connection, PrintWriter out) {
        Object cleared;
        if (what.lockId != null) {
            cleared = JmxTarget.invoke(connection, "clearLock", new Object[] {what.lockId}, new String[] {long.class.getName()});
        } else if (what.ownerId != null) {
            cleared = JmxTarget.invoke(connection, "clearOwner", new Object[] {what.ownerId}, new String[] {long.class.getName()});
        } else {
            cleared = JmxTarget.invoke(connection, "clearName", new Object[] {what.name}, new String[] {String.class.getName()});
        }
        out.println("%LKE-I-CLEARED, " + cleared + " lock(s) cleared");
    }
}
