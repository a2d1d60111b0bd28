package dev.locksmith.lock.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A map from lock id to value, for a master's entries of one owner: every request that reaches
 * the master by message or through the general path puts one and removes it (the local path's
 * entries are kept by their copies instead, see {@link MasterTable.Held#listed}), so each
 * operation is one monitor enter on an open-addressed table of primitive keys, where a
 * {@link java.util.concurrent.ConcurrentHashMap} of boxed ids cost two atomic operations, a boxed
 * key and a node per put, and as much again per removal.
 * Lock id 0 is never a key (it means "no parent" on the wire).
 *
 * <p>Thread-safe: every method holds the map's monitor; nothing blocks otherwise. {@link #values}
 * is a snapshot.
 */
final class LockIdMap<V> {
    private static final int MIN_LENGTH = 8;
    private long[] keys = new long[MIN_LENGTH];
    private Object[] values = new Object[MIN_LENGTH];
    private int size;

    /** The value of {@code id}, or null. */
    synchronized V get(long id) {
        int i = find(id);
        return i < 0 ? null : value(i);
    }

    /** Puts {@code value} for {@code id} (replacing any); {@code id} must not be 0. */
    synchronized void put(long id, V value) {
        if (id == 0) {
            throw new IllegalArgumentException("lock id 0 is not a key");
        }
        int i = find(id);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        if (++size * 2 > keys.length) {
            resize(keys.length * 2);
        }
        for (i = slot(id, keys.length); keys[i] != 0; i = (i + 1) & (keys.length - 1)) {
            // linear probing to the first free slot
        }
        keys[i] = id;
        values[i] = value;
    }

    /** Removes and returns the value of {@code id}, or null if it had none. */
    synchronized V remove(long id) {
        int i = find(id);
        if (i < 0) {
            return null;
        }
        V old = value(i);
        delete(i);
        return old;
    }

    /** Removes {@code id} only if its value is {@code value} (the same object); false otherwise. */
    synchronized boolean remove(long id, V value) {
        int i = find(id);
        if (i < 0 || values[i] != value) {
            return false;
        }
        delete(i);
        return true;
    }

    /** The values now held, in no particular order. */
    synchronized List<V> values() {
        List<V> list = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                list.add(value(i));
            }
        }
        return list;
    }

    synchronized int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    private V value(int i) {
        return (V) values[i];
    }

    private static int slot(long id, int length) {
        long h = id * 0x9E3779B97F4A7C15L; // ids are sequential: spread them
        return (int) (h >>> 32) & (length - 1);
    }

    private int find(long id) {
        int mask = keys.length - 1;
        for (int i = slot(id, keys.length); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Empties slot {@code i}, moving later entries of its probe run back so that every one stays findable. */
    private void delete(int i) {
        int mask = keys.length - 1;
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], keys.length);
            // j's entry may fill the hole unless its home lies cyclically in (hole, j]
            boolean homeAfterHole = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeAfterHole) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        if (keys.length > MIN_LENGTH && size * 8 < keys.length) {
            resize(keys.length / 2); // an owner that once held many locks does not keep their table
        }
    }

    /** Rehashes into {@code length} slots (a power of two above twice the size). */
    private void resize(int length) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[length];
        values = new Object[length];
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != 0) {
                int i = slot(oldKeys[k], keys.length);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                values[i] = oldValues[k];
            }
        }
    }

    /** Slots in the table now; for tests. */
    synchronized int capacity() {
        return keys.length;
    }
}
