package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The lease watch of {@link LeaseGuard}: when the quorum lease has run out (here it was never
 * held: three expected votes, no answers), the node's grants are cleared once per lapse, and a
 * clear that fails is tried again at the next check instead of ending the watch, which runs as a
 * periodic timer task (one that threw would never run again).
 */
class LeaseGuardTest {
    private final QuorumLease lease = new QuorumLease(Duration.ofMillis(500).toNanos(), 3);
    private final AtomicInteger clears = new AtomicInteger();

    @Test
    void aLapsedLeaseClearsTheGrantsOnce() {
        LeaseGuard guard = guardClearing(() -> {
            clears.incrementAndGet();
            return 1;
        });

        guard.watch();
        guard.watch();

        assertThat(clears).hasValue(1);
    }

    @Test
    void aClearThatFailsIsTriedAgainAtTheNextCheck() {
        LeaseGuard guard = guardClearing(() -> {
            if (clears.incrementAndGet() == 1) {
                throw new LockException(LockStatus.SUBLOCKS, "a sublock came meanwhile");
            }
            return 1;
        });

        assertThatCode(guard::watch).doesNotThrowAnyException();
        guard.watch();

        assertThat(clears).hasValue(2);
    }

    @Test
    void aLeaseRegainedAndLostAgainBetweenTwoChecksClearsTheGrantsAgain() {
        Address self = UUID.randomUUID();
        Address other = UUID.randomUUID();
        lease.view(List.of(self, other, UUID.randomUUID()), self, 1);
        LeaseGuard guard = guardClearing(() -> {
            clears.incrementAndGet();
            return 1;
        });
        guard.watch(); // never held: the first lapse

        // one late answer holds the lease for a moment, long enough to grant, then it runs out
        // again before the next check
        long term = Duration.ofMillis(500).toNanos();
        assertThat(lease.answered(other, System.nanoTime() - term + Duration.ofMillis(200).toNanos(), 1)).isTrue();
        ClusterTestSupport.awaitTrue("the regained lease ran out", () -> !lease.isHeld());
        guard.watch();

        assertThat(clears).hasValue(2);
    }

    private LeaseGuard guardClearing(java.util.function.IntSupplier clearGrants) {
        return new LeaseGuard("n0", lease, null, Runnable::run, () -> false, clearGrants);
    }
}
