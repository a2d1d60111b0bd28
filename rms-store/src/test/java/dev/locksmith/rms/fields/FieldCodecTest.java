package dev.locksmith.rms.fields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The byte encodings of every field type, and the refusal of values that do not fit. */
class FieldCodecTest {

    private static byte[] roundTrip(Field field, Object value, Object expected) {
        byte[] record = new byte[field.end()];
        FieldCodec.encode(field, value, record);
        assertThat(FieldCodec.decode(field, record)).isEqualTo(expected);
        return record;
    }

    @Test
    void textIsPaddedWithSpacesAndReadWithoutThem() {
        byte[] record = roundTrip(new Field("NAME", FieldType.TEXT, 0, 6), "ab", "ab");
        assertThat(new String(record, StandardCharsets.ISO_8859_1)).isEqualTo("ab    ");
    }

    @Test
    void signedIntegersAreBigEndianTwosComplement() {
        assertThat(roundTrip(new Field("N", FieldType.INTEGER, 0, 2), -2L, -2L)).containsExactly(0xFF, 0xFE);
        assertThat(roundTrip(new Field("N", FieldType.INTEGER, 0, 1), -128, -128L)).containsExactly(0x80);
        roundTrip(new Field("N", FieldType.INTEGER, 0, 8), Long.MIN_VALUE, Long.MIN_VALUE);
    }

    @Test
    void unsignedIntegersUseTheWholeRange() {
        assertThat(roundTrip(new Field("U", FieldType.UNSIGNED, 0, 4), 4_294_967_295L, 4_294_967_295L)).containsExactly(0xFF, 0xFF, 0xFF, 0xFF);
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        roundTrip(new Field("U", FieldType.UNSIGNED, 0, 8), max, max);
    }

    @Test
    void everyIntegerWidthTakesExactlyItsRangeFromJavaIntegers() {
        byte[] record = new byte[8];
        for (int length : new int[] {1, 2, 4}) {
            Field signed = new Field("N", FieldType.INTEGER, 0, length);
            long max = (1L << (8 * length - 1)) - 1;
            roundTrip(signed, max, max);
            roundTrip(signed, -max - 1, -max - 1);
            assertRefused(signed, max + 1, record, "N");
            assertRefused(signed, -max - 2, record, "N");
            Field unsigned = new Field("U", FieldType.UNSIGNED, 0, length);
            long unsignedMax = (1L << (8 * length)) - 1;
            roundTrip(unsigned, unsignedMax, unsignedMax);
            roundTrip(unsigned, (short) 0, 0L);
            assertRefused(unsigned, unsignedMax + 1, record, "U");
            assertRefused(unsigned, -1, record, "U");
        }
        roundTrip(new Field("N", FieldType.INTEGER, 0, 8), Long.MAX_VALUE, Long.MAX_VALUE);
        roundTrip(new Field("U", FieldType.UNSIGNED, 0, 8), Long.MAX_VALUE, BigInteger.valueOf(Long.MAX_VALUE));
        assertRefused(new Field("U", FieldType.UNSIGNED, 0, 8), -1L, record, "U");
    }

    @Test
    void packedDecimalPutsTwoDigitsInAByteAndTheSignLast() {
        Field amount = new Field("AMOUNT", FieldType.PACKED, 0, 3, 2);
        assertThat(HexFormat.of().formatHex(roundTrip(amount, new BigDecimal("-123.45"), new BigDecimal("-123.45")))).isEqualTo("12345d");
        assertThat(HexFormat.of().formatHex(roundTrip(amount, 7, new BigDecimal("7.00")))).isEqualTo("00700c");
    }

    @Test
    void zonedDecimalOverpunchesANegativeSignOnTheLastDigit() {
        Field amount = new Field("AMOUNT", FieldType.ZONED, 0, 5, 1);
        byte[] record = roundTrip(amount, new BigDecimal("-12.5"), new BigDecimal("-12.5"));
        assertThat(new String(record, StandardCharsets.US_ASCII)).isEqualTo("0012u");
        assertThat(new String(roundTrip(amount, new BigDecimal("3.2"), new BigDecimal("3.2")), StandardCharsets.US_ASCII)).isEqualTo("00032");
    }

    @Test
    void datesAreEightDigitsAndSpacesAreNoDate() {
        Field day = new Field("DAY", FieldType.DATE, 0, 8);
        assertThat(new String(roundTrip(day, LocalDate.of(2026, 12, 5), LocalDate.of(2026, 12, 5)), StandardCharsets.US_ASCII))
                .isEqualTo("20261205");
        roundTrip(day, null, null);
    }

    @Test
    void aShortRecordHasNoValueForAFieldBeyondIt() {
        assertThat(FieldCodec.decode(new Field("LATE", FieldType.TEXT, 10, 4), new byte[12])).isNull();
    }

    @Test
    void valuesThatDoNotFitAreRefusedNamingTheFieldAndLeaveTheRecordAlone() {
        byte[] record = "xxxxxxxx".getBytes(StandardCharsets.US_ASCII);
        assertRefused(new Field("QTY", FieldType.INTEGER, 0, 1), 128, record, "QTY", "-128..127");
        assertRefused(new Field("QTY", FieldType.UNSIGNED, 0, 2), -1, record, "QTY", "0..65535");
        assertRefused(new Field("NAME", FieldType.TEXT, 0, 3), "four", record, "NAME", "holds 3");
        assertRefused(new Field("PRICE", FieldType.PACKED, 0, 2, 1), new BigDecimal("1.25"), record, "PRICE", "1 decimal");
        assertRefused(new Field("PRICE", FieldType.PACKED, 0, 2, 1), new BigDecimal("100"), record, "PRICE", "3 digits");
        assertRefused(new Field("QTY", FieldType.INTEGER, 0, 4), "12", record, "QTY", "whole number");
        assertRefused(new Field("QTY", FieldType.INTEGER, 0, 4), null, record, "QTY", "NULL");
        assertThat(new String(record, StandardCharsets.US_ASCII)).isEqualTo("xxxxxxxx");
    }

    @Test
    void bytesThatAreNoValueOfTheTypeAreReportedNamingTheField() {
        byte[] record = "2023134x".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> FieldCodec.decode(new Field("DAY", FieldType.DATE, 0, 8), record))
                .isInstanceOf(RmsException.class).hasMessageContaining("DAY").hasMessageContaining("2023134x");
        assertThatThrownBy(() -> FieldCodec.decode(new Field("AMOUNT", FieldType.PACKED, 0, 2), new byte[] {0x12, 0x34}))
                .isInstanceOf(RmsException.class).hasMessageContaining("AMOUNT").hasMessageContaining("sign");
    }

    private static void assertRefused(Field field, Object value, byte[] record, String... words) {
        assertThatThrownBy(() -> FieldCodec.encode(field, value, record))
                .isInstanceOfSatisfying(RmsException.class, e -> assertThat(e.status()).isEqualTo(RmsStatus.IAL))
                .hasMessageContainingAll(words);
    }
}
