/**
 * The sample application's EJBs: {@link dev.locksmith.sample.SampleServiceBean} runs transactions
 * through {@link dev.locksmith.sample.LocksmithWorkBean}, which uses the Locksmith adapter's
 * connection factory inside container-managed transactions.
 */
package dev.locksmith.sample;
