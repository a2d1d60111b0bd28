package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.HoldHistory;
import dev.locksmith.lock.LockOwner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers on every node of a three-node TCP cluster make random requests on a few trees
 * (mastered wherever they were first used) with {@link HoldRecorder}, which records what they
 * certainly held; the {@link HoldHistory} checker proves no two incompatible modes were held at
 * once anywhere.
 * Cross-node deadlocks are broken by the requests' timeouts. In the second test node 2 crashes
 * half-way: its holds count until the moment of the crash, and the survivors go on. In the third
 * node 2 is cut off half-way and its workers go on too: its holds count until their locks are
 * cleared there (its quorum lease ran out), while the majority takes over its trees and locks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterHistoryTest {
    private static final int WORKERS_PER_NODE = 2;

    private enum Fate { NONE, CRASH, CUT }

    private final HoldRecorder recorder = new HoldRecorder();
    /** Counted down when node 2's keeper lock is cleared (its lease ran out after the cut). */
    private final java.util.concurrent.CountDownLatch keeperCleared = new java.util.concurrent.CountDownLatch(1);
    /** When node 2 crashed (nanoTime): its workers' holds count until then. */
    private volatile long crashAt = Long.MAX_VALUE;

    @Test
    void incompatibleLocksAreNeverHeldAtOnceAcrossNodes() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-" + System.nanoTime(), 3, 3)) {
            run(cluster, Fate.NONE, Duration.ofSeconds(3));
        }
        assertThat(recorder.holds()).as("holds").hasSizeGreaterThan(50);
        assertThat(history().incompatibleOverlaps()).isEmpty();
    }

    @Test
    void incompatibleLocksAreNeverHeldAtOnceWhenANodeCrashesMidRun() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-crash-" + System.nanoTime(), 3, 2)) {
            run(cluster, Fate.CRASH, Duration.ofSeconds(3));
        }
        assertThat(recorder.holds()).as("holds").hasSizeGreaterThan(50);
        assertThat(history().incompatibleOverlaps()).isEmpty();
    }

    @Test
    void incompatibleLocksAreNeverHeldAtOnceWhenANodeIsCutOffMidRun() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("history-cut-" + System.nanoTime(), 3, 3)) {
            // long enough for the majority to notice (2 s), wait out the lease and work on
            run(cluster, Fate.CUT, Duration.ofSeconds(7));
        }
        assertThat(keeperCleared.getCount()).as("node 2's locks cleared when cut off").isZero();
        assertThat(recorder.holds()).as("holds").hasSizeGreaterThan(50);
        assertThat(history().incompatibleOverlaps()).isEmpty();
    }

    private void run(ClusterTestSupport cluster, Fate fate, Duration runFor) throws Exception {
        DISCARD cut = new DISCARD();
        cluster.node(2).channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
        long deadline = System.nanoTime() + runFor.toNanos();
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int n = 0; n < 3; n++) {
            for (int w = 0; w < WORKERS_PER_NODE; w++) {
                LockOwner owner = cluster.node(n).newOwner("n" + n + "w" + w);
                workers.add(recorder.start(cluster.node(n), owner, 7 + 10L * n + w, deadline, failure));
            }
        }
        if (fate != Fate.NONE) {
            Thread.sleep(runFor.toMillis() / 2);
            if (fate == Fate.CUT) {
                // a lock node 2 surely holds when it is cut off (its workers may hold none then),
                // which its lapsing lease must clear
                LockOwner keeper = cluster.node(2).newOwner("n2-keeper");
                keeper.addClearListener((o, locks) -> keeperCleared.countDown());
                keeper.enqueue("KEEP", dev.locksmith.lock.LockMode.PR);
                cut.discardAll(true);
                // node 2's workers go on (their requests time out or wait) until the deadline;
                // then its node stops, which ends any request of theirs still waiting
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            crashAt = System.nanoTime();
            cluster.node(2).crashForTest();
        }
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as(() -> cluster.stillRunning(t)).isFalse();
        }
        assertThat(failure.get()).isNull();
    }

    /** The recorded holds, node 2's cut at its crash (its locks are freed from then on). */
    private HoldHistory history() {
        HoldHistory history = new HoldHistory();
        for (HoldRecorder.Hold h : recorder.holds()) {
            long to = h.owner().startsWith("n2") ? Math.min(h.to(), crashAt) : h.to();
            if (h.from() < to) {
                history.record(h.resource(), h.owner(), h.mode(), h.from(), to);
            }
        }
        return history;
    }
}
