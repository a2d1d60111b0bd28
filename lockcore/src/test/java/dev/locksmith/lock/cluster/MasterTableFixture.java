package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Namespace;
import java.time.Duration;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * A {@link MasterTable} on its own, as its tests drive it: two requesting nodes with an owner
 * each, one tree, and the master's outcomes recorded as text ({@link RecordingReplies}). A
 * blocking callback runs {@link #onBlocking} on the master's callback thread.
 */
abstract class MasterTableFixture {
    static final long NO_TIMEOUT = -1;
    final RecordingReplies recorded = new RecordingReplies(this::onBlocking);
    final List<String> replies = recorded.replies;
    final List<TreeKey> emptied = recorded.emptied;
    final MasterTable master = new MasterTable("t", Duration.ZERO, recorded);
    final Address nodeA = UUID.randomUUID();
    final Address nodeB = UUID.randomUUID();
    final MasterTable.OwnerRef ownerA = new MasterTable.OwnerRef(1, 0, 0, "a");
    final MasterTable.OwnerRef ownerB = new MasterTable.OwnerRef(2, 0, 0, "b");
    final TreeKey tree = new TreeKey(Namespace.group(0), "T");

    /** What a blocking callback does; nothing unless a test says otherwise. */
    void onBlocking() {
    }

    @AfterEach
    void discardMaster() {
        master.discard();
    }
}
