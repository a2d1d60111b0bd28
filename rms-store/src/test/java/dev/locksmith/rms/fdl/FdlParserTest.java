package dev.locksmith.rms.fdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeySegment;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import org.junit.jupiter.api.Test;

class FdlParserTest {
    static final String CUSTOMERS = """
            IDENT   "21-NOV-2026 10:00:00   OpenVMS FDL Editor"

            SYSTEM
                    SOURCE                  "OpenVMS"

            FILE
                    NAME                    "CUSTOMERS.DAT"
                    ORGANIZATION            indexed
                    ALLOCATION              1000     ! placement: accepted, no effect

            RECORD
                    CARRIAGE_CONTROL        carriage_return
                    FORMAT                  fixed
                    SIZE                    100

            AREA 0
                    ALLOCATION              800
                    BUCKET_SIZE             4

            KEY 0
                    CHANGES                 no
                    DATA_FILL               80
                    DUPLICATES              no
                    INDEX_FILL              90
                    NAME                    "CUSTOMER_ID"
                    SEG0_LENGTH             16
                    SEG0_POSITION           0
                    TYPE                    string

            KEY 1
                    CHANGES                 yes
                    DUPLICATES              yes
                    NAME                    "REGION_SINCE"
                    SEG0_LENGTH             2
                    SEG0_POSITION           16
                    SEG1_LENGTH             4
                    SEG1_POSITION           20
                    TYPE                    dstring

            KEY 2
                    SEG0_LENGTH             4
                    SEG0_POSITION           24
                    TYPE                    dint4
            """;

    @Test
    void parsesFileRecordAreaAndKeySections() {
        FileDefinition definition = FdlParser.parse(CUSTOMERS);
        assertThat(definition.name()).isEqualTo("CUSTOMERS.DAT");
        assertThat(definition.organization()).isEqualTo(Organization.INDEXED);
        assertThat(definition.format()).isEqualTo(RecordFormat.FIXED);
        assertThat(definition.recordSize()).isEqualTo(100);
        assertThat(definition.bucketSize()).isEqualTo(4);
        KeyDefinition primary = definition.keys().get(0);
        assertThat(primary.name()).isEqualTo("CUSTOMER_ID");
        assertThat(primary.dataFill()).isEqualTo(80);
        assertThat(primary.indexFill()).isEqualTo(90);
        assertThat(primary.segments()).containsExactly(new KeySegment(0, 16));
        KeyDefinition region = definition.keys().get(1);
        assertThat(region.duplicates()).isTrue();
        assertThat(region.changes()).isTrue();
        assertThat(region.descending()).isTrue();
        assertThat(region.segments()).containsExactly(new KeySegment(16, 2), new KeySegment(20, 4));
        assertThat(definition.keys().get(2).type()).isEqualTo(KeyType.INT4);
        assertThat(definition.keys().get(2).descending()).isTrue();
    }

    @Test
    void writerOutputParsesBackToAnEqualDefinition() {
        FileDefinition definition = FdlParser.parse(CUSTOMERS);
        assertThat(FdlParser.parse(FdlWriter.write(definition))).isEqualTo(definition);
    }

    @Test
    void globalBufferCountIsReadAndWrittenBack() {
        FileDefinition definition = FdlParser.parse("FILE\n ORGANIZATION sequential\n GLOBAL_BUFFER_COUNT 200\nRECORD\n SIZE 10\n");
        assertThat(definition.globalBufferCount()).isEqualTo(200);
        assertThat(FdlWriter.write(definition)).contains("GLOBAL_BUFFER_COUNT");
        assertThat(FdlParser.parse(FdlWriter.write(definition))).isEqualTo(definition);
    }

    @Test
    void aGlobalBufferCountOutOfRangeNamesLineAndAttribute() {
        String fdl = "FILE\n ORGANIZATION sequential\n GLOBAL_BUFFER_COUNT 40000\nRECORD\n SIZE 10\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).isInstanceOfSatisfying(RmsException.class, e -> {
            assertThat(e.status()).isEqualTo(RmsStatus.FDL);
            assertThat(e.getMessage()).contains("line 3").contains("GLOBAL_BUFFER_COUNT");
        });
    }

    @Test
    void unknownAttributeNamesLineSectionAndAttribute() {
        String fdl = "FILE\n  ORGANIZATION indexed\nRECORD\n  SIZE 10\n  COLOUR blue\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.FDL);
                    assertThat(e.getMessage()).contains("line 5").contains("RECORD COLOUR");
                });
    }

    @Test
    void badNumberNamesLineAndAttribute() {
        String fdl = "FILE\n ORGANIZATION sequential\nRECORD\n SIZE ten\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl))
                .hasMessageContaining("line 4").hasMessageContaining("RECORD SIZE").hasMessageContaining("'ten'");
    }

    @Test
    void badKeywordNamesTheChoices() {
        String fdl = "FILE\n ORGANIZATION hashed\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl))
                .hasMessageContaining("line 2").hasMessageContaining("FILE ORGANIZATION").hasMessageContaining("INDEXED");
    }

    @Test
    void badKeyTypeNamesLineAndAttribute() {
        String fdl = "FILE\n ORGANIZATION indexed\nRECORD\n SIZE 10\nKEY 0\n SEG0_LENGTH 4\n SEG0_POSITION 0\n TYPE packed\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).hasMessageContaining("line 8").hasMessageContaining("KEY 0 TYPE");
    }

    @Test
    void segmentGapIsRejectedNamingTheKeyLine() {
        String fdl = "FILE\n ORGANIZATION indexed\nRECORD\n SIZE 10\nKEY 0\n SEG0_LENGTH 2\n SEG0_POSITION 0\n"
                + " SEG2_LENGTH 2\n SEG2_POSITION 4\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).hasMessageContaining("line 5").hasMessageContaining("SEG");
    }

    @Test
    void keyBeyondTheRecordIsRejected() {
        String fdl = "FILE\n ORGANIZATION indexed\nRECORD\n SIZE 10\nKEY 0\n SEG0_LENGTH 8\n SEG0_POSITION 4\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.FDL))
                .hasMessageContaining("KEY 0");
    }

    @Test
    void attributeGivenTwiceIsRejected() {
        String fdl = "FILE\n ORGANIZATION indexed\n ORGANIZATION relative\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).hasMessageContaining("line 3").hasMessageContaining("twice");
    }

    @Test
    void differingAreaBucketSizesAreRejected() {
        String fdl = "FILE\n ORGANIZATION sequential\nRECORD\n SIZE 10\nAREA 0\n BUCKET_SIZE 2\nAREA 1\n BUCKET_SIZE 4\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).hasMessageContaining("line 8").hasMessageContaining("one bucket size");
    }

    @Test
    void bucketSizeAbove63IsRejected() {
        String fdl = "FILE\n ORGANIZATION sequential\n BUCKET_SIZE 64\nRECORD\n SIZE 10\n";
        assertThatThrownBy(() -> FdlParser.parse(fdl)).hasMessageContaining("line 3").hasMessageContaining("1..63");
    }

    @Test
    void attributeBeforeAnySectionIsRejected() {
        assertThatThrownBy(() -> FdlParser.parse("SIZE 10\n")).hasMessageContaining("line 1").hasMessageContaining("outside");
    }

    @Test
    void missingRecordSizeIsRejected() {
        assertThatThrownBy(() -> FdlParser.parse("FILE\n ORGANIZATION sequential\n")).hasMessageContaining("SIZE");
    }

    @Test
    void commentsAndCaseAreIgnored() {
        FileDefinition definition = FdlParser.parse("file ! the file\n organization Relative ! rel\nrecord\n size 33\n");
        assertThat(definition.organization()).isEqualTo(Organization.RELATIVE);
        assertThat(definition.recordSize()).isEqualTo(33);
    }
}
