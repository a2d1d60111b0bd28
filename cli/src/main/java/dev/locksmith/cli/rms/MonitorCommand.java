package dev.locksmith.cli.rms;

import dev.locksmith.cli.Locksmith;
import dev.locksmith.cli.lke.JmxTarget;
import dev.locksmith.cli.lke.LkeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.ObjectName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rms monitor}: the global buffers of every file open in a running JVM (by --pid or --url),
 * read over JMX from their {@code dev.locksmith.rms:type=GlobalBuffers} beans: reads served from a
 * held lock, misses, revalidations, rereads, blocking callbacks and the lock-manager calls made,
 * per file and node. Refreshes every --interval seconds, --count times (0: until interrupted).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Global buffer counters of the files open in a running JVM (by --pid or --url).")
final class MonitorCommand implements Callable<Integer> {
    private static final String[] ATTRIBUTES = {"Capacity", "Cached", "Hits", "Misses", "Revalidations", "Rereads",
        "BlockingCallbacks", "Evictions", "Enqueues", "Conversions", "Dequeues"};

    @Spec
    CommandSpec spec;

    @Mixin
    JmxTarget target;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "Seconds between refreshes (default 2).")
    int intervalSeconds;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Refreshes (default 1; 0: until interrupted).")
    int count;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalSeconds < 1) {
            spec.commandLine().getErr().println("%LKE-E-BADPARAM, --interval must be at least 1 second, was " + intervalSeconds);
            return Locksmith.RMS_ERROR;
        }
        PrintWriter out = spec.commandLine().getOut();
        try (JmxTarget.Connection connection = target.connectServer()) {
            for (int i = 0; count == 0 || i < count; i++) {
                if (i > 0) {
                    Thread.sleep(intervalSeconds * 1000L);
                    out.println();
                }
                screen(connection, out);
                out.flush();
            }
            return 0;
        } catch (LkeException e) {
            spec.commandLine().getErr().println(e.line());
            return Locksmith.RMS_ERROR;
        }
    }

    private void screen(JmxTarget.Connection c, PrintWriter out) {
        List<ObjectName> beans;
        try {
            beans = c.server().queryNames(new ObjectName("dev.locksmith.rms:type=GlobalBuffers,*"), null).stream()
                    .sorted(Comparator.comparing(ObjectName::getCanonicalName)).toList();
        } catch (IOException | JMException e) {
            throw new LkeException("UNREACHABLE", "cannot list the global buffers of " + target.describe() + ": " + e, e);
        }
        out.printf(Locale.ROOT, "RMS global buffers   %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf(Locale.ROOT, "%-24s %-12s %7s %7s %10s %8s %8s %8s %8s %8s %10s %10s%n", "FILE", "NODE", "BUFFERS",
                "CACHED", "HITS", "MISSES", "REVALID", "REREADS", "BLOCKING", "EVICTED", "LM CALLS", "CALLS/READ");
        if (beans.isEmpty()) {
            out.println("(no file with global buffers is open)");
        }
        for (ObjectName bean : beans) {
            long[] v = values(c, bean);
            long reads = v[2] + v[3] + v[4];
            long calls = v[8] + v[9] + v[10];
            out.printf(Locale.ROOT, "%-24s %-12s %7d %7d %10d %8d %8d %8d %8d %8d %10d %10.4f%n",
                    unquoted(bean.getKeyProperty("file")), unquoted(bean.getKeyProperty("node")), v[0], v[1], v[2], v[3],
                    v[4], v[5], v[6], v[7], calls, reads == 0 ? 0.0 : (double) calls / reads);
        }
    }

    private long[] values(JmxTarget.Connection c, ObjectName bean) {
        try {
            AttributeList list = c.server().getAttributes(bean, ATTRIBUTES);
            long[] values = new long[ATTRIBUTES.length];
            for (int i = 0; i < ATTRIBUTES.length && i < list.size(); i++) {
                values[i] = ((Number) list.asList().get(i).getValue()).longValue();
            }
            return values;
        } catch (IOException | JMException e) {
            throw new LkeException("UNREACHABLE", "cannot read " + bean + ": " + e, e);
        }
    }

    private static String unquoted(String value) {
        return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : String.valueOf(value);
    }
}
