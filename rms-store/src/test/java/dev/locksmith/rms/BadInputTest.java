package dev.locksmith.rms;

import static dev.locksmith.rms.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments get a clear status naming the argument, never BUG, and change nothing. */
class BadInputTest {
    @TempDir
    Path dir;
    RmsFile file;
    RecordStream stream;

    @BeforeEach
    void create() {
        file = RmsFile.create(dir.resolve("input.rms"), indexed(30));
        stream = file.stream();
        stream.put(padded("A0000001first", 30));
    }

    @AfterEach
    void close() {
        file.close();
    }

    private static void refused(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RmsException.class, e -> {
            assertThat(e.status()).isEqualTo(RmsStatus.IAL);
            assertThat(e.getMessage()).contains(argument);
        });
    }

    @Test
    void nullArgumentsOfStreamServicesAreIalNamingTheArgument() {
        refused(() -> stream.putAll(null), "records");
        refused(() -> stream.putAll(Arrays.asList(padded("A0000002", 30), null)), "records[1]");
        refused(() -> stream.put(null), "record");
        refused(() -> stream.get(0, null), "key");
        refused(() -> stream.get((Rfa) null), "rfa");
        refused(() -> stream.get(0, ascii("A0000001"), KeyMatch.EQ, null), "recordOptions");
        refused(() -> stream.release(null), "rfa");
        stream.get(0, ascii("A0000001"));
        refused(() -> stream.update(null), "record");
        assertThat(stream.putAll(List.of())).isEmpty();
        assertThat(text(stream.get(0, ascii("A0000001")))).startsWith("A0000001first");
    }

    @Test
    void aNullKeyMatchIsRefusedNotTakenForGe() {
        refused(() -> stream.get(0, ascii("A"), null), "match");
        refused(() -> stream.find(0, ascii("A"), null), "match");
    }

    @Test
    void nullArgumentsOfOpenAndCreateAreIal() {
        refused(() -> RmsFile.open(null), "path");
        refused(() -> RmsFile.open(dir.resolve("x.rms"), null), "options");
        refused(() -> RmsFile.create(dir.resolve("x.rms"), null), "definition");
        refused(() -> file.stream(null), "options");
        refused(() -> file.perform(null, "op", () -> null), "owner");
        assertThat(Files.exists(dir.resolve("x.rms"))).isFalse();
    }

    @Test
    void openingATextFileIsNotAnRmsFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not an RMS file\n".repeat(200));
        assertThatThrownBy(() -> RmsFile.open(text)).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.IFA));
        assertThat(Files.readString(text)).startsWith("this is not an RMS file");
    }

    @Test
    void openingAStoreFileWithoutAPrologIsNotAnRmsFile() {
        Path other = dir.resolve("other.mv");
        org.h2.mvstore.MVStore.open(other.toString()).close();
        assertThatThrownBy(() -> RmsFile.open(other)).isInstanceOfSatisfying(RmsException.class, e -> {
            assertThat(e.status()).isEqualTo(RmsStatus.IFA);
            assertThat(e.getMessage()).contains("not an RMS file");
        });
    }
}
