package dev.locksmith.lock.admin;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.lock.names.MName;
import dev.locksmith.lock.names.NameClaim;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LKE for one lock manager: SHOW its locks (engine and name locks alike) and CLEAR them.
 *
 * <p>SHOW reads each owner's locks one by one without stopping the manager, so a busy manager
 * may show a lock granted and its waiter already gone; each entry is consistent in itself.
 * CLEAR needs the manager's {@link AdminCapability}; it dequeues locks as an abnormal rundown
 * would, fails cleared waiting requests with {@link LockStatus#CANCELLED} and tells the owners'
 * {@link dev.locksmith.lock.ClearListener}s (a {@link dev.locksmith.lock.names.NameLocks} drops the
 * cleared names). Thread-safe; nothing blocks but on the engine's short internal locks.
 */
public final class LockAdmin {
    private final LockManager manager;
    private final List<LockSpace> spaces;

    /**
     * LKE for {@code manager}, showing LOCK levels and ZALLOCATE for the names of {@code spaces}.
     *
     * @throws LockException BADPARAM if a space belongs to another manager
     */
    public LockAdmin(LockManager manager, List<LockSpace> spaces) {
        if (manager == null) {
            throw new LockException(LockStatus.BADPARAM, "manager must not be null");
        }
        for (LockSpace s : spaces) {
            if (s.manager() != manager) {
                throw new LockException(LockStatus.BADPARAM, "spaces: a lock space of " + s.manager()
                        + " was given for " + manager);
            }
        }
        this.manager = manager;
        this.spaces = List.copyOf(spaces);
    }

    /** The manager inspected. */
    public LockManager manager() {
        return manager;
    }

    /** LKE SHOW: the locks {@code filter} accepts, by name, then owner id, then lock id. */
    public List<LockEntry> show(ShowFilter filter) {
        Map<Long, NameClaim> claims = new HashMap<>();
        spaces.forEach(s -> claims.putAll(s.claims()));
        Map<Long, LockOwner> ownerOfLock = new HashMap<>();
        List<LockInfo> infos = new ArrayList<>();
        for (LockOwner owner : manager.owners()) {
            for (Lock lock : owner.locks()) {
                LockInfo info = lock.info();
                if (info.queue() != null) {
                    ownerOfLock.put(info.id(), owner);
                    infos.add(info);
                }
            }
        }
        List<LockEntry> entries = new ArrayList<>();
        for (LockInfo info : infos) {
            LockOwner owner = ownerOfLock.get(info.id());
            List<LockEntry.Blocker> blockers = new ArrayList<>();
            for (long id : info.blockedBy()) {
                LockOwner o = ownerOfLock.get(id);
                blockers.add(new LockEntry.Blocker(id, o == null ? 0 : o.id(), o == null ? "?" : o.name()));
            }
            NameClaim claim = claims.get(info.id());
            LockEntry entry = new LockEntry(info.id(), owner.id(), owner.name(),
                    MName.writtenFromPath(info.resourcePath()), info.namespace(), info.grantedMode(),
                    info.requestedMode(), info.queue(), claim == null ? 0 : claim.level(),
                    claim != null && claim.zallocated(), info.waitingNanos() / 1_000_000, List.copyOf(blockers));
            if (filter.accepts(entry)) {
                entries.add(entry);
            }
        }
        entries.sort(Comparator.comparing(LockEntry::name).thenComparingLong(LockEntry::ownerId)
                .thenComparingLong(LockEntry::lockId));
        return entries;
    }

    /** LKE CLEAR of one lock (and its sublocks); see {@link LockManager#clearLock}. */
    public int clearLock(AdminCapability capability, long lockId) {
        return manager.clearLock(capability, lockId);
    }

    /** LKE CLEAR -PID: every lock of one owner; see {@link LockManager#clearOwner}. */
    public int clearOwner(AdminCapability capability, long ownerId) {
        return manager.clearOwner(capability, ownerId);
    }

    /**
     * LKE CLEAR -LOCK=name -EXACT: every owner's lock on exactly {@code name} (written as SHOW
     * writes it), with the sublocks under it.
     *
     * @return how many locks were cleared; 0 if none was on that name
     * @throws LockException NOPRIV without the capability; IVRESNAM if {@code name} is null or empty
     */
    public int clearName(AdminCapability capability, String name) {
        AdminCapability.check(capability, manager);
        if (name == null || name.isEmpty()) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null or empty");
        }
        int cleared = 0;
        for (LockEntry e : show(new ShowFilter(name, 0, false))) {
            if (e.name().equals(name)) {
                try {
                    cleared += manager.clearLock(capability, e.lockId());
                } catch (LockException gone) {
                    if (gone.status() != LockStatus.IVLOCKID) {
                        throw gone;
                    }
                }
            }
        }
        return cleared;
    }

    /**
     * SHOW as text, one line per lock: name, owner, mode, state (waiting ones with how long and
     * what they wait for), LOCK level, lock id. An empty list gives one line saying so.
     */
    public static List<String> format(List<LockEntry> entries) {
        if (entries.isEmpty()) {
            return List.of("%LKE-I-NOLOCKS, no locks match");
        }
        int width = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(0));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-" + width + "s  %-16s %-4s %-8s %5s %8s  %s",
                "NAME", "OWNER", "MODE", "STATE", "LEVEL", "LOCK", "WAITING"));
        for (LockEntry e : entries) {
            String state = e.queue().name().toLowerCase(Locale.ROOT);
            String mode = e.isWaiting() ? e.requestedMode().name() : e.grantedMode().name();
            StringBuilder waiting = new StringBuilder();
            if (e.isWaiting()) {
                waiting.append(e.waitedMillis()).append(" ms");
                for (LockEntry.Blocker b : e.blockedBy()) {
                    waiting.append(", blocked by lock ").append(b.lockId())
                            .append(" (").append(b.owner()).append(" #").append(b.ownerId()).append(')');
                }
            }
            String level = e.level() > 0 ? Integer.toString(e.level()) : e.zallocated() ? "Z" : "-";
            if (e.level() > 0 && e.zallocated()) {
                level += "+Z";
            }
            lines.add(String.format(Locale.ROOT, "%-" + width + "s  %-16s %-4s %-8s %5s %8d  %s",
                    e.name(), e.owner() + " #" + e.ownerId(), mode, state, level, e.lockId(), waiting).stripTrailing());
        }
        return lines;
    }
}
