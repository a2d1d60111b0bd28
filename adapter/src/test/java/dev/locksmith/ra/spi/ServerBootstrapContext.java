package dev.locksmith.ra.spi;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Timer;

/**
 * The part of an application server's bootstrap context Locksmith uses: Narayana's transaction
 * synchronization registry, as WildFly hands it to {@code ResourceAdapter.start}. Locksmith has no
 * inbound side and schedules its own timers, so the work manager, XA terminator and timers are
 * refused rather than faked.
 */
final class ServerBootstrapContext implements BootstrapContext {

    private final TransactionSynchronizationRegistry registry = new TransactionSynchronizationRegistryImple();

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return registry;
    }

    @Override
    public WorkManager getWorkManager() {
        throw new UnsupportedOperationException("Locksmith submits no work to the server");
    }

    @Override
    public XATerminator getXATerminator() {
        throw new UnsupportedOperationException("Locksmith imports no transactions");
    }

    @Override
    public Timer createTimer() {
        throw new UnsupportedOperationException("Locksmith schedules its own timeouts");
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
        return false;
    }
}
