package dev.locksmith.rms.fields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsFile;
import dev.locksmith.rms.RmsStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record definitions: the text form, the rules against the file and its keys, and keeping one with the file. */
class RecordDefinitionTest {
    static final FileDefinition ACCOUNTS = FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED).recordSize(48)
            .key(KeyDefinition.builder(0).type(KeyType.INT8).segment(0, 8).build())
            .key(KeyDefinition.builder(1).segment(8, 20).duplicates(true).changes(true).build())
            .build();
    static final String ACCOUNT_FIELDS = "ID INTEGER 0 8; OWNER TEXT 8 20; BALANCE PACKED 28 8 2 # cents\nOPENED DATE 36 8";

    @TempDir
    Path dir;

    @Test
    void theTextFormReadsBackToAnEqualDefinition() {
        RecordDefinition parsed = RecordDefinition.parse(ACCOUNT_FIELDS, ACCOUNTS);
        assertThat(parsed.fields()).containsExactly(new Field("ID", FieldType.INTEGER, 0, 8), new Field("OWNER", FieldType.TEXT, 8, 20),
                new Field("BALANCE", FieldType.PACKED, 28, 8, 2), new Field("OPENED", FieldType.DATE, 36, 8));
        assertThat(RecordDefinition.parse(parsed.format(), ACCOUNTS)).isEqualTo(parsed);
    }

    @Test
    void keysAreMappedToTheFieldsOnTheirSegments() {
        RecordDefinition parsed = RecordDefinition.parse(ACCOUNT_FIELDS, ACCOUNTS);
        assertThat(parsed.keyFields(0)).extracting(Field::name).containsExactly("ID");
        assertThat(parsed.keyFields(1)).extracting(Field::name).containsExactly("OWNER");
        assertThat(parsed.rangeOrdered(0)).isTrue();
    }

    @Test
    void anAlternateKeyWithoutFieldsIsUnmapped() {
        RecordDefinition parsed = RecordDefinition.parse("ID INTEGER 0 8", ACCOUNTS);
        assertThat(parsed.keyFields(1)).isEmpty();
    }

    @Test
    void recordsEncodeAndDecodeThroughEveryField() {
        RecordDefinition parsed = RecordDefinition.parse(ACCOUNT_FIELDS, ACCOUNTS);
        Object[] values = {7L, "Ada", new BigDecimal("12.50"), LocalDate.of(2026, 1, 2)};
        byte[] record = parsed.encode(values, 48);
        assertThat(parsed.decode(record)).containsExactly(values);
        assertThat(parsed.keyValue(0, List.of(7L))).containsExactly(0, 0, 0, 0, 0, 0, 0, 7);
    }

    @Test
    void badDefinitionsAreRefusedNamingTheField() {
        assertBad("ID INTEGER 0 8; NAME TEXT 40 9", "NAME", "beyond the record size 48");
        assertBad("ID INTEGER 0 8; NAME TEXT 8 20; ALIAS TEXT 20 4", "ALIAS", "overlaps field NAME");
        assertBad("ID INTEGER 0 8; PART TEXT 8 10", "PART", "key 1 segment 0", "not exactly that segment");
        assertBad("ID INTEGER 0 4; REST INTEGER 4 4", "ID", "key 0 segment 0");
        assertBad("ID UNSIGNED 0 8", "ID", "INT8", "must be INTEGER");
        assertBad("ID INTEGER 0 8; OWNER VARCHAR 8 20", "OWNER", "unknown type VARCHAR");
        assertBad("ID INTEGER 0 8; COUNT INTEGER 8 3", "COUNT", "1, 2, 4 or 8 bytes");
        assertBad("ID INTEGER 0 8; id TEXT 30 2", "id", "defined twice");
        assertBad("ID INTEGER 0 8; AMOUNT PACKED 30 2 4", "AMOUNT", "scale 4");
        assertBad("OWNER TEXT 8 20", "key 0 segment 0", "primary key");
        assertBad("ID INTEGER zero 8", "ID", "offset 'zero'");
        assertBad("", "at least one field");
    }

    @Test
    void aFileKeepsItsRecordDefinitionAcrossReopening() {
        Path path = dir.resolve("accounts.rms");
        RecordDefinition parsed = RecordDefinition.parse(ACCOUNT_FIELDS, ACCOUNTS);
        try (RmsFile file = RmsFile.create(path, ACCOUNTS)) {
            assertThat(file.recordDefinition()).isEmpty();
            file.defineRecords(parsed);
            assertThat(file.recordDefinition()).contains(parsed);
        }
        try (RmsFile file = RmsFile.open(path)) {
            assertThat(file.recordDefinition()).contains(parsed);
            assertThat(file.definition()).isEqualTo(ACCOUNTS);
        }
    }

    @Test
    void theRecordDefinitionAndTheGlobalBufferCountShareTheProlog() {
        Path path = dir.resolve("accounts.rms");
        RecordDefinition parsed = RecordDefinition.parse(ACCOUNT_FIELDS, ACCOUNTS);
        try (RmsFile file = RmsFile.create(path, ACCOUNTS)) {
            file.setGlobalBufferCount(12);
            file.defineRecords(parsed);
        }
        try (RmsFile file = RmsFile.open(path)) {
            assertThat(file.recordDefinition()).contains(parsed);
            assertThat(file.definition().globalBufferCount()).isEqualTo(12);
            file.setGlobalBufferCount(7);
        }
        try (RmsFile file = RmsFile.open(path)) {
            assertThat(file.recordDefinition()).contains(parsed);
            assertThat(file.definition().globalBufferCount()).isEqualTo(7);
        }
    }

    @Test
    void aDefinitionThatDoesNotFitTheFileIsRefusedAndTheOldOneKept() {
        Path path = dir.resolve("accounts.rms");
        FileDefinition wider = FileDefinition.builder(Organization.INDEXED).recordSize(100)
                .key(KeyDefinition.builder(0).type(KeyType.INT8).segment(0, 8).build()).build();
        RecordDefinition tooWide = RecordDefinition.parse("ID INTEGER 0 8; NOTE TEXT 8 90", wider);
        try (RmsFile file = RmsFile.create(path, ACCOUNTS)) {
            file.defineRecords(RecordDefinition.parse("ID INTEGER 0 8", ACCOUNTS));
            assertThatThrownBy(() -> file.defineRecords(tooWide)).isInstanceOf(RmsException.class).hasMessageContaining("NOTE");
        }
        try (RmsFile file = RmsFile.open(path)) {
            assertThat(file.recordDefinition().orElseThrow().fields()).extracting(Field::name).containsExactly("ID");
        }
    }

    private static void assertBad(String text, String... words) {
        assertThatThrownBy(() -> RecordDefinition.parse(text, ACCOUNTS))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FDL))
                .hasMessageContainingAll(words);
    }
}
