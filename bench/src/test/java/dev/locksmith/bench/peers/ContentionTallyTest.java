package dev.locksmith.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Contention.Tally}: one report line per iteration, from the last thread, with per-operation ratios. */
class ContentionTallyTest {

    @Test
    void theLastThreadToEndTheIterationGetsItsLineWithSharesAndRatiosPerOperation() throws Exception {
        try (LockService service = Peer.LOCKSMITH_SUBLOCKS.open()) {
            Contention.Tally tally = new Contention.Tally();
            tally.begin(2, service);
            tally.begin(2, service);

            String first = tally.end(0, 3_000, 1_000_000, 30, 3);
            String last = tally.end(1, 1_000, 1_000_000, 10, 1);

            assertThat(first).isNull();
            assertThat(last).startsWith("[contention] 2 threads, ")
                    .contains("4,000 ops (thread shares 75/25%)", "waits 0.0000 per op", "parks 0.0100 per op",
                            "preemptions 0.0010 per op", "500 ns per op");
        }
    }

    @Test
    void aServiceThatDoesNotCountWaitsAndAnUnknownSwitchCountAreShownAsNotAvailable() throws Exception {
        try (LockService service = Peer.JDK.open()) {
            Contention.Tally tally = new Contention.Tally();
            tally.begin(1, service);

            String line = tally.end(0, 10, 1_000, -1, -1);

            assertThat(line).contains("waits n/a per op", "parks n/a per op", "preemptions n/a per op");
        }
    }

    @Test
    void eachIterationIsCountedAfresh() throws Exception {
        try (LockService service = Peer.JDK.open()) {
            Contention.Tally tally = new Contention.Tally();
            tally.begin(1, service);
            tally.end(0, 100, 1_000, 50, 5);
            tally.begin(1, service);

            String second = tally.end(0, 10, 1_000, 1, 0);

            assertThat(second).contains("10 ops (thread shares 100%)", "parks 0.1000 per op", "preemptions 0.0000 per op");
        }
    }
}
