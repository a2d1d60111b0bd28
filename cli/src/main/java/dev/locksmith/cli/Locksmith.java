package dev.locksmith.cli;

import dev.locksmith.cli.lke.LkeCommand;
import dev.locksmith.cli.rms.RmsCommand;
import dev.locksmith.rms.RmsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code locksmith} administration command. Subcommand groups sit beside each other:
 * {@code rms} (files) and {@code lke} (the locks of a running JVM, over JMX).
 *
 * <p>Exit codes: 0 success; 1 the command ran but found a problem (inconsistencies, rejected
 * records); 2 bad usage or an RMS error, printed as {@code %RMS-E-STATUS, message}.
 */
@Command(name = "locksmith", mixinStandardHelpOptions = true, versionProvider = Locksmith.Version.class,
        description = "Administration of Locksmith record files and locks.",
        subcommands = {RmsCommand.class, LkeCommand.class, CommandLine.HelpCommand.class})
public final class Locksmith {
    /** Exit code of a command that ran and found a problem. */
    public static final int PROBLEM_FOUND = 1;
    /** Exit code of an RMS error. */
    public static final int RMS_ERROR = 2;

    /** The version the build wrote into {@code version.properties}, {@code -SNAPSHOT} and all. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Locksmith.class.getResourceAsStream("/dev/locksmith/cli/version.properties")) {
                if (in == null) {
                    return new String[] {"locksmith (version unknown: built without version.properties)"};
                }
                properties.load(in);
            }
            return new String[] {"locksmith " + properties.getProperty("version")};
        }
    }

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
