package dev.locksmith.lock;

/**
 * The right to clear other owners' locks (LKE {@code CLEAR}). Obtained from
 * {@link LockManager#adminCapability()} and accepted only by the manager that issued it, so code
 * can be given the power to clear locks without being given the manager. Immutable, thread-safe;
 * it has no public constructor.
 */
public final class AdminCapability {
    private final LockManager issuer;

    AdminCapability(LockManager issuer) {
        this.issuer = issuer;
    }

    /** Creates a capability for {@code issuer}; for lock manager implementations only. */
    public static AdminCapability issuedBy(LockManager issuer) {
        return new AdminCapability(issuer);
    }

    /**
     * Checks that this capability was issued by {@code manager}.
     *
     * @throws LockException {@link LockStatus#NOPRIV} if {@code capability} is null or another manager's
     */
    public static void check(AdminCapability capability, LockManager manager) {
        if (capability == null || capability.issuer != manager) {
            throw new LockException(LockStatus.NOPRIV, "capability: clearing locks needs the administrative capability of "
                    + manager + (capability == null ? ", none was given" : ", another manager's was given"));
        }
    }

    @Override
    public String toString() {
        return "AdminCapability[" + issuer.name() + "]";
    }
}
