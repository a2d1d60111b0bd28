package dev.locksmith.cli.rms;

import dev.locksmith.rms.FileDumper;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.fields.Field;
import dev.locksmith.rms.fields.FieldCodec;
import dev.locksmith.rms.fields.RecordDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rms dump file}: the records in a key's order — as named fields when the file has a record
 * definition ({@code rms define}), else as printable bytes — and the bucket layout on request.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print records (as fields if the file has a record definition), and the bucket layout with --buckets.")
final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--key", defaultValue = "0", description = "Key of reference whose order to print in (default 0).")
    int key;

    @Option(names = "--limit", defaultValue = "-1", description = "Print at most this many records.")
    long limit;

    @Option(names = "--hex", description = "Print records in hexadecimal, not as fields.")
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
            RecordDefinition fields = hex ? null : opened.recordDefinition().orElse(null);
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
                out.printf("%-12s %s%n", stream.currentRfa(), hex ? HexFormat.of().formatHex(record)
                        : fields != null ? fields(fields, record) : printable(record));
                printed++;
            }
            out.printf("%d record(s)%n", printed);
        }
        return 0;
    }

    /** {@code NAME=value} for every field; a field whose bytes are no value of its type shows why. */
    private static String fields(RecordDefinition definition, byte[] record) {
        StringBuilder text = new StringBuilder();
        for (Field field : definition.fields()) {
            Object value;
            try {
                value = FieldCodec.decode(field, record);
            } catch (RmsException e) {
                value = "?(" + e.getMessage() + ")";
            }
            text.append(text.length() == 0 ? "" : " ").append(field.name()).append('=')
                    .append(value instanceof String ? "'" + value + "'" : String.valueOf(value));
        }
        return text.toString();
    }

    private static String printable(byte[] record) {
        StringBuilder text = new StringBuilder(record.length);
        for (byte b : record) {
            text.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return text.toString();
    }
}
