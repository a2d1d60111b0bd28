package dev.locksmith.cli.rms;

import dev.locksmith.cli.Locksmith;
import dev.locksmith.rms.AnalysisReport;
import dev.locksmith.rms.FileAnalyzer;
import dev.locksmith.rms.RmsFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rms analyze file}: like ANALYZE/RMS_FILE/CHECK — exit code 1 on any inconsistency. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Check the whole structure; print depth, bucket fill and record counts per key.")
final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
        try (RmsFile opened = RmsFile.open(file)) {
            AnalysisReport report = FileAnalyzer.analyze(opened);
            spec.commandLine().getOut().print("File " + file + "\n" + report.format());
            return report.consistent() ? 0 : Locksmith.PROBLEM_FOUND;
        }
    }
}
