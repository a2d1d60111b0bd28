package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Namespace;

/**
 * A resource tree, named by its root: the unit the directory maps to a master. Immutable.
 *
 * <p>A class rather than a record so that its hash is computed once: keys are looked up in the
 * route table on every request's route (twice per lock + unlock on the local path), and a key
 * whose hash differs is rejected without comparing its root name.
 */
final class TreeKey {
    private final Namespace namespace;
    private final String rootName;
    private final int hash;

    /**
     * @param namespace the tree's namespace
     * @param rootName  the root resource's name
     */
    TreeKey(Namespace namespace, String rootName) {
        this.namespace = namespace;
        this.rootName = rootName;
        this.hash = rootName.hashCode() * 31 + namespace.group() * 7 + namespace.kind().ordinal();
    }

    /** The tree's namespace. */
    Namespace namespace() {
        return namespace;
    }

    /** The root resource's name. */
    String rootName() {
        return rootName;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof TreeKey t && hash == t.hash && rootName.equals(t.rootName)
                && namespace.kind() == t.namespace.kind() && namespace.group() == t.namespace.group();
    }

    @Override
    public String toString() {
        return "TreeKey[namespace=" + namespace + ", rootName=" + rootName + "]";
    }
}
