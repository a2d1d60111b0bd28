package dev.locksmith.lock;

import static dev.locksmith.lock.LockFlag.VALBLK;
import static dev.locksmith.lock.LockFlag.XVALBLK;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static dev.locksmith.lock.LockMode.PW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lock value blocks: written going down from PW/EX, read on other grants, invalidated by lost writers. */
class ValueBlockTest extends LockManagerTestSupport {
    final LockOwner writer = owner("writer");
    final LockOwner reader = owner("reader");
    final LockOwner keeper = owner("keeper");

    static byte[] bytes(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void aNewResourceHasAZeroValueBlock() {
        Lock l = lock(reader, "R", PR, VALBLK);
        assertThat(l.valueBlock()).isEqualTo(new byte[16]);
        assertThat(l.status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void downConversionFromExWritesTheValueBlock() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 7));
        convert(writer, w, NL, VALBLK);
        assertThat(lock(reader, "R", PR, VALBLK).valueBlock()).isEqualTo(bytes(16, 7));
    }

    @Test
    void conversionFromExToExWritesTheValueBlock() {
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 3));
        convert(writer, w, EX, VALBLK);
        convert(writer, w, NL);
        assertThat(lock(reader, "R", PR, VALBLK).valueBlock()).isEqualTo(bytes(16, 3));
    }

    @Test
    void upConversionReadsTheValueBlockIntoTheLock() {
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 9));
        convert(writer, w, NL, VALBLK);
        Lock r = lock(reader, "R", NL);
        convert(reader, r, PR, VALBLK);
        assertThat(r.valueBlock()).isEqualTo(bytes(16, 9));
    }

    @Test
    void dequeueFromPwWithValblkWritesTheValueBlock() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", PW, VALBLK);
        w.setValueBlock(bytes(16, 5));
        writer.dequeue(w, VALBLK);
        assertThat(lock(reader, "R", PR, VALBLK).valueBlock()).isEqualTo(bytes(16, 5));
    }

    @Test
    void dequeueWithoutValblkLeavesTheValueBlockAlone() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 5));
        writer.dequeue(w);
        assertThat(lock(reader, "R", PR, VALBLK).valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void downConversionFromPrDoesNotWrite() {
        lock(keeper, "R", NL);
        Lock r = lock(reader, "R", PR, VALBLK);
        r.setValueBlock(bytes(16, 1));
        convert(reader, r, NL, VALBLK);
        assertThat(lock(writer, "R", PR, VALBLK).valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void theValueBlockDiesWithItsResource() {
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 4));
        writer.dequeue(w, VALBLK);
        assertThat(lock(reader, "R", PR, VALBLK).valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void abnormalRundownOfAnExHolderMarksTheValueBlockNotValid() {
        lock(keeper, "R", NL);
        lock(writer, "R", EX, VALBLK);
        writer.abort();
        Lock r = lock(reader, "R", PR, VALBLK);
        assertThat(r.status()).isEqualTo(LockStatus.VALNOTVALID);
        assertThat(r.status().isGranted()).isTrue();
        assertThat(manager.resource(Namespace.group(0), List.of("R")).orElseThrow().valueValid()).isFalse();
    }

    @Test
    void theNextWriteMakesTheValueBlockValidAgain() {
        lock(keeper, "R", NL);
        lock(writer, "R", EX, VALBLK);
        writer.abort();
        LockOwner second = owner("second");
        Lock w = lock(second, "R", EX, VALBLK);
        assertThat(w.status()).isEqualTo(LockStatus.VALNOTVALID);
        w.setValueBlock(bytes(16, 8));
        convert(second, w, NL, VALBLK);
        Lock r = lock(reader, "R", PR, VALBLK);
        assertThat(r.status()).isEqualTo(LockStatus.SYNCH);
        assertThat(r.valueBlock()).isEqualTo(bytes(16, 8));
    }

    @Test
    void normalRundownOfAnExHolderKeepsTheValueBlockValid() {
        lock(keeper, "R", NL);
        lock(writer, "R", EX, VALBLK);
        writer.close();
        assertThat(lock(reader, "R", PR, VALBLK).status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void abnormalRundownOfAPrHolderKeepsTheValueBlockValid() {
        lock(keeper, "R", NL);
        lock(writer, "R", PR, VALBLK);
        writer.abort();
        assertThat(lock(reader, "R", PR, VALBLK).status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void extendedValueBlockCarries64Bytes() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, XVALBLK);
        assertThat(w.valueBlock()).hasSize(64);
        w.setValueBlock(bytes(64, 6));
        convert(writer, w, NL, XVALBLK);
        Lock r = lock(reader, "R", PR, XVALBLK);
        assertThat(r.valueBlock()).isEqualTo(bytes(64, 6));
        assertThat(r.status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void extendedReaderAfterAShortWriterGetsXvalnotvalid() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(16, 2));
        convert(writer, w, NL, VALBLK);
        Lock r = lock(reader, "R", PR, XVALBLK);
        assertThat(r.status()).isEqualTo(LockStatus.XVALNOTVALID);
        assertThat(Arrays.copyOf(r.valueBlock(), 16)).isEqualTo(bytes(16, 2));
    }

    @Test
    void shortReaderAfterAnExtendedWriterGetsTheFirst16Bytes() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, XVALBLK);
        byte[] value = bytes(64, 1);
        value[0] = 42;
        w.setValueBlock(value);
        convert(writer, w, NL, XVALBLK);
        Lock r = lock(reader, "R", PR, VALBLK);
        assertThat(r.valueBlock()).isEqualTo(Arrays.copyOf(value, 16));
        assertThat(r.status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void writingAValueOfTheWrongLengthIsRefusedAndChangesNothing() {
        lock(keeper, "R", NL);
        Lock w = lock(writer, "R", EX, VALBLK);
        w.setValueBlock(bytes(64, 1));
        assertThatThrownBy(() -> convert(writer, w, NL, VALBLK))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.IVBUFLEN);
                    assertThat(e.getMessage()).contains("valueBlock").contains("16 bytes");
                });
        assertThat(w.grantedMode()).isEqualTo(EX);
        assertThatThrownBy(() -> writer.dequeue(w, VALBLK)).isInstanceOf(LockException.class);
        assertThat(w.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void stagingAValueOfAnImpossibleLengthIsRefused() {
        Lock w = lock(writer, "R", EX, VALBLK);
        assertThatThrownBy(() -> w.setValueBlock(new byte[10]))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.IVBUFLEN);
                    assertThat(e.getMessage()).contains("value must be 16 or 64 bytes");
                });
        assertThat(w.valueBlock()).isEqualTo(new byte[16]);
    }
}
