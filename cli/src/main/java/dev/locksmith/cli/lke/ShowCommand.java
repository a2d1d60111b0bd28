package dev.locksmith.cli.lke;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lke show}: the locks, their holders, modes, levels and waiters (LKE SHOW). */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show locks: name, owner, mode, state, LOCK level, lock id; waiters with how long and by whom they are blocked.")
final class ShowCommand extends LkeSubcommand {
    @Option(names = "--name", paramLabel = "PREFIX", defaultValue = "",
            description = "Only names starting with this, e.g. ^D(1 (LKE -LOCK).")
    String namePrefix;

    @Option(names = "--owner", paramLabel = "ID", defaultValue = "0", description = "Only this owner's locks (LKE -PID).")
    long ownerId;

    @Option(names = "--waiting", description = "Only locks with a waiting request (LKE -WAIT).")
    boolean waitingOnly;

    @Option(names = "--deadlocks", description = "Instead of locks, the last deadlocks the manager broke (up to 20,"
            + " oldest first): each cycle owner by owner, with the resource, the mode held, the mode waited for"
            + " and who was in the way; the victim's line starts with '*'.")
    boolean deadlocks;

    @Override
    void run(JmxTarget.Connection connection, PrintWriter out) {
        if (deadlocks) {
            String[] reports = (String[]) JmxTarget.attribute(connection, "RecentDeadlocks");
            out.println(reports.length == 0 ? "no deadlocks" : String.join(System.lineSeparator() + System.lineSeparator(), reports));
            return;
        }
        String[] lines = (String[]) JmxTarget.invoke(connection, "show", new Object[] {namePrefix, ownerId, waitingOnly},
                new String[] {String.class.getName(), long.class.getName(), boolean.class.getName()});
        for (String line : lines) {
            out.println(line);
        }
    }
}
