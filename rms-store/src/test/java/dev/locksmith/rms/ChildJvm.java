package dev.locksmith.rms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: starts a class's {@code main} in a child JVM on this test's class path, to be killed with SIGKILL. */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Starts {@code main} with {@code jvmOptions} then {@code args}; its standard error goes to its
     * standard output, which the caller reads ({@link Process#getInputStream()}).
     */
    static Process start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
