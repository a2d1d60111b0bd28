package dev.locksmith.bench.rms;

import dev.locksmith.lock.LockManager;
import dev.locksmith.rms.RecordOption;
import dev.locksmith.rms.RecordOptions;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.StreamOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The CPU time of {@link GlobalBuffersBenchmark}'s record update ({@code updateRms}: a keyed get
 * with the record lock, then the update) and of its floor ({@code putRawMap}: a put into the raw
 * MVStore map), on the same data and in the same JVM, in alternating rounds. Meant for a shared,
 * loaded machine, where JMH's wall-clock throughput moves with the other processes' load (and
 * with GC threads): a thread's CPU time counts only what it ran. Forty rounds of 20,000 updates
 * and 20,000 puts; the first ten warm up; prints the medians and quartiles of the other thirty in
 * nanoseconds per operation, and of each round's put / update ratio — the update's share of the
 * raw put's rate if each had a core to itself.
 *
 * <pre>java -Dlocksmith.bench.records=100000 -cp bench/target/benchmarks.jar dev.locksmith.bench.rms.UpdateCpu [globalBuffers]</pre>
 *
 * <p>The argument is the global buffer count (default 8192; 0: none). Changes the data set as the
 * benchmark does (its records' versions).
 */
public final class UpdateCpu {
    private static final int ROUNDS = 40;
    private static final int WARM_UP_ROUNDS = 10;
    private static final int OPERATIONS = 20_000;

    private UpdateCpu() {
    }

    /** Measures, as the class comment says, with the global buffer count in {@code args[0]} (default 8192). */
    public static void main(String[] args) {
        int globalBuffers = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        BenchData.ensureBuilt();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] update = new double[ROUNDS - WARM_UP_ROUNDS];
        double[] put = new double[update.length];
        double[] ratio = new double[update.length];
        SplittableRandom random = new SplittableRandom(17);
        int version = 0;
        try (LockManager manager = LockManager.builder().name("bench").build();
             RmsFile file = GlobalBuffersBenchmark.openFile(manager, globalBuffers);
             RecordStream writer = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.WAT)));
             MVStore rawStore = BenchData.openRaw()) {
            MVMap<byte[], byte[]> raw = BenchData.rawMap(rawStore);
            for (int round = 0; round < ROUNDS; round++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < OPERATIONS; i++) {
                    int index = random.nextInt(BenchData.RECORDS);
                    writer.get(0, BenchData.key(index));
                    writer.update(BenchData.record(index, ++version));
                }
                long updated = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < OPERATIONS; i++) {
                    int index = random.nextInt(BenchData.RECORDS);
                    raw.put(BenchData.key(index), BenchData.record(index, ++version));
                }
                long end = threads.getCurrentThreadCpuTime();
                if (round >= WARM_UP_ROUNDS) {
                    int r = round - WARM_UP_ROUNDS;
                    update[r] = (updated - start) / (double) OPERATIONS;
                    put[r] = (end - updated) / (double) OPERATIONS;
                    ratio[r] = put[r] / update[r];
                }
            }
        }
        print("updateRms, CPU ns per operation", update);
        print("putRawMap, CPU ns per operation", put);
        print("putRawMap / updateRms per round", ratio);
    }

    private static void print(String what, double[] values) {
        Arrays.sort(values);
        int n = values.length;
        System.out.printf(Locale.ROOT, "%s: median %.3f, quartiles %.3f-%.3f%n", what, values[n / 2], values[n / 4],
                values[3 * n / 4]);
    }
}
