package dev.locksmith.cli.rms;

import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.fields.RecordDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rms define file --fields spec}: sets the record definition kept with the file (the named,
 * typed fields that {@code rms dump} prints and SQL reads); without {@code --fields} prints the
 * current one. A bad definition fails with %RMS-E-FDL naming the field and leaves the file as it was.
 */
@Command(name = "define", mixinStandardHelpOptions = true,
        description = {"Set or show the record definition (named, typed fields) kept with a file.",
                "A definition is one field per line or per ';': NAME TYPE OFFSET LENGTH [SCALE];",
                "types TEXT, INTEGER (signed binary 1/2/4/8 bytes), UNSIGNED, PACKED and ZONED (decimal, with a scale), DATE (YYYYMMDD)."})
final class DefineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--fields", paramLabel = "SPEC|FILE",
            description = "The definition, as text (e.g. 'ID INTEGER 0 8; NAME TEXT 8 20') or the name of a file holding it.")
    String fields;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (RmsFile opened = RmsFile.open(file)) {
            if (fields != null) {
                opened.defineRecords(RecordDefinition.parse(text(fields), opened.definition()));
            }
            opened.recordDefinition().ifPresentOrElse(definition -> out.print(definition.format()),
                    () -> out.println("no record definition; set one with --fields"));
        }
        return 0;
    }

    /** The definition text: the file {@code value} names if there is one, else {@code value} itself. */
    private static String text(String value) {
        if (value.contains(";") || value.contains("\n")) {
            return value;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            return value;
        }
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read record definition file " + path, e);
        }
    }
}
