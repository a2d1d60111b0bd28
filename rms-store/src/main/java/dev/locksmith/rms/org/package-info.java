/**
 * The three file organizations behind {@link dev.locksmith.rms.RecordStream}: {@link
 * dev.locksmith.rms.org.SequentialOrganization}, {@link
 * dev.locksmith.rms.org.RelativeOrganization} and {@link
 * dev.locksmith.rms.org.IndexedOrganization}, each a {@link
 * dev.locksmith.rms.org.FileOrganization}.
 *
 * <p>Internal to the record store: applications use {@link dev.locksmith.rms.RmsFile} and
 * {@link dev.locksmith.rms.RecordStream} instead.
 */
package dev.locksmith.rms.org;
