package dev.locksmith.rms;

import dev.locksmith.lock.LockManager;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the global-buffer tests: a fresh directory and an embedded lock manager per
 * test, and the file the test opened (if any) closed with the manager after it.
 */
abstract class BufferFixture {
    @TempDir
    Path dir;
    LockManager manager;
    RmsFile file;

    @BeforeEach
    void startManager() {
        manager = LockManager.builder().name(getClass().getSimpleName()).build();
    }

    @AfterEach
    void closeFileAndManager() {
        TwoNodes.closeAll(file, manager);
    }
}
