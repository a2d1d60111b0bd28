package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A resource that votes to commit and then halts the JVM inside its own commit: the crash of a
 * transaction manager after every resource is prepared and before any is committed. Narayana
 * keeps it in its log (it is serializable); the copy recovery reads back is disarmed and commits
 * quietly.
 *
 * <p>The sample's WildFly test {@code HaltInCommit} halts the same way but is deliberately
 * <em>not</em> serializable, and the two cannot be one class: here recovery runs in a JVM with
 * this class on its class path, so the logged copy is read back, disarmed, and the transaction's
 * log entry is completed and removed; in WildFly the log is read back by Narayana's server module,
 * which does not see a test deployment's classes, so being serializable would not help there (not
 * tried). The sample harness also sees only the adapter's main classes, not its tests.
 */
final class HaltingXAResource implements XAResource, Serializable {

    private static final long serialVersionUID = 1L;
    /** The exit status of a JVM halted by this resource. */
    static final int HALT_STATUS = 77;

    private final transient boolean armed;

    HaltingXAResource() {
        this.armed = true;
    }

    /**
     * Runs {@code main} with {@code args} in a child JVM on this JVM's class path, its output going
     * to {@code log}, and checks that it ended halted by a resource like this one.
     */
    static void runChildUntilHalted(Path log, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ends").isTrue();
        assertThat(child.exitValue()).as("halted inside commit; its output:%n%s", Files.readString(log)).isEqualTo(HALT_STATUS);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        if (armed) {
            System.out.println("HaltingXAResource: halting inside commit");
            System.out.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void start(Xid xid, int flags) {
        // Nothing to associate.
    }

    @Override
    public void end(Xid xid, int flags) {
        // Nothing to associate.
    }

    @Override
    public void rollback(Xid xid) {
        // Nothing to undo.
    }

    @Override
    public void forget(Xid xid) {
        // Never heuristic.
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return false;
    }
}
