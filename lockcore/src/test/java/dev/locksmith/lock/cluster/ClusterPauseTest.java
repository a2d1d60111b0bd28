package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node process paused (SIGSTOP) past its quorum lease and past failure detection, then resumed
 * (SIGCONT), as after a long GC pause or a stopped VM: two nodes in this JVM and the paused one in
 * a child JVM, three votes expected. The majority takes over the paused node's trees; the resumed
 * node must not grant from the trees it mastered before the pause, neither before nor after the
 * views merge, and after the merge each tree has one master.
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
}
