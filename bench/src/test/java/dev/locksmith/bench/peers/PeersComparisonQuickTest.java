package dev.locksmith.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the peers harness from rotting: runs {@link PeersComparison}'s quick mode (every workload
 * on every real peer, the JGroups 5.3 ones in their child JVM) and checks that the JSON and the
 * Markdown table were written with every row. It asserts nothing about speed.
 */
class PeersComparisonQuickTest {
    private static final Pattern FIGURE = Pattern.compile("[0-9][0-9,.]*");

    @Test
    void quickModeWritesEveryRowOfTheTable(@TempDir Path out) throws Exception {
        Path table = PeersComparison.run(true, out, "PeersComparisonQuickTest");

        String md = Files.readString(table);
        assertThat(md).contains("QUICK run", "- Machine: ", "- JDK: ", "- Load average", "- Command: `PeersComparisonQuickTest`");
        List<String> sections = Arrays.asList(md.split("\n## "));
        for (PeersComparison.Workload w : PeersComparison.Workload.values()) {
            String section = sections.stream().filter(s -> s.startsWith(w.title)).findFirst().orElseThrow(
                    () -> new AssertionError("no section for " + w));
            for (Peer p : Peer.values()) {
                String row = rowOf(section, p.label());
                String[] cells = cellsOf(row);
                if (w.runs(p, true)) {
                    assertThat(cells).as("%s in %s", p, w).hasSize(5);
                    for (int i = 1; i < 5; i++) {
                        assertThat(cells[i].replace("×", "")).as("%s in %s, column %d", p, w, i).matches(FIGURE);
                    }
                } else if (!w.runs(p)) {
                    assertThat(cells[1]).as("%s in %s", p, w).isEqualTo("no shared mode");
                } else {
                    assertThat(p.cluster()).as("%s skipped in %s", p, w).isTrue();
                    assertThat(cells[1]).as("%s in %s", p, w).isEqualTo("full mode only");
                }
            }
        }
        String targets = sections.stream().filter(s -> s.startsWith("Targets")).findFirst().orElseThrow();
        for (Peer p : List.of(Peer.CURATOR_MUTEX, Peer.CURATOR_RW, Peer.HAZELCAST_1, Peer.HAZELCAST_2, Peer.JGROUPS_1, Peer.JGROUPS_2)) {
            assertThat(targets).contains("× " + p.label() + " | ");
        }
        String remoteTarget = rowOf(targets, Peer.CLUSTER_REMOTE.label() + " ≥ 2× " + Peer.HAZELCAST_2.label());
        assertThat(cellsOf(remoteTarget)[1].replace("×", "")).matches(FIGURE);

        String json = Files.readString(out.resolve("peers.json"));
        for (Peer p : Peer.values()) {
            assertThat(json).as("JMH JSON holds results of %s", p).contains("\"peer\" : \"" + p.name() + "\"");
        }
        assertThat(json).contains("\"scorePercentiles\"", "\"rawData\"").doesNotContain("rawDataHistogram");
        assertThat(out).isDirectoryNotContaining("glob:**.ser");
    }

    private static String rowOf(String section, String label) {
        return section.lines().filter(l -> l.startsWith("| " + label + " |")).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + label + "' in:\n" + section));
    }

    private static String[] cellsOf(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim).toArray(String[]::new);
    }
}
