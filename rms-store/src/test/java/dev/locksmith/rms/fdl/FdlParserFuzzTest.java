package dev.locksmith.rms.fdl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the FDL parser: any text either parses to a definition that survives a write/parse round
 * trip, or fails with the store's own FDL/BKS status — never another exception, never a hang.
 * {@code mvn test} replays the seeds in {@code FdlParserFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes for {@code maxDuration} (with {@code -Djunit.jupiter.execution.timeout.mode=disabled}).
 */
class FdlParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        FileDefinition definition;
        try {
            definition = FdlParser.parse(text);
        } catch (RmsException e) {
            assertThat(e.status()).isIn(RmsStatus.FDL, RmsStatus.BKS);
            return;
        }
        assertThat(FdlParser.parse(FdlWriter.write(definition))).isEqualTo(definition);
    }
}
