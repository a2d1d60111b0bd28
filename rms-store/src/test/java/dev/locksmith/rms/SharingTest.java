package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.rms.fdl.FdlParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** File access and sharing: which opens may coexist (FLK otherwise), and what several openers of one path share. */
class SharingTest {
    @TempDir
    Path dir;
    LockManager manager;
    Path path;

    @BeforeEach
    void create() {
        manager = LockManager.builder().name("sharing").build();
        path = dir.resolve("shared.rms");
        try (RmsFile file = RmsFile.create(path, indexed(30), RmsFile.Options.DEFAULT, writeShared(manager))) {
            file.stream().put(row("A0000001", "first"));
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** One access function with one sharing option: the opens of the matrix. */
    record Open(FileAccess access, FileShare share) {
        Sharing sharing(LockManager manager) {
            return SharedFiles.sharing(EnumSet.of(access), EnumSet.of(share), manager);
        }

        /** RMS's rule: what this opener does must be allowed by what the other lets others do. */
        boolean allowedBy(Open other) {
            boolean otherSharesWriting = other.share.sharesWriting();
            return access == FileAccess.GET ? other.share == FileShare.SHRGET || otherSharesWriting : otherSharesWriting;
        }

        @Override
        public String toString() {
            return access + "/" + share;
        }
    }

    static Stream<Open> opens() {
        List<Open> opens = new ArrayList<>();
        for (FileAccess access : FileAccess.values()) {
            for (FileShare share : List.of(FileShare.NIL, FileShare.SHRGET, FileShare.SHRPUT, FileShare.SHRUPD, FileShare.SHRDEL)) {
                opens.add(new Open(access, share));
            }
        }
        return opens.stream();
    }

    @ParameterizedTest(name = "first opener {0}")
    @MethodSource("opens")
    void aSecondOpenSucceedsExactlyWhenEachOpenersAccessIsSharedByTheOther(Open first) {
        try (RmsFile opened = RmsFile.open(path, RmsFile.Options.DEFAULT, first.sharing(manager))) {
            opens().forEach(second -> {
                boolean compatible = first.allowedBy(second) && second.allowedBy(first);
                if (compatible) {
                    RmsFile.open(path, RmsFile.Options.DEFAULT, second.sharing(manager)).close();
                } else {
                    assertThatThrownBy(() -> RmsFile.open(path, RmsFile.Options.DEFAULT, second.sharing(manager)))
                            .as("%s after %s", second, first)
                            .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FLK));
                }
            });
            assertThat(text(opened.stream().get(0, ascii("A0000001")))).startsWith("A0000001first");
        }
    }

    @Test
    void theFileLockModeFollowsAccessAndSharingAsInRms() {
        Set<FileAccess> read = EnumSet.of(FileAccess.GET);
        Set<FileAccess> write = EnumSet.of(FileAccess.GET, FileAccess.PUT);
        assertThat(sharing(read, Set.of(), manager).fileLockMode()).isEqualTo(LockMode.EX);
        assertThat(sharing(read, EnumSet.of(FileShare.SHRGET), manager).fileLockMode()).isEqualTo(LockMode.PR);
        assertThat(sharing(read, EnumSet.of(FileShare.SHRUPD), manager).fileLockMode()).isEqualTo(LockMode.CR);
        assertThat(sharing(write, EnumSet.of(FileShare.NIL), manager).fileLockMode()).isEqualTo(LockMode.EX);
        assertThat(sharing(write, EnumSet.of(FileShare.SHRGET), manager).fileLockMode()).isEqualTo(LockMode.PW);
        assertThat(sharing(write, EnumSet.of(FileShare.SHRPUT), manager).fileLockMode()).isEqualTo(LockMode.CW);
    }

    @Test
    void aRefusedOpenLeavesTheFirstOpenerWorkingAndHoldsNothing() {
        try (RmsFile first = RmsFile.open(path, RmsFile.Options.DEFAULT, sharing(EnumSet.allOf(FileAccess.class), Set.of(), manager))) {
            assertThatThrownBy(() -> RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(manager)))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FLK));
            assertThat(manager.locks()).hasSize(1);
            first.stream().put(row("A0000002", "second"));
            assertThat(text(first.stream().get(0, ascii("A0000002")))).startsWith("A0000002second");
        }
    }

    @Test
    void openersOfOnePathShareOneStorageSoEachSeesTheOthersChangesAtOnce() {
        try (RmsFile one = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(manager));
             RmsFile two = RmsFile.open(dir.resolve(".").resolve("shared.rms"), RmsFile.Options.DEFAULT, writeShared(manager))) {
            try (RecordStream writer = one.stream()) {
                writer.put(row("A0000002", "second"));
            }
            assertThat(text(two.stream().get(0, ascii("A0000002")))).startsWith("A0000002second");
        }
    }

    @Test
    void closingTheLastOpenerClosesTheStorage() {
        RmsFile one = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(manager));
        RmsFile two = RmsFile.open(path, RmsFile.Options.DEFAULT, writeShared(manager));
        one.close();
        assertThat(text(two.stream().get(0, ascii("A0000001")))).startsWith("A0000001first");
        two.close();
        // MVStore locks its file while open: opening it directly succeeds only once the storage is closed.
        MVStore.open(path.toString()).close();
    }

    @Test
    void aFileOpenedReadOnlySharedOnlyWithReadersMakesNoLockManagerCallPerRead() {
        try (RmsFile file = RmsFile.open(path, RmsFile.Options.DEFAULT,
                sharing(EnumSet.of(FileAccess.GET), EnumSet.of(FileShare.SHRGET), manager))) {
            RecordStream stream = file.stream();
            long before = lockCalls(manager);
            for (int i = 0; i < 100; i++) {
                stream.get(0, ascii("A0000001"));
                stream.rewind();
                stream.next();
            }
            assertThat(lockCalls(manager) - before).isZero();
        }
    }

    @Test
    void theSameFileWithMultistreamTakesRecordLocks() {
        try (RmsFile file = RmsFile.open(path, RmsFile.Options.DEFAULT,
                sharing(EnumSet.of(FileAccess.GET), EnumSet.of(FileShare.SHRGET, FileShare.MSE), manager))) {
            file.stream().get(0, ascii("A0000001"));
            assertThatThrownBy(() -> file.stream().get(0, ascii("A0000001")))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.RLK));
        }
    }

    @Test
    void aFunctionTheOpenerDidNotAskForIsRefusedWithFac() {
        try (RmsFile file = RmsFile.open(path, RmsFile.Options.DEFAULT,
                sharing(EnumSet.of(FileAccess.GET), EnumSet.of(FileShare.SHRGET), manager))) {
            assertThatThrownBy(() -> file.stream().put(row("A0000009", "x")))
                    .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FAC));
        }
    }

    @Test
    void fdlAccessAndSharingSectionsGiveTheOpenersSharing() {
        String fdl = """
                FILE
                    ORGANIZATION indexed
                RECORD
                    SIZE 30
                KEY 0
                    SEG0_POSITION 0
                    SEG0_LENGTH 8
                ACCESS
                    GET yes
                    PUT yes
                    UPDATE yes
                    DELETE no
                    RECORD_IO yes
                SHARING
                    GET yes
                    UPDATE yes
                    MULTISTREAM yes
                """;
        Sharing sharing = FdlParser.parseSharing(fdl).orElseThrow();
        assertThat(sharing.access()).containsExactlyInAnyOrder(FileAccess.GET, FileAccess.PUT, FileAccess.UPD);
        assertThat(sharing.share()).containsExactlyInAnyOrder(FileShare.SHRGET, FileShare.SHRUPD, FileShare.MSE);
        assertThat(sharing.fileLockMode()).isEqualTo(LockMode.CW);
    }

    @Test
    void anUnknownSharingAttributeIsAnFdlError() {
        assertThatThrownBy(() -> FdlParser.parseSharing("FILE\n ORGANIZATION sequential\nRECORD\n SIZE 10\nSHARING\n READERS yes\n"))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.FDL);
                    assertThat(e.getMessage()).contains("line 6").contains("READERS");
                });
    }

    @Test
    void fdlWithoutAccessOrSharingGivesNoSharing() {
        assertThat(FdlParser.parseSharing("FILE\n ORGANIZATION sequential\nRECORD\n SIZE 10\n")).isEmpty();
    }
}
