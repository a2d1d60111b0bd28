package dev.locksmith.lock;

/**
 * Where a root resource name is looked up. Sublocks live in their parent's namespace.
 *
 * @param kind  the kind of namespace
 * @param group the owner group for {@link Kind#GROUP}, otherwise 0
 */
public record Namespace(Kind kind, int group) {
    /** The kinds of namespace. */
    public enum Kind {
        /** Shared by owners of the same group (the default). */
        GROUP,
        /** Shared by every owner on every node ({@link LockFlag#SYSTEM}). */
        SYSTEM,
        /** Shared by owners on this node only; never sent to another node ({@link LockFlag#LOCAL}). */
        LOCAL
    }

    /** The system-wide namespace. */
    public static final Namespace SYSTEM = new Namespace(Kind.SYSTEM, 0);
    /** The node-local namespace. */
    public static final Namespace LOCAL = new Namespace(Kind.LOCAL, 0);

    /** A group namespace. */
    public static Namespace group(int group) {
        return new Namespace(Kind.GROUP, group);
    }

    @Override
    public String toString() {
        return kind == Kind.GROUP ? "GROUP " + group : kind.name();
    }
}
