package dev.locksmith.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PeersComparison#includeIn}: the README block between the markers is replaced, nothing else. */
class ReadmeIncludeTest {

    @Test
    void replacesOnlyTheMarkedBlockAndNestsTheHeadings(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Path table = dir.resolve("peers.md");
        Files.writeString(readme, "# Bench\n\nbefore\n\n" + PeersComparison.BEGIN + "\nold table\n" + PeersComparison.END + "\n\nafter\n");
        Files.writeString(table, "# Title\n\n## Workload\n\n| a | b |\n");

        PeersComparison.includeIn(readme, table);
        PeersComparison.includeIn(readme, table);

        assertThat(Files.readString(readme)).isEqualTo("# Bench\n\nbefore\n\n" + PeersComparison.BEGIN
                + "\n### Title\n\n#### Workload\n\n| a | b |\n" + PeersComparison.END + "\n\nafter\n");
    }

    @Test
    void refusesAReadmeWithoutMarkersAndLeavesItAlone(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Path table = dir.resolve("peers.md");
        Files.writeString(readme, "# Bench\n");
        Files.writeString(table, "# Title\n");

        assertThatThrownBy(() -> PeersComparison.includeIn(readme, table))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("README.md has no");
        assertThat(Files.readString(readme)).isEqualTo("# Bench\n");
    }
}
