package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.HoldHistory;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node process paused (SIGSTOP) past its quorum lease and past failure detection, then resumed
 * (SIGCONT), as after a long GC pause or a stopped VM: two nodes in this JVM and the paused one in
 * a child JVM, three votes expected. The majority takes over the paused node's trees; the resumed
 * node must not grant from the trees it mastered before the pause, neither before nor after the
 * views merge, and after the merge each tree has one master. Under random load, the history of
 * holds of all three processes has no incompatible overlap, and every resource's fencing tokens
 * only grow.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPauseTest {
    @Test
    void aMasterResumedAfterAPauseGrantsNothingTheMajorityHoldsAndGivesUpItsTrees() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("pause-" + System.nanoTime(), 2,
                b -> b.expectedVotes(3));
             ChildProcess child = ChildProcess.join(cluster, 3)) {
            child.command("ENQ W NL"); // the child masters W and V
            child.command("ENQ V NL");
            assertThat(child.attempt("MASTERS W")).isEqualTo("MASTERS yes");
            LockOwner majority = cluster.node(0).newOwner("majority");
            Lock w;
            Lock v;
            child.pause();
            try {
                cluster.awaitView(2);
                w = majority.enqueue("W", LockMode.EX);
                v = majority.enqueue("V", LockMode.EX);
            } finally {
                child.resume();
            }

            String resumedAsk = child.attempt("NOQUEUE W EX"); // answered after the merge, at the latest
            cluster.awaitView(3);
            String mergedAsk = child.attempt("NOQUEUE V EX");

            assertThat(resumedAsk).isEqualTo("STATUS NOTQUEUED");
            assertThat(mergedAsk).isEqualTo("STATUS NOTQUEUED");
            assertThat(w.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(v.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(child.attempt("MASTERS W")).as("the resumed node gave W up").isEqualTo("MASTERS no");
            assertThat(cluster.node(0).resource(dev.locksmith.lock.Namespace.group(0), java.util.List.of("W")))
                    .as("node 0 masters W").isPresent();
        }
    }

    @Test
    void underLoadNoIncompatibleHoldsOverlapAndFencingTokensOnlyGrowAcrossThePause() throws Exception {
        HoldRecorder recorder = new HoldRecorder();
        List<String> childLines;
        long pausedAt;
        try (ClusterTestSupport cluster = ClusterTestSupport.startWith("pause-history-" + System.nanoTime(), 2,
                b -> b.expectedVotes(3));
             ChildProcess child = ChildProcess.join(cluster, 3)) {
            child.command("ENQ H0 NL"); // the child masters two of the four trees
            child.command("ENQ H1 NL");
            long runFor = TimeUnit.SECONDS.toNanos(11);
            long deadline = System.nanoTime() + runFor;
            CompletableFuture<List<String>> childWork = CompletableFuture.supplyAsync(() -> {
                try {
                    return child.lines("WORK " + TimeUnit.NANOSECONDS.toMillis(runFor) + " 17");
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                for (int w = 0; w < 2; w++) {
                    LockOwner owner = cluster.node(n).newOwner("n" + n + "w" + w);
                    workers.add(recorder.start(cluster.node(n), owner, 7 + 10L * n + w, deadline, failure));
                }
            }
            Thread.sleep(2_000);
            child.pause();
            pausedAt = System.nanoTime();
            try {
                Thread.sleep(4_000); // past failure detection: the others exclude it and take over its trees
            } finally {
                child.resume();
            }
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as(() -> cluster.stillRunning(t)).isFalse();
            }
            assertThat(failure.get()).isNull();
            childLines = childWork.get(60, TimeUnit.SECONDS);
        }

        assertThat(childLines).noneMatch(l -> l.startsWith("FAILED"));
        List<HoldRecorder.Hold> holds = new ArrayList<>(recorder.holds());
        childLines.stream().filter(l -> l.startsWith("HOLD ")).map(HoldRecorder.Hold::parse).forEach(holds::add);
        assertThat(holds).as("holds of the paused node before its pause")
                .anyMatch(h -> h.owner().startsWith("n2") && h.from() < pausedAt);
        assertThat(holds).as("holds of the others").filteredOn(h -> !h.owner().startsWith("n2")).hasSizeGreaterThan(50);
        // A paused process does nothing: a hold of it whose grant may have come before the pause
        // counts until the pause. What it believes it still holds when it resumes (until its
        // lease watcher clears it) is what fencing tokens are for: the second check.
        HoldHistory history = new HoldHistory();
        for (HoldRecorder.Hold h : holds) {
            long to = h.owner().startsWith("n2") && h.asked() < pausedAt ? Math.min(h.to(), pausedAt) : h.to();
            if (h.from() < to) {
                history.record(h.resource(), h.owner(), h.mode(), h.from(), to);
            }
        }
        assertThat(history.incompatibleOverlaps()).isEmpty();
        assertThat(fencingViolations(holds)).isEmpty();
    }

    /**
     * Per resource: no two owners were granted the same token, and a grant seen before another
     * was even asked for carries the smaller token (so whatever holders write to can refuse an
     * earlier holder, even one that resumed from a pause still believing it holds the lock).
     */
    private static List<String> fencingViolations(List<HoldRecorder.Hold> holds) {
        Map<String, List<HoldRecorder.Hold>> byResource = new HashMap<>();
        holds.forEach(h -> byResource.computeIfAbsent(h.resource(), r -> new ArrayList<>()).add(h));
        List<String> violations = new ArrayList<>();
        for (List<HoldRecorder.Hold> list : byResource.values()) {
            for (HoldRecorder.Hold a : list) {
                for (HoldRecorder.Hold b : list) {
                    if (a.owner().equals(b.owner())) {
                        continue;
                    }
                    if (a.fence() == b.fence()) {
                        violations.add("same token " + token(a.fence()) + ": " + a + " and " + b);
                    } else if (a.seen() < b.asked() && a.fence() > b.fence()) {
                        violations.add("later grant has a lower token (" + token(a.fence()) + " then "
                                + token(b.fence()) + "): " + a + " then " + b);
                    }
                }
            }
        }
        return violations;
    }

    /**
     * A token as the view whose epoch floor it lies above and its number within that epoch
     * ({@link Rebuild#epochFloor}): which view's master gave it shows at once in a report.
     */
    private static String token(long fence) {
        long view = fence >>> Rebuild.FENCE_EPOCH_SHIFT;
        return "view " + view + " #" + (fence - Rebuild.epochFloor(view));
    }
}
