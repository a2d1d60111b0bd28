package dev.locksmith.lock;

import static dev.locksmith.lock.LockFlag.VALBLK;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a lock and its snapshot say of themselves in a log line or a debugger. */
class LockDescriptionTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");

    @Test
    void aGrantedLockNamesItsResourceModeAndOwner() {
        assertThat(lock(a, "STOCK", PR)).hasToString("Lock[STOCK PR owner=a]");
    }

    @Test
    void aConvertingLockShowsBothModes() {
        lock(a, "STOCK", PR);
        Lock converting = lock(b, "STOCK", PR);
        b.convertAsync(converting, LockRequest.conversionTo(EX));
        assertThat(converting).hasToString("Lock[STOCK PR->EX owner=b]");
    }

    @Test
    void aWaitingLockShowsTheModeItWaitsFor() {
        lock(a, "STOCK", EX);
        Lock waiting = b.enqueueAsync(LockRequest.of("STOCK", PR));
        assertThat(waiting).hasToString("Lock[STOCK waiting PR owner=b]");
    }

    @Test
    void lockInfoPrintsTheValueBlockInHexadecimal() {
        Lock writer = lock(a, "STOCK", EX, VALBLK);
        writer.setValueBlock(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, (byte) 0xff});
        convert(a, writer, NL, VALBLK);
        assertThat(writer.info().toString())
                .contains("valueBlock=000102030405060708090a0b0c0d0eff")
                .contains("grantedMode=NL").contains("owner=a").doesNotContain("[B@");
    }
}
