package dev.locksmith.cli.lke;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code lke} subcommand does around its work: connect to the target JVM's lock
 * manager, run, close, and print an {@link LkeException} as {@code %LKE-E-…} with exit code
 * {@link LkeCommand#LKE_ERROR}.
 */
abstract class LkeSubcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JmxTarget target;

    /** The subcommand's work on an open connection. */
    abstract void run(JmxTarget.Connection connection, PrintWriter out) throws InterruptedException;

    @Override
    public final Integer call() throws InterruptedException {
        try (JmxTarget.Connection connection = target.connect()) {
            run(connection, spec.commandLine().getOut());
            return 0;
        } catch (LkeException e) {
            spec.commandLine().getErr().println(e.line());
            return LkeCommand.LKE_ERROR;
        }
    }
}
