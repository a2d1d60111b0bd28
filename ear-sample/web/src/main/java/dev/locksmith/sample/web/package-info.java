/**
 * The sample's web module: the order-entry JAX-RS API under {@code /api}
 * ({@link dev.locksmith.sample.web.OrderEntryResource}), the adapter's counters and the plain
 * transaction probes ({@link dev.locksmith.sample.web.SampleServlet}); the page itself is
 * {@code index.html} with {@code app.js}.
 */
package dev.locksmith.sample.web;
