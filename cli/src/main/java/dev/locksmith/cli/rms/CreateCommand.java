package dev.locksmith.cli.rms;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.fdl.FdlParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rms create --fdl definition.fdl file}: like CREATE/FDL. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create an empty file from an FDL definition.")
final class CreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fdl", required = true, paramLabel = "FDL", description = "File Definition Language text file.")
    Path fdl;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to create; it must not exist.")
    Path file;

    @Override
    public Integer call() {
        FileDefinition definition = FdlParser.parse(read(fdl));
        try (RmsFile created = RmsFile.create(file, definition)) {
            spec.commandLine().getOut().printf("Created %s: %s, %s records of %d bytes, buckets of %d blocks, %d key(s)%n",
                    created.path(), definition.organization(), definition.format(), definition.recordSize(),
                    definition.bucketSize(), definition.keys().size());
        }
        return 0;
    }

    static String read(Path fdl) {
        try {
            return Files.readString(fdl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RmsException(RmsStatus.FNF, "cannot read FDL file " + fdl + ": " + e.getMessage(), e);
        }
    }
}
