package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Namespace;

/**
 * A resource tree, named by its root: the unit the directory maps to a master. Immutable.
 *
 * @param namespace the tree's namespace
 * @param rootName  the root resource's name
 */
record TreeKey(Namespace namespace, String rootName) {
    /**
     * Keys are looked up on every request's route: hashed from the root name's cached hash and
     * the namespace's fields, without the record's generic hashing of the namespace record.
     */
    @Override
    public int hashCode() {
        return rootName.hashCode() * 31 + namespace.group() * 7 + namespace.kind().ordinal();
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof TreeKey t && rootName.equals(t.rootName)
                && namespace.kind() == t.namespace.kind() && namespace.group() == t.namespace.group();
    }
}
