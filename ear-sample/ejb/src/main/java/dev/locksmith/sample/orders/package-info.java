/**
 * The order-entry application: stock in the indexed RMS file {@code stock.rms} of the Locksmith
 * store (created from {@code stock.fdl} and seeded by {@link dev.locksmith.sample.orders.StockSeeder}),
 * orders in H2 through JPA on the EAR's XA datasource. {@link dev.locksmith.sample.orders.OrderService}
 * is the front the web module calls: it places orders through
 * {@link dev.locksmith.sample.orders.OrderDesk} (one XA transaction over both stores, started again
 * after an optimistic conflict or a deadlock), runs rushes, and gathers the page's dashboard from
 * {@link dev.locksmith.sample.orders.Inventory}, {@link dev.locksmith.sample.orders.OrderBook} and
 * the adapter's {@link dev.locksmith.ra.AdapterMonitor}.
 */
package dev.locksmith.sample.orders;
