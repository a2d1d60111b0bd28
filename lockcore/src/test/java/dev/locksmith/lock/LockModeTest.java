package dev.locksmith.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LockModeTest {

    /** Every pair of the VMS compatibility table (row = granted, column = requested). */
    @ParameterizedTest(name = "{0} granted, {1} requested: compatible={2}")
    @CsvSource({
        "NL,NL,true", "NL,CR,true", "NL,CW,true", "NL,PR,true", "NL,PW,true", "NL,EX,true",
        "CR,NL,true", "CR,CR,true", "CR,CW,true", "CR,PR,true", "CR,PW,true", "CR,EX,false",
        "CW,NL,true", "CW,CR,true", "CW,CW,true", "CW,PR,false", "CW,PW,false", "CW,EX,false",
        "PR,NL,true", "PR,CR,true", "PR,CW,false", "PR,PR,true", "PR,PW,false", "PR,EX,false",
        "PW,NL,true", "PW,CR,true", "PW,CW,false", "PW,PR,false", "PW,PW,false", "PW,EX,false",
        "EX,NL,true", "EX,CR,false", "EX,CW,false", "EX,PR,false", "EX,PW,false", "EX,EX,false",
    })
    void compatibilityIsTheVmsTable(LockMode granted, LockMode requested, boolean compatible) {
        assertThat(granted.compatibleWith(requested)).isEqualTo(compatible);
    }

    /** The engine grants exactly what the table allows: a second owner's request is granted at once or refused. */
    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource({
        "NL,EX", "CR,PW", "CR,EX", "CW,CW", "CW,PR", "PR,PR", "PR,CW", "PW,CR", "PW,PR", "EX,NL", "EX,CR",
    })
    void engineFollowsTheTable(LockMode granted, LockMode requested) throws Exception {
        try (LockManager m = LockManager.builder().deadlockWait(java.time.Duration.ZERO).build();
             LockOwner a = m.newOwner("a"); LockOwner b = m.newOwner("b")) {
            a.enqueue("R", granted);
            boolean grantedAtOnce;
            try {
                b.enqueue(LockRequest.of("R", requested).withFlags(LockFlag.NOQUEUE));
                grantedAtOnce = true;
            } catch (LockException e) {
                assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED);
                grantedAtOnce = false;
            }
            assertThat(grantedAtOnce).isEqualTo(granted.compatibleWith(requested));
        }
    }

    @Test
    void parseAcceptsAnyCase() {
        assertThat(LockMode.parse(" pr ", "mode")).isEqualTo(LockMode.PR);
    }

    @Test
    void parseNamesTheArgumentOfAnUnknownMode() {
        assertThatThrownBy(() -> LockMode.parse("XX", "mode"))
                .isInstanceOf(LockException.class)
                .hasMessageContaining("mode 'XX' is not a lock mode")
                .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.IVMODE);
    }
}
