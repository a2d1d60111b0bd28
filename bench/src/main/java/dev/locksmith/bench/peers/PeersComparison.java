package dev.locksmith.bench.peers;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The peers suite: runs {@link PeerBenchmark}'s workloads on every {@link Peer} (the JGroups 5.3
 * peers in a child JVM whose class path starts with {@code target/peers/jgroups-lockservice.jar}),
 * then writes all JMH results as one JSON file and a Markdown table ({@code peers.json},
 * {@code peers.md}) with the machine, JDK, date, load, command, ops/s, p50/p99 latency and the
 * Locksmith / peer ratios, and whether the issue's targets are met.
 *
 * <pre>
 * cd bench
 * java -cp target/benchmarks.jar dev.locksmith.bench.peers.PeersComparison            # full, into results/
 * java -cp target/benchmarks.jar dev.locksmith.bench.peers.PeersComparison --quick    # seconds, into target/peers-quick/
 * </pre>
 * {@code --out DIR} writes elsewhere; {@code --readme README.md} also copies the table into that
 * file between its two marker comments ({@link #BEGIN}, {@link #END}). {@code --quick} runs each
 * benchmark in this JVM for one short iteration, to keep the harness working in CI; its figures
 * are not for quoting.
 */
public final class PeersComparison {
    private static final String JGROUPS_JAR_PROPERTY = "locksmith.bench.jgroupsJar";
    private static final String FULL_MODE_ONLY = "full mode only";
    static final String BEGIN = "<!-- BEGIN results/peers.md (PeersComparison --readme) -->";
    static final String END = "<!-- END results/peers.md -->";

    /** The workloads of the table, each a {@link PeerBenchmark} method run with a thread count. */
    enum Workload {
        UNCONTENDED("uncontended", 1, false, "Uncontended: exclusive lock + unlock, 1 thread, 1,024 distinct names in turn"),
        HOT_2("hotName", 2, false, "One hot name: exclusive lock + unlock, 2 threads"),
        HOT_8("hotName", 8, false, "One hot name: exclusive lock + unlock, 8 threads"),
        READ_MOSTLY("readMostly", 8, true, "Read-mostly: one name, 8 threads, 90% shared / 10% exclusive");

        final String method;
        final int threads;
        final boolean shared;
        final String title;

        Workload(String method, int threads, boolean shared, String title) {
            this.method = method;
            this.threads = threads;
            this.shared = shared;
            this.title = title;
        }

        boolean runs(Peer peer) {
            return !shared || peer.shared();
        }

        /**
         * Whether the workload runs on the peer in this mode: the quick mode runs the Locksmith
         * cluster rows on the uncontended workload only (each trial starts a three-node cluster).
         */
        boolean runs(Peer peer, boolean quick) {
            return runs(peer) && !(quick && peer.cluster() && this != UNCONTENDED);
        }
    }

    private PeersComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code --quick}, {@code --out DIR}; {@code --isolated FILE} is how the runner
     *             starts its child JVM for the JGroups peers
     * @throws Exception when a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        List<String> list = List.of(args);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--out", "--readme", "--isolated" -> i++;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --quick, --out DIR, --readme README.md");
            }
        }
        boolean quick = list.contains("--quick");
        Optional<String> isolated = valueOf(list, "--isolated");
        if (isolated.isPresent()) {
            List<RunResult> results = runPlan(quick, Peer.where(true));
            try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(Paths.get(isolated.get())))) {
                out.writeObject(new ArrayList<>(results));
            }
            return;
        }
        Path out = Paths.get(valueOf(list, "--out").orElse(quick ? "target/peers-quick" : "results"));
        String command = "cd bench && java -cp target/benchmarks.jar " + PeersComparison.class.getName()
                + (args.length == 0 ? "" : " " + String.join(" ", args));
        Optional<Path> readme = valueOf(list, "--readme").map(Paths::get);
        if (readme.isPresent()) {
            // Refuse a README without the block now rather than after the whole run.
            blockOf(readme.get());
        }
        Path table = run(quick, out, command);
        System.out.println();
        System.out.println(Files.readString(table));
        if (readme.isPresent()) {
            includeIn(readme.get(), table);
        }
    }

    /**
     * Copies the table into a README between the marker comments {@link #BEGIN} and {@link #END},
     * its headings two levels down so that it sits inside the README's section; the rest of the
     * README is left as it is.
     *
     * @param readme the README to update
     * @param table  the Markdown table {@link #run} wrote
     * @throws IOException when either file cannot be read or written
     */
    static void includeIn(Path readme, Path table) throws IOException {
        String text = Files.readString(readme);
        int[] block = blockOf(readme);
        String body = Files.readString(table).replaceAll("(?m)^#", "###");
        Files.writeString(readme, text.substring(0, block[0]) + "\n" + body + text.substring(block[1]));
    }

    /** Where the replaceable block starts (after the BEGIN marker) and ends (at the END marker). */
    private static int[] blockOf(Path readme) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no " + BEGIN + " ... " + END + " block to replace");
        }
        return new int[] {begin + BEGIN.length(), end};
    }

    private static Optional<String> valueOf(List<String> args, String option) {
        int i = args.indexOf(option);
        if (i < 0) {
            return Optional.empty();
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return Optional.of(args.get(i + 1));
    }

    /**
     * Runs every workload on every peer and writes {@code peers.json} and {@code peers.md}.
     *
     * @param quick   one short iteration in this JVM instead of the full measurement
     * @param out     the directory for the two files (created when missing)
     * @param command the command line to quote in the table
     * @return the Markdown file
     * @throws Exception when a benchmark or the child JVM fails
     */
    public static Path run(boolean quick, Path out, String command) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<RunResult> results = new ArrayList<>(runPlan(quick, Peer.where(false)));
        results.addAll(runIsolated(quick, out));
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        Files.createDirectories(out);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(json, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, print).writeOut(results);
        }
        // JMH's JSON keeps every SampleTime histogram (about 4 MB per full run); the summary,
        // the percentiles and the per-iteration scores stay, the raw histograms go.
        Files.writeString(out.resolve("peers.json"), withoutMember(json.toString(StandardCharsets.UTF_8), "rawDataHistogram"),
                StandardCharsets.UTF_8);
        Path table = out.resolve("peers.md");
        Files.writeString(table, new Report(quick, results).markdown(start, end, loadBefore, loadAfter, command));
        return table;
    }

    /**
     * JSON text without every object member named {@code member} (its value skipped whole, along
     * with the comma that separated it from the previous member). Strings are honoured, so a
     * bracket or the member's name inside a string value is left alone.
     *
     * @param json   well-formed JSON
     * @param member the name of the members to drop
     * @return the JSON without them
     */
    static String withoutMember(String json, String member) {
        String key = "\"" + member + "\"";
        StringBuilder out = new StringBuilder(json.length());
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c != '"') {
                out.append(c);
                i++;
                continue;
            }
            int end = endOfString(json, i);
            int colon = skipSpace(json, end);
            if (json.startsWith(key, i) && end == i + key.length() && colon < json.length() && json.charAt(colon) == ':') {
                // drop "member" : value, and the comma before it (or else the one after it)
                int valueEnd = endOfValue(json, skipSpace(json, colon + 1));
                int trimmed = out.length();
                while (trimmed > 0 && Character.isWhitespace(out.charAt(trimmed - 1))) {
                    trimmed--;
                }
                if (trimmed > 0 && out.charAt(trimmed - 1) == ',') {
                    out.setLength(trimmed - 1);
                    i = valueEnd;
                } else {
                    int next = skipSpace(json, valueEnd);
                    i = next < json.length() && json.charAt(next) == ',' ? skipSpace(json, next + 1) : valueEnd;
                }
                continue;
            }
            out.append(json, i, end);
            i = end;
        }
        return out.toString();
    }

    /** The index just after the string starting at {@code start} (a quote). */
    private static int endOfString(String json, int start) {
        int i = start + 1;
        while (i < json.length() && json.charAt(i) != '"') {
            i += json.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, json.length());
    }

    private static int skipSpace(String json, int i) {
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index just after the JSON value starting at {@code start}. */
    private static int endOfValue(String json, int start) {
        int depth = 0;
        int i = start;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '"') {
                i = endOfString(json, i);
                if (depth == 0) {
                    return i;
                }
                continue;
            }
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                return i;
            }
            i++;
        }
        return i;
    }

    /** Runs each workload on those of the given peers it applies to, in this JVM's JMH. */
    static List<RunResult> runPlan(boolean quick, List<Peer> peers) throws RunnerException {
        List<RunResult> results = new ArrayList<>();
        for (Workload w : Workload.values()) {
            String[] names = peers.stream().filter(p -> w.runs(p, quick)).map(Peer::name).toArray(String[]::new);
            if (names.length == 0) {
                continue;
            }
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(PeerBenchmark.class.getName() + "\\." + w.method + "$")
                    .threads(w.threads)
                    .param("peer", names)
                    .shouldFailOnError(true);
            if (quick) {
                // The quick run quotes no figure, so it may share the machine with another JMH run
                // (another engineer's, or the build's): JMH's one-run-at-a-time lock is not needed.
                System.setProperty("jmh.ignoreLock", "true");
                options.forks(0)
                        .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                        .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
            }
            results.addAll(new Runner(options.build()).run());
        }
        return results;
    }

    /**
     * Runs the isolated peers (JGroups 5.3) in a child JVM whose class path starts with the
     * JGroups 5.3 jar; the child hands its JMH results back as a serialized list.
     */
    private static List<RunResult> runIsolated(boolean quick, Path out) throws IOException, InterruptedException, ClassNotFoundException {
        Files.createDirectories(out);
        Path resultFile = Files.createTempFile(out.toAbsolutePath(), "isolated-", ".ser");
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true",
                "-cp", jgroupsJar() + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                PeersComparison.class.getName(), "--isolated", resultFile.toString()));
        if (quick) {
            command.add("--quick");
        }
        System.out.println("Starting the JVM for " + Peer.where(true) + ": " + String.join(" ", command));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    System.out.println("[jgroups-5.3 jvm] " + line);
                }
            }
            if (!child.waitFor(quick ? 5 : 60, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the JVM for the JGroups peers did not end");
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("the JVM for the JGroups peers failed with exit code " + child.exitValue());
            }
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(resultFile))) {
                @SuppressWarnings("unchecked")
                List<RunResult> results = (List<RunResult>) in.readObject();
                return results;
            }
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            Files.deleteIfExists(resultFile);
        }
    }

    /**
     * JGroups 5.3, copied by the build to {@code target/peers/} beside the benchmark jar (or
     * beside {@code target/classes}); {@code -Dlocksmith.bench.jgroupsJar=...} overrides it.
     */
    static Path jgroupsJar() {
        String configured = System.getProperty(JGROUPS_JAR_PROPERTY);
        Path jar;
        if (configured != null) {
            jar = Paths.get(configured);
        } else {
            try {
                Path code = Paths.get(PeersComparison.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                jar = code.getParent().resolve("peers").resolve("jgroups-lockservice.jar");
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("cannot locate the benchmark classes", e);
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("JGroups 5.3 jar not found at " + jar + ": build bench with ./mvnw -pl bench package, "
                    + "or point -D" + JGROUPS_JAR_PROPERTY + " at a JGroups 5.3 jar");
        }
        return jar.toAbsolutePath();
    }

    /** The Markdown report of one comparison. */
    static final class Report {
        private final boolean quick;
        private final Collection<RunResult> results;

        Report(boolean quick, Collection<RunResult> results) {
            this.quick = quick;
            this.results = results;
        }

        String markdown(Instant start, Instant end, double loadBefore, double loadAfter, String command) throws IOException {
            StringBuilder md = new StringBuilder();
            md.append("# Locksmith and the lock services users pick instead\n\n");
            if (quick) {
                md.append("**QUICK run (one 0.3 s iteration per benchmark, in one JVM): these figures check that the harness works; "
                        + "they are not for quoting.**\n\n");
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            md.append(String.format(Locale.ROOT, "- Date: %s to %s (UTC)%n", start, end));
            md.append(String.format(Locale.ROOT, "- Machine: %d cores (%s), %.1f GiB memory, %s %s %s%n",
                    Runtime.getRuntime().availableProcessors(), cpuModel(), os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                    System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch")));
            md.append(String.format(Locale.ROOT, "- Load average (1 min): %.2f at start, %.2f at end%n", loadBefore, loadAfter));
            md.append(String.format(Locale.ROOT, "- JDK: %s %s (%s)%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor")));
            md.append(String.format(Locale.ROOT, "- Peers: Curator %s on ZooKeeper %s, Hazelcast %s, JGroups %s%n",
                    version("org.apache.curator", "curator-recipes"), version("org.apache.zookeeper", "zookeeper"),
                    version("com.hazelcast", "hazelcast"), jgroupsVersion()));
            md.append(String.format(Locale.ROOT, "- JMH: %s%n", quick
                    ? "no fork, 1 × 0.2 s warm-up, 1 × 0.3 s measurement"
                    : "1 fork per benchmark, 2 × 2 s warm-up, 3 × 3 s measurement"));
            md.append("- Command: `").append(command).append("`\n\n");
            md.append("ops/s: JMH Throughput mode (one operation = lock + unlock, all threads together). p50/p99: JMH SampleTime, "
                    + "µs per lock + unlock. Ratio: Locksmith embedded ops/s divided by the row's ops/s in the same workload.\n\n");
            md.append("Locksmith cluster rows: three `ClusterLockManager` nodes (JGroups TCP, lockcore's default stack) in the benchmark's "
                    + "JVM on 127.0.0.1; every thread works on node 0 with an owner of its own, and each name is a sublock (EX, or PR "
                    + "when shared) of one root that the thread holds in CR. *Mastered locally*: node 0 took the root first and "
                    + "masters the tree, no message per operation. *Mastered remotely*: node 1 took the root first and masters the "
                    + "tree; every lock is a request to node 1 and its grant, every unlock a one-way dequeue (3 messages per "
                    + "operation). Node 0 has remaster weight 0 (VMS LOCKRMWT 0), so **dynamic remastering is off for the remote "
                    + "row**: the tree cannot move to node 0 however busy node 0 is, and each trial fails unless the tree is still "
                    + "mastered by node 1 with no remastering at its end. Sublocks under a remotely mastered root, because a root "
                    + "name is mastered by the first node that uses it: 1,024 fresh root names used from node 0 would be mastered "
                    + "locally.\n");
            if (quick) {
                md.append("\nThe quick mode runs the cluster rows on the uncontended workload only (each trial starts three nodes).\n");
            }

            for (Workload w : Workload.values()) {
                md.append("\n## ").append(w.title).append("\n\n");
                md.append("| lock service | ops/s | p50 µs | p99 µs | Locksmith / this |\n|---|---:|---:|---:|---:|\n");
                double locksmith = opsPerSecond(w, Peer.LOCKSMITH);
                for (Peer p : Peer.values()) {
                    if (!w.runs(p)) {
                        md.append("| ").append(p.label()).append(" | no shared mode | | | |\n");
                        continue;
                    }
                    if (!w.runs(p, quick)) {
                        md.append("| ").append(p.label()).append(" | ").append(FULL_MODE_ONLY).append(" | | | |\n");
                        continue;
                    }
                    RunResult sample = find(w, p, "sample");
                    double ops = opsPerSecond(w, p);
                    md.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s |%n", p.label(), ops,
                            micros(sample.getPrimaryResult().getStatistics().getPercentile(50)),
                            micros(sample.getPrimaryResult().getStatistics().getPercentile(99)), ratio(locksmith / ops)));
                }
            }

            md.append("\n## Targets (uncontended, full mode)\n\n| target | Locksmith / peer | verdict |\n|---|---:|---|\n");
            double locksmith = opsPerSecond(Workload.UNCONTENDED, Peer.LOCKSMITH);
            for (Peer p : Peer.values()) {
                double target = switch (p) {
                    case CURATOR_MUTEX, CURATOR_RW -> 1000;
                    case HAZELCAST_1, HAZELCAST_2, JGROUPS_1, JGROUPS_2 -> 100;
                    default -> 0;
                };
                if (target == 0) {
                    continue;
                }
                double r = locksmith / opsPerSecond(Workload.UNCONTENDED, p);
                md.append(String.format(Locale.ROOT, "| Locksmith embedded ≥ %,.0f× %s | %s | %s |%n", target, p.label(), ratio(r),
                        quick ? "quick run, no verdict" : r >= target ? "met" : "MISSED"));
            }
            double remote = opsPerSecond(Workload.UNCONTENDED, Peer.CLUSTER_REMOTE) / opsPerSecond(Workload.UNCONTENDED, Peer.HAZELCAST_2);
            md.append(String.format(Locale.ROOT, "| %s ≥ 2× %s | %s | %s |%n", Peer.CLUSTER_REMOTE.label(), Peer.HAZELCAST_2.label(),
                    ratio(remote), quick ? "quick run, no verdict" : remote >= 2 ? "met" : "MISSED"));
            return md.toString();
        }

        private double opsPerSecond(Workload w, Peer p) {
            return find(w, p, "thrpt").getPrimaryResult().getScore() * 1e6;
        }

        private RunResult find(Workload w, Peer p, String mode) {
            return results.stream()
                    .filter(r -> r.getParams().getBenchmark().endsWith("." + w.method))
                    .filter(r -> r.getParams().getThreads() == w.threads)
                    .filter(r -> p.name().equals(r.getParams().getParam("peer")))
                    .filter(r -> r.getParams().getMode().shortLabel().equals(mode))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + mode + " result for " + p + " in " + w));
        }

        private static String micros(double value) {
            return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%,.0f", value);
        }

        private static String ratio(double value) {
            return String.format(Locale.ROOT, value < 10 ? "%.2f×" : "%,.0f×", value);
        }

        private static String cpuModel() {
            try {
                return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse("cpu model unknown");
            } catch (IOException | RuntimeException e) {
                return "cpu model unknown";
            }
        }

        private static String version(String group, String artifact) throws IOException {
            try (InputStream in = PeersComparison.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
                return versionOf(in);
            }
        }

        private static String jgroupsVersion() throws IOException {
            try (JarFile jar = new JarFile(jgroupsJar().toFile())) {
                ZipEntry entry = jar.getEntry("META-INF/maven/org.jgroups/jgroups/pom.properties");
                try (InputStream in = entry == null ? null : jar.getInputStream(entry)) {
                    return versionOf(in);
                }
            }
        }

        private static String versionOf(InputStream pomProperties) throws IOException {
            if (pomProperties == null) {
                return "(version unknown)";
            }
            Properties p = new Properties();
            p.load(pomProperties);
            return p.getProperty("version", "(version unknown)");
        }
    }
}
