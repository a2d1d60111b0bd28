package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LockIdMapTest {
    @Test
    void findsWhatWasPutAndForgetsWhatWasRemoved() {
        LockIdMap<String> map = new LockIdMap<>();
        map.put(7, "seven");
        map.put(8, "eight");

        assertThat(map.get(7)).isEqualTo("seven");
        assertThat(map.remove(7)).isEqualTo("seven");
        assertThat(map.get(7)).isNull();
        assertThat(map.get(8)).isEqualTo("eight");
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void removesByValueOnlyTheSameObject() {
        LockIdMap<String> map = new LockIdMap<>();
        String value = new String("v");
        map.put(3, value);

        assertThat(map.remove(3, new String("v"))).isFalse();
        assertThat(map.get(3)).isSameAs(value);
        assertThat(map.remove(3, value)).isTrue();
        assertThat(map.get(3)).isNull();
    }

    @Test
    void refusesLockIdZero() {
        assertThatThrownBy(() -> new LockIdMap<String>().put(0, "none")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agreesWithAHashMapThroughGrowthAndManyRemovals() {
        LockIdMap<Long> map = new LockIdMap<>();
        Map<Long, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < 200_000; i++) {
            long id = 1 + random.nextInt(5_000);
            if (random.nextBoolean()) {
                map.put(id, id * 2);
                expected.put(id, id * 2);
            } else {
                assertThat(map.remove(id)).isEqualTo(expected.remove(id));
            }
        }
        assertThat(map.size()).isEqualTo(expected.size());
        for (long id = 1; id <= 5_000; id++) {
            assertThat(map.get(id)).isEqualTo(expected.get(id));
        }
        assertThat(map.values()).containsExactlyInAnyOrderElementsOf(expected.values());
    }

    @Test
    void givesItsTableBackOnceMostEntriesAreRemoved() {
        LockIdMap<Long> map = new LockIdMap<>();
        for (long id = 1; id <= 100_000; id++) {
            map.put(id, id);
        }
        for (long id = 1; id <= 99_990; id++) {
            map.remove(id);
        }

        assertThat(map.capacity()).isLessThanOrEqualTo(128);
        for (long id = 99_991; id <= 100_000; id++) {
            assertThat(map.get(id)).isEqualTo(id);
        }
    }
}
