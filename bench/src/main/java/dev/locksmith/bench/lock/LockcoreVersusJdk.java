package dev.locksmith.bench.lock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The lockcore suite: runs {@link UncontendedBenchmark} (in three forks), {@link HotResourceBenchmark}
 * with 2 and 8 threads under both contention policies, and {@link LockFootprint} in its own JVM,
 * then prints one table with the ratios the issue sets as targets:
 * uncontended Locksmith within 3× of the JDK floor, fairness (most / least operations per
 * thread) at most 2 under FAIR, and at most 200 bytes of heap per granted lock.
 *
 * <p>{@code --quick} runs one short iteration of each, to keep the harness working in CI; its
 * figures are not for quoting.
 */
public final class LockcoreVersusJdk {

    private static final int UNCONTENDED_FORKS = 3;

    private LockcoreVersusJdk() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        boolean quick = List.of(args).contains("--quick");
        List<String> rows = new ArrayList<>();

        // Three forks: one fork's JIT outcome moves the uncontended figures by up to a tenth.
        Collection<RunResult> uncontended = new Runner(options(quick, UncontendedBenchmark.class.getName(), 1)
                .forks(quick ? 1 : UNCONTENDED_FORKS).mode(org.openjdk.jmh.annotations.Mode.Throughput).build()).run();
        double lsDistinct = score(uncontended, "locksmithDistinct");
        double jdkDistinct = score(uncontended, "jdkDistinct");
        double lsSame = score(uncontended, "locksmithSame");
        double jdkSame = score(uncontended, "jdkSame");
        rows.add(row("uncontended EX enqueue+dequeue, 1,024 names", lsDistinct, jdkDistinct, "ops/s", 1 / 3.0));
        rows.add(row("uncontended EX enqueue+dequeue, one name", lsSame, jdkSame, "ops/s", 1 / 3.0));

        List<String> hot = new ArrayList<>();
        for (int threads : new int[] {2, 8}) {
            Collection<RunResult> results = new Runner(options(quick, HotResourceBenchmark.class.getName(), threads).build()).run();
            for (String policy : new String[] {"CONVERSIONS_FIRST", "FAIR"}) {
                RunResult ls = find(results, "locksmith", policy, "thrpt");
                RunResult jdk = find(results, "jdk", policy, "thrpt");
                RunResult lsSample = find(results, "locksmith", policy, "sample");
                RunResult jdkSample = find(results, "jdk", policy, "sample");
                hot.add(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.2f | %.2f |",
                        threads, policy,
                        ls.getPrimaryResult().getScore() * 1e6, jdk.getPrimaryResult().getScore() * 1e6,
                        ls.getPrimaryResult().getScore() / jdk.getPrimaryResult().getScore(),
                        p99(lsSample), p99(jdkSample), fairness(ls, threads), fairness(jdk, threads)));
            }
        }

        double bytesPerLock = footprint(quick);

        System.out.printf(Locale.ROOT, "%n## lockcore (%s, %s %s)%n%n", quick ? "QUICK — not for quoting" : "full",
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.println("| workload | Locksmith | JDK floor | unit | Locksmith / floor | target |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%n| threads | policy | Locksmith ops/s | JDK RRWL ops/s | ratio | Locksmith p99 µs | JDK p99 µs | Locksmith most/least per thread | JDK most/least |%n");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        hot.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nretained heap per granted lock (%,d locks on as many resources): %.1f bytes (target <= 200: %s)%n",
                LockFootprint.LOCKS, bytesPerLock, bytesPerLock <= 200 ? "met" : "MISSED");
    }

    private static ChainedOptionsBuilder options(boolean quick, String include, int threads) {
        ChainedOptionsBuilder b = new OptionsBuilder().include(include).threads(threads).forks(1);
        if (quick) {
            b.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(500));
        }
        return b;
    }

    private static String row(String workload, double locksmith, double floor, String unit, double target) {
        double ratio = locksmith / floor;
        return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %s | %.2f | >= %.2f (%s) |",
                workload, locksmith, floor, unit, ratio, target, ratio >= target ? "met" : "MISSED");
    }

    private static double score(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .findFirst().orElseThrow().getPrimaryResult().getScore();
    }

    private static RunResult find(Collection<RunResult> results, String method, String policy, String mode) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .filter(r -> policy.equals(r.getParams().getParam("policy")))
                .filter(r -> r.getParams().getMode().shortLabel().equals(mode))
                .findFirst().orElseThrow(() -> new IllegalStateException("no result for " + method + " " + policy + " " + mode));
    }

    private static double p99(RunResult sample) {
        return sample.getPrimaryResult().getStatistics().getPercentile(99);
    }

    /** Most over least operations per thread, from the t0…t7 counters. */
    private static double fairness(RunResult result, int threads) {
        Map<String, Result> secondary = result.getSecondaryResults();
        double most = 0;
        double least = Double.MAX_VALUE;
        for (int i = 0; i < threads; i++) {
            Result r = secondary.get("t" + i);
            double ops = r == null ? 0 : r.getScore();
            most = Math.max(most, ops);
            least = Math.min(least, ops);
        }
        return least == 0 ? Double.POSITIVE_INFINITY : most / least;
    }

    /** Runs {@link LockFootprint} in a JVM of its own with a fixed heap. */
    private static double footprint(boolean quick) throws IOException, InterruptedException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms3g", "-Xmx3g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path")));
        if (quick) {
            command.add("-Dlocksmith.bench.locks=100000");
        }
        command.add(LockFootprint.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        double bytes = Double.NaN;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println(line);
                if (line.startsWith("bytes per lock: ")) {
                    bytes = Double.parseDouble(line.substring("bytes per lock: ".length()));
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("LockFootprint failed with exit code " + p.exitValue());
        }
        return bytes;
    }
}
