package dev.locksmith.cli.rms;

import picocli.CommandLine.Command;

/** The {@code rms} group: create, load, define, dump, analyze and set record files, and monitor their global buffers. */
@Command(name = "rms", mixinStandardHelpOptions = true,
        description = "Create, load, define, dump, analyze, set and monitor RMS record files.",
        subcommands = {CreateCommand.class, LoadCommand.class, DefineCommand.class, DumpCommand.class, AnalyzeCommand.class,
            SetCommand.class, MonitorCommand.class})
public final class RmsCommand {
}
