package dev.locksmith.lock.names;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tree interlock (seed 003): a name blocks its ancestors and descendants for other processes, not its siblings. */
class NameLockInterlockTest extends NameLockTestSupport {
    final NameLocks a = space.newProcess("a");
    final NameLocks b = space.newProcess("b");

    @Test
    void sameNameIsBlocked() throws Exception {
        a.lock("^D(1)");
        assertThat(canLock(b, "^D(1)")).isFalse();
    }

    @Test
    void ancestorIsBlocked() throws Exception {
        a.lock("^D(1,2)");
        assertThat(canLock(b, "^D(1)")).isFalse();
        assertThat(canLock(b, "^D")).isFalse();
    }

    @Test
    void descendantIsBlocked() throws Exception {
        a.lock("^D(1)");
        assertThat(canLock(b, "^D(1,2)")).isFalse();
        assertThat(canLock(b, "^D(1,2,\"x\")")).isFalse();
    }

    @Test
    void siblingIsNotBlocked() throws Exception {
        a.lock("^D(1)");
        assertThat(canLock(b, "^D(2)")).isTrue();
        assertThat(canLock(b, "^D(2,1)")).isTrue();
    }

    @Test
    void siblingsOfADescendantAreNotBlockedByIt() throws Exception {
        a.lock("^D(1,2)");
        assertThat(canLock(b, "^D(1,3)")).isTrue();
    }

    @Test
    void differentGlobalsAreIndependent() throws Exception {
        a.lock("^D");
        assertThat(canLock(b, "^E")).isTrue();
    }

    @Test
    void localAndGlobalOfTheSameNameAreIndependent() throws Exception {
        a.lock("D(1)");
        assertThat(canLock(b, "^D(1)")).isTrue();
        assertThat(canLock(b, "D(1)")).isFalse();
    }

    @Test
    void aProcessDoesNotBlockItselfOnAncestorAndDescendant() throws Exception {
        a.lockIncrement("^D");
        assertThat(a.lockIncrement(java.time.Duration.ZERO, "^D(1)")).isTrue();
        assertThat(a.levels()).containsKeys(MName.parse("^D"), MName.parse("^D(1)"));
    }

    @Test
    void releasingTheAncestorKeepsTheDescendantInterlocked() throws Exception {
        a.lockIncrement("^D", "^D(1)");
        a.unlock("^D");
        assertThat(canLock(b, "^D")).isFalse();
        assertThat(canLock(b, "^D(1,5)")).isFalse();
        assertThat(canLock(b, "^D(2)")).isTrue();
    }

    @Test
    void releasedNameCanBeTakenByAnotherProcess() throws Exception {
        a.lock("^D(1)");
        a.lock();
        assertThat(canLock(b, "^D")).isTrue();
        assertThat(manager.locks()).isEmpty();
    }

    @Test
    void blockedLockIsGrantedWhenTheHolderReleases() throws Exception {
        a.lock("^D(1)");
        var waiting = inBackground(() -> {
            b.lock("^D");
            return true;
        });
        eventuallySomethingWaits();
        a.lock();
        assertThat(await(waiting)).isTrue();
        assertThat(b.levels()).containsKey(MName.parse("^D"));
    }

    @Test
    void nameLocksAreEngineLocksVisibleToInspection() throws Exception {
        a.lock("^D(1)");
        assertThat(manager.locks()).extracting(l -> MName.writtenFromPath(l.resourcePath()))
                .containsExactlyInAnyOrder("^D", "^D(1)");
        assertThat(space.claims().values()).containsExactly(new NameClaim(MName.parse("^D(1)"), 1, false));
    }
}
