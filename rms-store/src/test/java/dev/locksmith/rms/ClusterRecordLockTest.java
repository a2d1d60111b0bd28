package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.cluster.ClusterLockManager;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file, two openers in one JVM, each locking through its own node of a two-node
 * {@link ClusterLockManager} on 127.0.0.1: file and record locks conflict across the nodes.
 */
class ClusterRecordLockTest {
    @TempDir
    Path dir;
    ClusterLockManager node0;
    ClusterLockManager node1;
    RmsFile on0;
    RmsFile on1;

    TwoNodes nodes;

    @BeforeEach
    void start() {
        nodes = new TwoNodes();
        node0 = nodes.node0;
        node1 = nodes.node1;
        Path path = dir.resolve("clustered.rms");
        on0 = RmsFile.create(path, indexed(30), RmsFile.Options.DEFAULT, writeShared(node0));
        try (RecordStream loader = on0.stream()) {
            loader.put(row("A0000001", "first"));
        }
        on1 = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(node1));
    }

    @AfterEach
    void stop() {
        TwoNodes.closeAll(on1, on0, nodes);
    }

    @Test
    void aRecordLockedThroughOneNodeIsLockedForStreamsOfTheOther() {
        RecordStream holder = on0.stream();
        holder.get(0, ascii("A0000001"));

        RecordStream other = on1.stream();
        assertThatThrownBy(() -> other.get(0, ascii("A0000001"))).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));

        holder.rewind();
        assertThat(text(other.get(0, ascii("A0000001")))).startsWith("A0000001first");
    }

    @Test
    void aChangeMadeThroughOneNodeIsReadThroughTheOther() {
        RecordStream writer = on1.stream();
        writer.get(0, ascii("A0000001"));
        writer.update(row("A0000001", "changed"));

        // The writer's lock goes with its node's dequeue message to the master: the reader waits for it.
        byte[] read = on0.stream().get(0, ascii("A0000001"), KeyMatch.EQ, RecordOptions.waitSeconds(30));
        assertThat(text(read)).startsWith("A0000001changed");
    }

    @Test
    void anExclusiveOpenThroughOneNodeIsRefusedWithFlkWhileTheOtherHasTheFileOpen() {
        Sharing exclusive = sharing(EnumSet.allOf(FileAccess.class), EnumSet.noneOf(FileShare.class), node1);
        assertThatThrownBy(() -> RmsFile.open(on0.path(), RmsFile.Options.DEFAULT, exclusive))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FLK));
    }
}
