/**
 * The {@code locksmith} administration command ({@link dev.locksmith.cli.Locksmith}, the main
 * class of {@code cli/target/locksmith.jar}): {@code rms} for record files
 * ({@link dev.locksmith.cli.rms}) and {@code lke} for the locks of a running JVM
 * ({@link dev.locksmith.cli.lke}).
 */
package dev.locksmith.cli;
