package dev.locksmith.cli.lke;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import javax.management.openmbean.CompositeData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lke monitor}: a refreshing view of lock rates and the hottest resource trees, like VMS
 * MONITOR DLOCK. On a terminal each refresh redraws the screen; otherwise screens follow each
 * other. Runs until interrupted, or {@code --count} refreshes.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Refreshing view of lock rates, lock-space use and the hottest resource trees.")
final class MonitorCommand extends LkeSubcommand {
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "Seconds between refreshes (default 2).")
    int intervalSeconds;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N refreshes (default 0: until interrupted).")
    int count;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "How many of the hottest trees to show (default 10).")
    int top;

    @Override
    void run(JmxTarget.Connection connection, PrintWriter out) throws InterruptedException {
        if (intervalSeconds < 1) {
            throw new LkeException("BADPARAM", "--interval must be at least 1 second, was " + intervalSeconds);
        }
        boolean terminal = System.console() != null;
        for (int i = 0; count == 0 || i < count; i++) {
            if (i > 0) {
                Thread.sleep(intervalSeconds * 1000L);
            }
            out.print(terminal ? CLEAR_SCREEN : (i > 0 ? System.lineSeparator() : ""));
            screen(connection, out);
            out.flush();
        }
    }

    private void screen(JmxTarget.Connection c, PrintWriter out) {
        CompositeData stats = (CompositeData) JmxTarget.attribute(c, "Statistics");
        out.printf(Locale.ROOT, "Locksmith lock manager %s   %s%n", JmxTarget.attribute(c, "Name"),
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf(Locale.ROOT, "locks %d   resources %d   lock space %s of %s name nodes%n%n",
                stats.get("locks"), stats.get("resources"), JmxTarget.attribute(c, "LockSpaceUsed"),
                JmxTarget.attribute(c, "LockSpaceLimit"));
        out.printf(Locale.ROOT, "%-10s %12s %14s %12s %14s%n", "", "LAST SECOND", "/S LAST MINUTE", "ACTIVITY", "TOTAL");
        for (CompositeData rate : (CompositeData[]) JmxTarget.attribute(c, "Rates")) {
            String counter = (String) rate.get("counter");
            out.printf(Locale.ROOT, "%-10s %12d %14.1f %12.1f %14d%n", counter, rate.get("lastSecond"),
                    rate.get("perSecondLastMinute"), rate.get("activity"), total(stats, counter));
        }
        out.printf(Locale.ROOT, "%n%-40s %-10s %12s%n", "HOTTEST TREES", "NAMESPACE", "REQUESTS/S");
        CompositeData[] trees = (CompositeData[]) JmxTarget.invoke(c, "hottestTrees", new Object[] {top},
                new String[] {int.class.getName()});
        if (trees.length == 0) {
            out.println("(no resources)");
        }
        for (CompositeData tree : trees) {
            CompositeData ns = (CompositeData) tree.get("namespace");
            String kind = (String) ns.get("kind");
            out.printf(Locale.ROOT, "%-40s %-10s %12.1f%n", tree.get("rootName"),
                    "GROUP".equals(kind) ? "GROUP " + ns.get("group") : kind, tree.get("perSecond"));
        }
    }

    private static long total(CompositeData stats, String counter) {
        return switch (counter) {
            case "requests" -> (Long) stats.get("newRequests") + (Long) stats.get("conversions");
            case "dequeues" -> (Long) stats.get("dequeues");
            case "waits" -> (Long) stats.get("waits");
            case "deadlocks" -> (Long) stats.get("deadlockVictims");
            default -> 0;
        };
    }
}
