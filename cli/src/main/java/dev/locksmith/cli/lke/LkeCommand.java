package dev.locksmith.cli.lke;

import picocli.CommandLine.Command;

/**
 * The {@code lke} group: show, clear and monitor the locks of a running JVM's Locksmith lock
 * manager over JMX, as GT.M's LKE and VMS MONITOR DLOCK do.
 *
 * <p>Exit codes: 0 success; {@link #LKE_ERROR} when the JVM cannot be reached, runs no Locksmith
 * lock manager, or refused the operation, printed as {@code %LKE-E-CODE, message}.
 */
@Command(name = "lke", mixinStandardHelpOptions = true,
        description = "Show, clear and monitor locks of a running JVM (by --pid or --url).",
        subcommands = {ShowCommand.class, ClearCommand.class, MonitorCommand.class})
public final class LkeCommand {
    /** Exit code of an lke command that could not do its work. */
    public static final int LKE_ERROR = 2;
}
