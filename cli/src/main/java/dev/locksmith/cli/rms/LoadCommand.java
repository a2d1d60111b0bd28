package dev.locksmith.cli.rms;

import dev.locksmith.cli.Locksmith;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordStream;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.index.KeyCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rms load file input}: like CONVERT, adds the input's records to an existing file.
 *
 * <p>Fast path: while the input arrives in primary key order (always, for sequential and relative
 * files) records are stored in batches of {@value #BATCH} per atomic service, so each bucket is
 * written once per batch, and splits at the end of the tree honour the fill factors. Out-of-order
 * records are stored one service each. A rejected record (bad input, duplicate key, wrong size) is
 * reported with its input line and skipped; the exit code is then 1.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Bulk-load records from CSV or fixed-length input, like CONVERT.")
final class LoadCommand implements Callable<Integer> {
    static final int BATCH = 1000;
    private static final int REPORTED_REJECTS = 10;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "An existing file (see rms create).")
    Path file;

    @Parameters(index = "1", paramLabel = "INPUT")
    Path input;

    @Option(names = "--format", defaultValue = "csv", description = "csv or fixed (binary records of --record-size bytes).")
    String format;

    @Option(names = "--columns", description = "CSV column layout, e.g. 16,30,int4 (text widths or int2/4/8, bin2/4/8).")
    String columns;

    @Option(names = "--record-size", defaultValue = "0", description = "Fixed input record size; default the file's record size.")
    int recordSize;

    @Option(names = "--progress", negatable = true,
            description = "Draw a progress bar on the error stream (default: only when it is a terminal).")
    Boolean progress;

    private long loaded;
    private long rejected;
    private long batches;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(input)) {
            throw new RmsException(RmsStatus.FNF, "input file " + input
                    + (Files.isDirectory(input) ? " is a directory" : " does not exist"));
        }
        long started = System.nanoTime();
        boolean sortedThroughout;
        try (RmsFile opened = RmsFile.open(file); RecordSource source = openSource(opened.definition())) {
            ProgressBar bar = progress != null ? (progress ? new ProgressBar(err, Files.size(input)) : null)
                    : ProgressBar.onTerminal(err, Files.size(input));
            sortedThroughout = load(opened, source, bar, err);
            opened.flush();
            if (bar != null) {
                bar.finish(source.bytesRead(), loaded);
            }
        } catch (IOException e) {
            throw new RmsException(RmsStatus.IO, "cannot read input file " + input + ": " + e, e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "Loaded %d record(s) into %s in %.2f s (%.0f records/s); %d rejected%n",
                loaded, file, seconds, loaded / Math.max(seconds, 1e-9), rejected);
        out.printf("Input in primary key order: %s; %d batch(es) on the fast path%n", sortedThroughout ? "yes" : "no", batches);
        return rejected == 0 ? 0 : Locksmith.PROBLEM_FOUND;
    }

    private RecordSource openSource(FileDefinition definition) throws IOException {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> {
                if (columns == null) {
                    throw new RmsException(RmsStatus.FDL, "--columns is required for CSV input");
                }
                try {
                    return new CsvRecordSource(input, ColumnLayout.parse(columns));
                } catch (IllegalArgumentException e) {
                    throw new RmsException(RmsStatus.FDL, "--columns: " + e.getMessage(), e);
                }
            }
            case "fixed" -> {
                return new FixedRecordSource(input, recordSize > 0 ? recordSize : definition.recordSize());
            }
            default -> throw new RmsException(RmsStatus.FDL, "--format " + format + " is not csv or fixed");
        }
    }

    /** Loads everything; returns whether the input was in primary key order throughout. */
    private boolean load(RmsFile opened, RecordSource source, ProgressBar progress, PrintWriter err) throws IOException {
        RecordStream stream = opened.stream();
        FileDefinition definition = opened.definition();
        KeyCodec primary = definition.organization() == Organization.INDEXED ? new KeyCodec(definition.key(0)) : null;
        boolean duplicatesAllowed = primary != null && definition.key(0).duplicates();
        List<InputRecord> batch = new ArrayList<>(BATCH);
        byte[] lastKey = null;
        boolean sortedThroughout = true;
        InputRecord next;
        while ((next = source.next()) != null) {
            if (next.error() != null) {
                reject(err, next, next.error());
                continue;
            }
            boolean inOrder = true;
            if (primary != null && primary.isPresentIn(next.record())) {
                byte[] key = primary.fromRecord(next.record());
                int order = lastKey == null ? 1 : Arrays.compareUnsigned(key, lastKey);
                inOrder = order > 0 || (order == 0 && duplicatesAllowed);
                lastKey = inOrder ? key : lastKey;
            }
            if (inOrder) {
                batch.add(next);
                if (batch.size() == BATCH) {
                    storeBatch(stream, batch, err);
                }
            } else {
                sortedThroughout = false;
                storeBatch(stream, batch, err);
                storeOne(stream, next, err);
            }
            if (progress != null) {
                progress.update(source.bytesRead(), loaded);
            }
        }
        storeBatch(stream, batch, err);
        return sortedThroughout;
    }

    private void storeBatch(RecordStream stream, List<InputRecord> batch, PrintWriter err) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            stream.putAll(batch.stream().map(InputRecord::record).toList());
            loaded += batch.size();
            batches++;
        } catch (RmsException e) {
            // The batch changed nothing; store its records one by one to keep the good ones.
            for (InputRecord record : batch) {
                storeOne(stream, record, err);
            }
        }
        batch.clear();
    }

    private void storeOne(RecordStream stream, InputRecord record, PrintWriter err) {
        try {
            stream.put(record.record());
            loaded++;
        } catch (RmsException e) {
            reject(err, record, "%RMS-E-" + e.getMessage().replaceFirst(": ", ", "));
        }
    }

    private void reject(PrintWriter err, InputRecord record, String why) {
        rejected++;
        if (rejected <= REPORTED_REJECTS) {
            err.printf("%s line %d: %s%n", input.getFileName(), record.number(), why);
        } else if (rejected == REPORTED_REJECTS + 1) {
            err.println("(further rejected records are counted, not listed)");
        }
    }
}
