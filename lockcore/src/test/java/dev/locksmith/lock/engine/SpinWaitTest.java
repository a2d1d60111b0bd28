package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpinWaitTest {

    @Test
    void aWaitThatHasEndedIsToldAtTheFirstLook() {
        AtomicInteger looks = new AtomicInteger();

        boolean ended = SpinWait.spinUntil(() -> looks.incrementAndGet() > 0);

        assertThat(ended).isTrue();
        assertThat(looks).hasValue(1);
    }

    @Test
    void aWaitThatEndsWhileItsWaiterSpinsIsToldWithoutParking() {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "with one processor a waiter never spins");
        AtomicInteger looks = new AtomicInteger();

        // within the first round of hints, before the clock is read at all: however slowly it runs
        boolean ended = SpinWait.spinUntil(() -> looks.incrementAndGet() >= 10);

        assertThat(ended).isTrue();
        assertThat(looks).hasValue(10);
    }

    @Test
    void aWaitThatDoesNotEndSendsItsWaiterToParkOnceTheBudgetIsSpent() {
        AtomicInteger looks = new AtomicInteger();

        boolean ended = SpinWait.spinUntil(() -> {
            looks.incrementAndGet();
            return false;
        });

        assertThat(ended).isFalse();
        assertThat(looks.get()).isPositive();
    }
}
