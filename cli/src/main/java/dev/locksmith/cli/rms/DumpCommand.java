package dev.locksmith.cli.rms;

import dev.locksmith.rms.FileDumper;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rms dump file}: the records in a key's order, and the bucket layout on request. */
@Command(name = "dump", mixinStandardHelpOptions = true, description = "Print records, and the bucket layout with --buckets.")
final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--key", defaultValue = "0", description = "Key of reference whose order to print in (default 0).")
    int key;

    @Option(names = "--limit", defaultValue = "-1", description = "Print at most this many records.")
    long limit;

    @Option(names = "--hex", description = "Print records in hexadecimal.")
    boolean hex;

    @Option(names = "--buckets", description = "Print the bucket layout before the records.")
    boolean buckets;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (RmsFile opened = RmsFile.open(file)) {
            if (buckets) {
                FileDumper.dumpBuckets(opened, out);
            }
            RecordStream stream = opened.stream();
            stream.rewind(key);
            long printed = 0;
            while (limit < 0 || printed < limit) {
                byte[] record;
                try {
                    record = stream.next();
                } catch (RmsException e) {
                    if (e.status() == RmsStatus.EOF) {
                        break;
                    }
                    throw e;
                }
                out.printf("%-12s %s%n", stream.currentRfa(), hex ? HexFormat.of().formatHex(record) : printable(record));
                printed++;
            }
            out.printf("%d record(s)%n", printed);
        }
        return 0;
    }

    private static String printable(byte[] record) {
        StringBuilder text = new StringBuilder(record.length);
        for (byte b : record) {
            text.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return text.toString();
    }
}
