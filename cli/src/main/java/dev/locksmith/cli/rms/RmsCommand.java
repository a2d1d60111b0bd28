package dev.locksmith.cli.rms;

import picocli.CommandLine.Command;

/** The {@code rms} group: create, load, dump, analyze and set record files, and monitor their global buffers. */
@Command(name = "rms", mixinStandardHelpOptions = true,
        description = "Create, load, dump, analyze, set and monitor RMS record files.",
        subcommands = {CreateCommand.class, LoadCommand.class, DumpCommand.class, AnalyzeCommand.class, SetCommand.class,
            MonitorCommand.class})
public final class RmsCommand {
}
