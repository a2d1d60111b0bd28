package dev.locksmith.ra.spi;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.TreeActivity;
import dev.locksmith.lock.admin.LockManagerMXBean;
import dev.locksmith.lock.admin.LockManagerMonitor;
import dev.locksmith.ra.AdapterMonitor;
import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.rms.RecordStore;
import java.util.List;

/**
 * The {@link AdapterMonitor} of one resource manager: reads its store and the resource adapter's
 * lock manager and rate sampler directly. Thread-safe (every source is).
 */
final class AdapterMonitorImpl implements AdapterMonitor {

    private final ResourceManager resourceManager;
    private final LockManager lockManager;
    private final LockManagerMonitor rates;

    AdapterMonitorImpl(ResourceManager resourceManager, LockManager lockManager, LockManagerMonitor rates) {
        this.resourceManager = resourceManager;
        this.lockManager = lockManager;
        this.rates = rates;
    }

    @Override
    public List<ResourceInfo> lockResources() {
        return lockManager.resources();
    }

    @Override
    public LockStatistics lockStatistics() {
        return lockManager.statistics();
    }

    @Override
    public List<LockManagerMXBean.Rate> lockRates() {
        return rates.getRates();
    }

    @Override
    public List<TreeActivity> hottestTrees(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1 but was " + n);
        }
        return lockManager.hottestTrees(n);
    }

    @Override
    public RecordStore.Statistics storeStatistics() {
        return resourceManager.store().statistics();
    }

    @Override
    public AdapterStatistics adapterStatistics() {
        return resourceManager.statistics();
    }
}
