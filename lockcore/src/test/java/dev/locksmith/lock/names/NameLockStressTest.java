package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Three processes on real threads run random waiting {@code LOCK +} commands over one small name
 * tree at once: whatever the interleaving, no two processes ever own interlocking names, every
 * command ends (granted, or DEADLOCK when the engine breaks a real cycle) and nothing stays held.
 * Bounded by a fixed number of commands per process; nothing is timed.
 */
class NameLockStressTest extends NameLockTestSupport {
    private static final int COMMANDS = 100;
    private static final String[] NAMES = {"^S", "^S(1)", "^S(2)", "^S(1,1)", "^S(1,2)", "^S(2,1)", "^T", "^T(1)"};

    /** Who owns each name now, as the processes themselves record it while they hold it. */
    private final Map<MName, String> owners = new ConcurrentHashMap<>();

    @Test
    void processesNeverOwnInterlockingNamesAtOnce() throws Exception {
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            NameLocks process = space.newProcess("s" + i);
            long seed = 18L * (i + 1);
            runs.add(inBackground(() -> run(process, new Random(seed))));
        }
        int granted = 0;
        for (CompletableFuture<Integer> r : runs) {
            granted += await(r);
        }
        assertThat(granted).as("commands granted").isGreaterThan(COMMANDS);
        assertThat(manager.locks()).isEmpty();
        assertThat(space.used()).isZero();
    }

    /** Runs the commands; returns how many were granted. */
    private int run(NameLocks process, Random random) throws InterruptedException {
        String me = process.owner().name();
        int granted = 0;
        for (int i = 0; i < COMMANDS; i++) {
            String[] names = {NAMES[random.nextInt(NAMES.length)], NAMES[random.nextInt(NAMES.length)]};
            try {
                process.lockIncrement(names);
            } catch (LockException e) {
                assertThat(e.status()).isEqualTo(LockStatus.DEADLOCK);
                assertThat(e.deadlock()).isPresent();
                continue;
            }
            granted++;
            for (MName n : process.levels().keySet()) {
                for (Map.Entry<MName, String> other : owners.entrySet()) {
                    if (!other.getValue().equals(me) && (n.isPrefixOf(other.getKey()) || other.getKey().isPrefixOf(n))) {
                        throw new AssertionError(me + " owns " + n + " while " + other.getValue() + " owns " + other.getKey());
                    }
                }
                owners.put(n, me);
            }
            if (random.nextBoolean()) {
                process.levels().keySet().forEach(n -> owners.remove(n, me));
                process.lock();
            }
        }
        process.levels().keySet().forEach(n -> owners.remove(n, me));
        process.close();
        return granted;
    }
}
