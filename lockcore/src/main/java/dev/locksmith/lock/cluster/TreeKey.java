package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Namespace;

/**
 * A resource tree, named by its root: the unit the directory maps to a master. Immutable.
 *
 * @param namespace the tree's namespace
 * @param rootName  the root resource's name
 */
record TreeKey(Namespace namespace, String rootName) {
}
