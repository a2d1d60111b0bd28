package dev.locksmith.cli;

import dev.locksmith.cli.lke.LkeCommand;
import dev.locksmith.cli.rms.RmsCommand;
import dev.locksmith.rms.RmsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code locksmith} administration command. Subcommand groups sit beside each other:
 * {@code rms} (files) and {@code lke} (the locks of a running JVM, over JMX).
 *
 * <p>Exit codes: 0 success; 1 the command ran but found a problem (inconsistencies, rejected
 * records); 2 bad usage or an RMS error, printed as {@code %RMS-E-STATUS, message}.
 */
@Command(name = "locksmith", mixinStandardHelpOptions = true, version = "locksmith 0.1.0",
        description = "Administration of Locksmith record files and locks.",
        subcommands = {RmsCommand.class, LkeCommand.class, CommandLine.HelpCommand.class})
public final class Locksmith {
    /** Exit code of a command that ran and found a problem. */
    public static final int PROBLEM_FOUND = 1;
    /** Exit code of an RMS error. */
    public static final int RMS_ERROR = 2;

    /** A command line with the RMS error handling in place; what {@link #main} and the tests run. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Locksmith());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof RmsException rms) {
                line.getErr().println("%RMS-E-" + rms.getMessage().replaceFirst(": ", ", "));
                return RMS_ERROR;
            }
            throw exception;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        int exitCode = commandLine.execute(args);
        // System.exit does not flush the command's writers.
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }
}
