package dev.locksmith.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The once-a-second rates of the MXBean, fed by hand. */
class LkeRateHistoryTest {
    final RateHistory history = new RateHistory(List.of("requests"));

    private LockManagerMXBean.Rate rate() {
        return history.rates().get(0);
    }

    @Test
    void noRateBeforeTheSecondSample() {
        history.add(new long[] {100});
        assertThat(rate()).isEqualTo(new LockManagerMXBean.Rate("requests", 0, 0, 0));
    }

    @Test
    void lastSecondIsTheIncreaseOverTheLastSample() {
        history.add(new long[] {100});
        history.add(new long[] {108});
        history.add(new long[] {130});
        assertThat(rate().lastSecond()).isEqualTo(22);
    }

    @Test
    void activityDecaysAsSeed002Says() {
        history.add(new long[] {0});
        history.add(new long[] {64});
        assertThat(rate().activity()).isEqualTo(8.0);
        history.add(new long[] {64});
        assertThat(rate().activity()).isEqualTo(7.0);
        history.add(new long[] {64 + 15});
        assertThat(rate().activity()).isEqualTo(8.0);
    }

    @Test
    void perSecondLastMinuteAveragesOnlyTheLastSixtySeconds() {
        history.add(new long[] {0});
        history.add(new long[] {6000});
        for (int second = 2; second <= 61; second++) {
            history.add(new long[] {6000 + 10L * (second - 1)});
        }
        assertThat(rate().perSecondLastMinute()).isEqualTo(10.0);
        assertThat(rate().lastSecond()).isEqualTo(10);
    }

    @Test
    void perSecondLastMinuteAveragesFromTheFirstSampleWithinTheFirstMinute() {
        history.add(new long[] {0});
        history.add(new long[] {10});
        history.add(new long[] {30});
        assertThat(rate().perSecondLastMinute()).isEqualTo(15.0);
    }
}
