package dev.locksmith.cli.rms;

import dev.locksmith.rms.RmsFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code rms set} group: change a file's attributes, as DCL {@code SET FILE}. */
@Command(name = "set", mixinStandardHelpOptions = true, description = "Change attributes of a record file.",
        subcommands = SetCommand.File.class)
final class SetCommand {

    /** {@code rms set file --global-buffers n FILE}: {@code SET FILE/GLOBAL_BUFFER=n}. */
    @Command(name = "file", mixinStandardHelpOptions = true,
            description = "Set the file's global buffer count (GLOBAL_BUFFER_COUNT): buckets each node caches with"
                    + " their read locks; 0 turns global buffers off. Takes effect at the next open.")
    static final class File implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--global-buffers", required = true, paramLabel = "N",
                description = "Global buffer count, 0..32767.")
        int globalBuffers;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            try (RmsFile opened = RmsFile.open(file)) {
                opened.setGlobalBufferCount(globalBuffers);
            }
            spec.commandLine().getOut().printf("%s: global buffer count %d%n", file, globalBuffers);
            return 0;
        }
    }
}
