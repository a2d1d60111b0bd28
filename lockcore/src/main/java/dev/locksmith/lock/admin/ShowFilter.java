package dev.locksmith.lock.admin;

/**
 * Which locks LKE SHOW reports (GT.M {@code -LOCK}, {@code -PID}, {@code -WAIT}). Immutable.
 *
 * @param namePrefix  only names starting with this text ({@code ^D(1} matches {@code ^D(1)},
 *                    {@code ^D(1,2)} and {@code ^D(12)}); empty for all
 * @param ownerId     only this owner's locks; 0 for every owner
 * @param waitingOnly only locks with a pending request
 */
public record ShowFilter(String namePrefix, long ownerId, boolean waitingOnly) {
    /** Every lock. */
    public static final ShowFilter ALL = new ShowFilter("", 0, false);

    /** Checks the parts: a null prefix is taken as empty. */
    public ShowFilter {
        namePrefix = namePrefix == null ? "" : namePrefix;
    }

    boolean accepts(LockEntry entry) {
        return entry.name().startsWith(namePrefix) && (ownerId == 0 || entry.ownerId() == ownerId)
                && (!waitingOnly || entry.isWaiting());
    }
}
