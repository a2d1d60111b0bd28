package dev.locksmith.bench.rms;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link KeyedAccessBenchmark} once and prints the ratios the issue sets as targets: keyed
 * reads at least 2× H2 SQL, writes at least H2 SQL, both within 3× of the raw MVStore map.
 * Arguments are JMH options; -f, -wi, -w, -i, -r and a benchmark regex override the defaults here.
 */
public final class RmsVersusH2 {

    private RmsVersusH2() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        BenchData.ensureBuilt();
        CommandLineOptions given = new CommandLineOptions(args);
        Options options = new OptionsBuilder()
                .include(given.getIncludes().isEmpty() ? KeyedAccessBenchmark.class.getName() : given.getIncludes().get(0))
                .forks(given.getForkCount().orElse(1))
                .warmupIterations(given.getWarmupIterations().orElse(3))
                .warmupTime(given.getWarmupTime().orElse(TimeValue.seconds(3)))
                .measurementIterations(given.getMeasurementIterations().orElse(5))
                .measurementTime(given.getMeasurementTime().orElse(TimeValue.seconds(4)))
                .jvmArgsAppend("-Xmx4g", "-Xms4g",
                        "-Dlocksmith.bench.dir=" + BenchData.directory().getParent(),
                        "-Dlocksmith.bench.records=" + BenchData.RECORDS,
                        "-Dlocksmith.bench.bucketBlocks=" + BenchData.BUCKET_BLOCKS)
                .parent(given)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> score = new HashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            score.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
        }
        print(score);
    }

    private static void print(Map<String, Double> score) {
        System.out.printf(Locale.ROOT, "%n%d records of %d bytes, %d-byte keys, Locksmith buckets of %d blocks%n",
                BenchData.RECORDS, BenchData.RECORD_SIZE, BenchData.KEY_SIZE, BenchData.BUCKET_BLOCKS);
        System.out.printf(Locale.ROOT, "%-22s %14s %14s%n", "ops/s", "random read", "random write");
        for (String store : new String[] {"Rms", "H2Sql", "RawMap"}) {
            System.out.printf(Locale.ROOT, "%-22s %14.0f %14.0f%n", store, score.getOrDefault("read" + store, Double.NaN),
                    score.getOrDefault("write" + store, Double.NaN));
        }
        ratio(score, "RMS / H2 SQL", "H2Sql", 2.0, 1.0);
        ratio(score, "RMS / raw map", "RawMap", 1 / 3.0, 1 / 3.0);
    }

    private static void ratio(Map<String, Double> score, String label, String peer, double readTarget, double writeTarget) {
        double read = score.getOrDefault("readRms", Double.NaN) / score.getOrDefault("read" + peer, Double.NaN);
        double write = score.getOrDefault("writeRms", Double.NaN) / score.getOrDefault("write" + peer, Double.NaN);
        System.out.printf(Locale.ROOT, "%-22s %8.2f (>= %.2f %s) %8.2f (>= %.2f %s)%n", label,
                read, readTarget, read >= readTarget ? "met" : "MISSED", write, writeTarget, write >= writeTarget ? "met" : "MISSED");
    }
}
