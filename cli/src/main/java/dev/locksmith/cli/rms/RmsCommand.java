package dev.locksmith.cli.rms;

import picocli.CommandLine.Command;

/** The {@code rms} group: create, load, define, dump and analyze record files. */
@Command(name = "rms", mixinStandardHelpOptions = true,
        description = "Create, load, define, dump and analyze RMS record files.",
        subcommands = {CreateCommand.class, LoadCommand.class, DefineCommand.class, DumpCommand.class, AnalyzeCommand.class})
public final class RmsCommand {
}
