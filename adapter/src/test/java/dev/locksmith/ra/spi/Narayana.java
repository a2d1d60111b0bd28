package dev.locksmith.ra.spi;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.RecoveryEnvironmentBean;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.JTAEnvironmentBean;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.List;

/**
 * Narayana standalone, set up for tests before its first transaction: the object store under
 * {@code target/narayana/}, one node identifier that recovery accepts as its own (so a child JVM
 * writing the same store is recoverable here), status manager and recovery bound to 127.0.0.1,
 * and a recovery manager driven by the test ({@code DIRECT_MANAGEMENT} + {@link #scan()}) with
 * only the AtomicAction and XA recovery modules. Configuration is per JVM: the first call wins.
 */
final class Narayana {

    static final String NODE = "locksmith-test";
    private static Path objectStore;
    private static RecoveryManager recovery;

    private Narayana() {
    }

    /** The object store of this JVM's tests: {@code target/narayana/<pid>}. */
    static synchronized Path objectStore() {
        if (objectStore == null) {
            configure(Path.of("target", "narayana", Long.toString(ProcessHandle.current().pid())).toAbsolutePath());
        }
        return objectStore;
    }

    /** Configures Narayana to use {@code store}; must run before the JVM's first transaction. */
    static synchronized void configure(Path store) {
        if (objectStore != null) {
            if (!objectStore.equals(store)) {
                throw new IllegalStateException("Narayana is already configured with " + objectStore);
            }
            return;
        }
        objectStore = store;
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(store.toString());
        for (String name : new String[] {"stateStore", "communicationStore"}) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name).setObjectStoreDir(store.toString());
        }
        try {
            BeanPopulator.getDefaultInstance(CoreEnvironmentBean.class).setNodeIdentifier(NODE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        BeanPopulator.getDefaultInstance(JTAEnvironmentBean.class).setXaRecoveryNodes(List.of(NODE));
        RecoveryEnvironmentBean rec = BeanPopulator.getDefaultInstance(RecoveryEnvironmentBean.class);
        rec.setTransactionStatusManagerAddress("127.0.0.1");
        rec.setRecoveryAddress("127.0.0.1");
        rec.setRecoveryBackoffPeriod(1);
        rec.setRecoveryModuleClassNames(List.of(
                "com.arjuna.ats.internal.arjuna.recovery.AtomicActionRecoveryModule",
                "com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule"));
    }

    /** This JVM's transaction manager, configured first. */
    static TransactionManager transactionManager() {
        objectStore();
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /** The recovery manager, created on first use; scans run only when a test calls {@link #scan()}. */
    static synchronized RecoveryManager recoveryManager() {
        objectStore();
        if (recovery == null) {
            recovery = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        }
        return recovery;
    }

    /** The XA recovery module, where recovery helpers are registered. */
    static XARecoveryModule xaRecovery() {
        return recoveryManager().getModules().stream()
                .filter(XARecoveryModule.class::isInstance).map(XARecoveryModule.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("no XARecoveryModule configured"));
    }

    /** One full recovery pass (both phases of every module). */
    static void scan() {
        recoveryManager().scan();
    }
}
