package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;

/**
 * A master table's outcomes as the tests of {@link MasterTable} read them: each grant and failure
 * as text ("granted 2 EX", "failed 2 TIMEOUT") in the order the master reported them, and the
 * trees it reported emptied; a blocking callback runs {@code onBlocking} on the master's callback
 * thread.
 */
final class RecordingReplies implements MasterTable.Replies {
    final List<String> replies = new CopyOnWriteArrayList<>();
    /** The trees the master reported emptied (its last lock gone), in order. */
    final List<TreeKey> emptied = new CopyOnWriteArrayList<>();
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
}
