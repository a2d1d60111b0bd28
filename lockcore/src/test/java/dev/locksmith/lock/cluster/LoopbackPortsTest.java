package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    /** FD_SOCK2's ports past a transport port in the default stack (tcp.xml: offset 100, port_range 5). */
    private static final int FIRST_DETECTION = 100;
    private static final int DETECTION_PORTS = 6;

    @Test
    void noNodesTransportPortIsAnotherNodesFailureDetectionPort() throws Exception {
        int[] ports = LoopbackPorts.free(5);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
        for (int a : ports) {
            for (int b : ports) {
                assertThat(b - a >= FIRST_DETECTION && b - a < FIRST_DETECTION + DETECTION_PORTS)
                        .as("port %d in the failure-detection range of %d", b, a).isFalse();
            }
        }
    }

    @Test
    void aNegativeCountIsRefusedNamingIt() {
        assertThatThrownBy(() -> LoopbackPorts.free(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n must not be negative, was -1");
    }
}
