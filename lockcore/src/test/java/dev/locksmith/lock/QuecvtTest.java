package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.CR;
import static dev.locksmith.lock.LockMode.CW;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static dev.locksmith.lock.LockMode.PW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * QUECVT as VMS {@code $ENQ} defines it: allowed only for the conversions in its table of legal
 * QUECVT conversions (granted mode to requested mode: NL to CR, CW, PR, PW, EX; CR to CW, PR, PW,
 * EX; CW to PR, PW, EX; PR to CW, PW, EX; PW to EX; EX to none), any other conversion with QUECVT
 * refused with BADPARAM and nothing changed; a down-conversion never waits.
 */
class QuecvtTest extends LockManagerTestSupport {
    private static final Map<LockMode, Set<LockMode>> LEGAL = Map.of(
            NL, EnumSet.of(CR, CW, PR, PW, EX),
            CR, EnumSet.of(CW, PR, PW, EX),
            CW, EnumSet.of(PR, PW, EX),
            PR, EnumSet.of(CW, PW, EX),
            PW, EnumSet.of(EX),
            EX, EnumSet.noneOf(LockMode.class));

    final LockOwner a = owner("a");
    final LockOwner b = owner("b");

    @Test
    void everyConversionInTheLegalQuecvtTableIsAccepted() {
        for (LockMode from : LockMode.values()) {
            for (LockMode to : LEGAL.get(from)) {
                Lock l = lock(a, "R-" + from + "-" + to, from);
                Lock converted = convert(a, l, to, LockFlag.QUECVT);
                assertThat(converted.grantedMode()).as(from + " to " + to).isEqualTo(to);
            }
        }
    }

    @Test
    void everyConversionOutsideTheLegalQuecvtTableIsRefusedWithBadparamAndChangesNothing() {
        for (LockMode from : LockMode.values()) {
            for (LockMode to : EnumSet.complementOf(EnumSet.copyOf(LEGAL.get(from)))) {
                Lock l = lock(a, "R-" + from + "-" + to, from);
                LockStatus before = l.status();
                long fence = l.fencingToken();
                assertThatThrownBy(() -> convert(a, l, to, LockFlag.QUECVT)).as(from + " to " + to)
                        .isInstanceOfSatisfying(LockException.class, e -> {
                            assertThat(e.status()).isEqualTo(LockStatus.BADPARAM);
                            assertThat(e.getMessage()).contains("QUECVT", from + " to " + to);
                        });
                assertThat(l.grantedMode()).isEqualTo(from);
                assertThat(l.requestedMode()).isEqualTo(from);
                assertThat(l.queue()).contains(LockQueue.GRANTED);
                assertThat(l.status()).isEqualTo(before);
                assertThat(l.fencingToken()).isEqualTo(fence);
            }
        }
    }

    @Test
    void aQuecvtDownConversionBesideAWaitingConversionIsRefusedAndCannotDeadlock() {
        Lock aLock = lock(a, "R", PR);
        Lock bLock = lock(b, "R", PR);
        var aToEx = a.convertAsync(aLock, LockRequest.conversionTo(EX));
        assertThat(aLock.queue()).contains(LockQueue.CONVERTING);
        assertThatThrownBy(() -> convert(b, bLock, NL, LockFlag.QUECVT))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.BADPARAM));
        assertThat(bLock.grantedMode()).isEqualTo(PR);
        assertThat(bLock.queue()).contains(LockQueue.GRANTED);
        assertThat(isDone(aToEx)).isFalse();
    }

    @Test
    void aDownConversionIsGrantedAtOnceEvenWhileConversionsWait() {
        Lock aLock = lock(a, "R", PR);
        Lock bLock = lock(b, "R", PR);
        var aToEx = a.convertAsync(aLock, LockRequest.conversionTo(EX));
        Lock lowered = convert(b, bLock, NL);
        assertThat(lowered.grantedMode()).isEqualTo(NL);
        assertThat(lowered.status()).isEqualTo(LockStatus.SYNCH);
        assertThat(await(aToEx).grantedMode()).isEqualTo(EX);
    }

    @Test
    void aLegalQuecvtConversionQueuesBehindAWaitingConversionThoughCompatible() {
        lock(a, "R", PR);
        Lock first = lock(b, "R", NL);
        LockOwner c = owner("c");
        Lock second = lock(c, "R", NL);
        b.convertAsync(first, LockRequest.conversionTo(EX));
        var queued = c.convertAsync(second, LockRequest.conversionTo(CR).withFlags(LockFlag.QUECVT));
        assertThat(isDone(queued)).isFalse();
        assertThat(second.queue()).contains(LockQueue.CONVERTING);
    }
}
