package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jgroups.Address;

/**
 * A master table's outcomes as the tests of {@link MasterTable} read them: each grant and failure
 * as text ("granted 2 EX", "failed 2 TIMEOUT") in the order the master reported them, and the
 * trees it reported emptied; a blocking callback runs {@code onBlocking} on the master's callback
 * thread. The entries made for requests that came with a copy are kept by that copy, as a node's
 * own copies keep theirs ({@link #ownEntries}; a test takes one out as its copy would leave).
 */
final class RecordingReplies implements MasterTable.Replies {
    final List<String> replies = new CopyOnWriteArrayList<>();
    /** The trees the master reported emptied (its last lock gone), in order. */
    final List<TreeKey> emptied = new CopyOnWriteArrayList<>();
    /** The entries the copies keep, by copy. */
    final Map<Object, MasterTable.Held> ownEntries = new ConcurrentHashMap<>();
    private final Runnable onBlocking;

    RecordingReplies(Runnable onBlocking) {
        this.onBlocking = onBlocking;
    }

    @Override
    public void granted(Address origin, long lockId, Object copy, int request, LockMode mode, LockStatus status,
                        long fence, byte[] value) {
        replies.add("granted " + lockId + " " + mode);
    }

    @Override
    public void failed(Address origin, long lockId, Object copy, int request, LockStatus status, String message,
                       dev.locksmith.lock.DeadlockReport report) {
        replies.add("failed " + lockId + " " + status);
    }

    @Override
    public void treeEmptied(TreeKey tree) {
        emptied.add(tree);
    }

    @Override
    public void blocking(Address origin, long lockId, Object copy, LockMode blockedMode) {
        onBlocking.run();
    }

    @Override
    public void entryMade(Object copy, MasterTable.Held entry) {
        ownEntries.put(copy, entry);
    }

    @Override
    public void forEachOwnEntry(Consumer<MasterTable.Held> action) {
        ownEntries.values().forEach(action);
    }

    @Override
    public MasterTable.Held ownEntry(Address origin, long ownerId, long lockId, Object copy) {
        return copy != null ? ownEntries.get(copy)
                : ownEntries.values().stream().filter(h -> h.lockId == lockId).findFirst().orElse(null);
    }
}
