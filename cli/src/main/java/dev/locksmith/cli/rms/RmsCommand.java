package dev.locksmith.cli.rms;

import picocli.CommandLine.Command;

/** The {@code rms} group: create, load, dump and analyze record files. */
@Command(name = "rms", mixinStandardHelpOptions = true,
        description = "Create, load, dump and analyze RMS record files.",
        subcommands = {CreateCommand.class, LoadCommand.class, DumpCommand.class, AnalyzeCommand.class})
public final class RmsCommand {
}
