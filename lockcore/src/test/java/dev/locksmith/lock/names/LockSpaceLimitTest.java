package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A full lock space makes LOCK wait or return false, logs once, and never loses locks. */
class LockSpaceLimitTest extends NameLockTestSupport {
    final LockSpace small = new LockSpace(manager, 7, 4);
    final NameLocks a = small.newProcess("a");
    final NameLocks b = small.newProcess("b");
    final List<LogRecord> warnings = new ArrayList<>();
    final Logger julLogger = Logger.getLogger(LockSpace.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel() == Level.WARNING) {
                synchronized (warnings) {
                    warnings.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void stopCapture() {
        julLogger.removeHandler(capture);
    }

    @Test
    void everyNodeOfTheTreeCounts() throws Exception {
        a.lock("^D(1,2)");
        assertThat(small.used()).isEqualTo(3);
        a.lockIncrement("^D(1,3)");
        assertThat(small.used()).isEqualTo(4);
    }

    @Test
    void fullSpaceWithTimeoutReturnsFalseAndKeepsOtherLocks() throws Exception {
        a.lockIncrement("^A", "^B", "^C");
        assertThat(b.lockIncrement(Duration.ZERO, "^E", "^F")).isFalse();
        assertThat(b.lockIncrement(Duration.ofMillis(50), "^E", "^F")).isFalse();
        assertThat(a.levels()).hasSize(3);
        assertThat(small.used()).isEqualTo(3);
    }

    @Test
    void fullSpaceMakesLockWaitUntilNodesAreFreed() throws Exception {
        a.lockIncrement("^A", "^B", "^C", "^D");
        var waiting = inBackground(() -> {
            b.lockIncrement("^E");
            return b.levels().keySet();
        });
        eventuallyWarned(1);
        a.unlock("^A");
        assertThat(await(waiting)).containsExactly(MName.parse("^E"));
    }

    @Test
    void fullnessIsLoggedOnceUntilUseDropsBelowThreeQuarters() throws Exception {
        a.lockIncrement("^A", "^B", "^C", "^D");
        assertThat(b.lockIncrement(Duration.ZERO, "^E")).isFalse();
        assertThat(b.lockIncrement(Duration.ZERO, "^E")).isFalse();
        assertThat(warnings).hasSize(1);
        a.unlock("^A");
        assertThat(b.lockIncrement(Duration.ZERO, "^E")).isTrue();
        assertThat(b.lockIncrement(Duration.ZERO, "^F")).isFalse();
        assertThat(warnings).as("use never dropped below 75%% of 4").hasSize(1);
        a.unlock("^B", "^C");
        assertThat(b.lockIncrement(Duration.ZERO, "^F", "^G")).isTrue();
        assertThat(b.lockIncrement(Duration.ZERO, "^H")).isFalse();
        assertThat(warnings).hasSize(2);
    }

    @Test
    void lockLargerThanTheWholeSpaceIsRefusedWithoutLosingLocks() throws Exception {
        a.lockIncrement("^A");
        assertThatThrownBy(() -> a.lock("^B(1,2,3,4)")).isInstanceOf(LockException.class)
                .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.EXQUOTA);
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^A"));
    }

    private void eventuallyWarned(int count) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        while (true) {
            synchronized (warnings) {
                if (warnings.size() >= count) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("the full space should be logged").isLessThan(end);
            Thread.sleep(2);
        }
    }
}
