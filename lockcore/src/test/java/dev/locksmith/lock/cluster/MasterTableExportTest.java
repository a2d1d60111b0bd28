package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master exporting a tree (remastering) while a request of it has just ended in its engine,
 * its outcome not yet reported (the engine reports on its callback thread): the request either
 * goes to the new master still pending and is answered there, or goes ended and is answered
 * here, never neither (its owner would wait for ever) and never both.
 */
class MasterTableExportTest extends MasterTableFixture {
    /** Holds the master's callback thread in the first blocking callback until counted down. */
    private final CountDownLatch callbacksGo = new CountDownLatch(1);

    @AfterEach
    void releaseCallbacks() {
        callbacksGo.countDown();
    }

    @Test
    void aConversionThatTimedOutJustBeforeTheExportIsStillAnsweredByTheOldMaster() {
        master.enqueue(nodeA, ownerA, 1, 0, LockMode.EX, 0, NO_TIMEOUT, true, "T", tree);
        master.enqueue(nodeB, ownerB, 2, 0, LockMode.NL, 0, NO_TIMEOUT, false, "T", tree);
        ClusterTestSupport.awaitTrue("both granted", () -> replies.size() == 2);
        // blocked by lock 1, whose blocking callback then holds the callback thread; the
        // conversion times out in the engine, its outcome queued behind that callback
        master.convert(nodeB, 2, 2, 1, LockMode.EX, 0, TimeUnit.MILLISECONDS.toNanos(50), false, new byte[0]);
        ClusterTestSupport.awaitTrue("the conversion ended in the engine", () -> !anyConverting());

        MasterTable.Resend exported = master.exportAndDrop(tree).entries().stream()
                .filter(e -> e.lockId() == 2).findFirst().orElseThrow();
        callbacksGo.countDown();

        assertThat(exported.queue()).as("exported as it is now").isEqualTo(LockQueue.GRANTED);
        assertThat(exported.granted()).isEqualTo(LockMode.NL);
        ClusterTestSupport.awaitTrue("the old master answered the conversion", () -> replies.contains("failed 2 TIMEOUT"));
    }

    @Override
    void onBlocking() {
        try {
            callbacksGo.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the master's engine shows a conversion under way. */
    private boolean anyConverting() {
        return master.engine().resources().stream().anyMatch(r -> !r.converting().isEmpty());
    }
}
