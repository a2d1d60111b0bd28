package dev.locksmith.lock;

/**
 * The activity of one resource tree: requests per second, smoothed as VMS does for remastering (each
 * second {@code act += (new - act) / 8}). This is the figure remastering compares.
 *
 * @param rootName  the name of the tree's root resource
 * @param namespace the tree's namespace
 * @param perSecond the smoothed requests per second
 */
public record TreeActivity(String rootName, Namespace namespace, double perSecond) {
}
