package dev.locksmith.sample.orders;

import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockStatistics;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.ra.AdapterMonitor;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.ra.TransactionRolledBackException;
import dev.locksmith.rms.RecordStore;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.resource.ResourceException;
import jakarta.transaction.RollbackException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The order-entry application's front: places orders (starting a transaction again when it lost
 * to another one), runs rushes of concurrent orders, and gathers what the page shows. It runs
 * outside transactions itself ({@code NOT_SUPPORTED}), so that it can see a transaction fail and
 * start it again. Stateless and thread-safe.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class OrderService {

    /** Attempts an order gets before it is given up (each after a conflict, deadlock or lock timeout). */
    public static final int MAX_ATTEMPTS = 100;
    /** Most orders in one rush. */
    public static final int MAX_RUSH = 500;
    /** Longest hold time a request may ask for. */
    public static final long MAX_HOLD_MILLIS = 5_000;
    /** Largest quantity of one order line. */
    public static final long MAX_QUANTITY = 1_000_000;

    /** Order transactions started again since deployment, across all callers. */
    private static final AtomicLong RESTARTS = new AtomicLong();
    private static final int LOCK_ROWS = 60;
    private static final int RECENT_ORDERS = 15;

    @EJB
    private OrderDesk desk;

    @EJB
    private Inventory inventory;

    @EJB
    private OrderBook book;

    @Resource(lookup = Inventory.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    /**
     * Gives every order of a rush a thread of its own: a pooled executor runs only as many orders
     * at once as the server's pool has core threads, which on a small machine is too few for a
     * rush to be one.
     */
    @Resource
    private ManagedThreadFactory threads;

    /**
     * Places an order in one XA transaction, starting it again while it is rolled back by an
     * optimistic conflict, a deadlock or a lock wait that ran out (at most {@value #MAX_ATTEMPTS} times).
     *
     * @param lines what to order: 1 to 20 lines, each item once, quantities 1 to {@value #MAX_QUANTITY}
     * @param mode the transaction mode
     * @param holdMillis how long the transaction stays open after updating the stock (0 to {@value #MAX_HOLD_MILLIS})
     * @return the order and how often it was restarted
     * @throws OrderRejected BAD_REQUEST for bad arguments (nothing changes), INSUFFICIENT_STOCK or
     *     UNKNOWN_ITEM (the transaction rolled back: nothing changed)
     * @throws EJBException if the order could not be placed for another reason
     */
    public PlacedOrder place(List<OrderLineRequest> lines, TransactionMode mode, long holdMillis) throws OrderRejected {
        check(lines, mode, holdMillis);
        return placeCountingRestarts(lines, mode, holdMillis, new LongAdder());
    }

    /** Places a checked order, adding each restart to {@code restarts}, also when the order is rejected in the end. */
    private PlacedOrder placeCountingRestarts(List<OrderLineRequest> lines, TransactionMode mode, long holdMillis,
            LongAdder restarts) throws OrderRejected {
        for (int attempt = 1; ; attempt++) {
            try {
                return new PlacedOrder(desk.place(lines, mode, holdMillis), attempt - 1);
            } catch (EJBException e) {
                if (!restartable(e) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                RESTARTS.incrementAndGet();
                restarts.increment();
            }
        }
    }

    /**
     * Runs {@code orders} concurrent orders of {@code quantity} units of {@code item}, each in its
     * own transaction, and reports how they ended and what they cost in locking.
     *
     * @param item the hot item
     * @param orders how many orders, 1 to {@value #MAX_RUSH}
     * @param quantity units per order
     * @param mode the transaction mode of every order
     * @param holdMillis how long each order's transaction stays open after updating the stock
     * @return the report
     * @throws OrderRejected BAD_REQUEST for bad arguments, UNKNOWN_ITEM if there is no such item
     */
    public RushReport rush(String item, int orders, long quantity, TransactionMode mode, long holdMillis)
            throws OrderRejected {
        if (orders < 1 || orders > MAX_RUSH) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "orders must be 1 to " + MAX_RUSH + " but was " + orders);
        }
        List<OrderLineRequest> line = List.of(new OrderLineRequest(item, quantity));
        check(line, mode, holdMillis);
        long before = stockOf(item);
        AdapterMonitor monitor = monitor();
        LockStatistics locksBefore = monitor.lockStatistics();
        long start = System.nanoTime();
        CountDownLatch go = new CountDownLatch(1);
        LongAdder restarts = new LongAdder();
        List<FutureTask<PlacedOrder>> placed = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            FutureTask<PlacedOrder> order = new FutureTask<>(() -> {
                go.await();
                return placeCountingRestarts(line, mode, holdMillis, restarts);
            });
            threads.newThread(order).start();
            placed.add(order);
        }
        go.countDown();
        int succeeded = 0;
        int rejected = 0;
        int failed = 0;
        for (FutureTask<PlacedOrder> f : placed) {
            try {
                f.get();
                succeeded++;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof OrderRejected) {
                    rejected++;
                } else {
                    failed++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EJBException("interrupted while waiting for the rush", e);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LockStatistics locksAfter = monitor.lockStatistics();
        return new RushReport(item, mode.name(), orders, succeeded, rejected, failed, restarts.sum(),
                locksAfter.waits() - locksBefore.waits(), locksAfter.deadlockVictims() - locksBefore.deadlockVictims(),
                before, stockOf(item), millis);
    }

    /**
     * Every stock item with the units ordered of it.
     *
     * @return the items in key order
     */
    public List<StockView> stock() {
        return retrying(inventory::all);
    }

    /**
     * The items of one category (read through the stock file's alternate key).
     *
     * @param category the category
     * @return its items
     * @throws OrderRejected BAD_REQUEST for a bad category
     */
    public List<StockView> stockInCategory(String category) throws OrderRejected {
        Inventory.keyOf("category", category);
        return retrying(() -> {
            try {
                return inventory.inCategory(category);
            } catch (OrderRejected e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * One item with the units ordered of it.
     *
     * @param item the item key
     * @return the item, or empty if there is none
     * @throws OrderRejected BAD_REQUEST for a bad key
     */
    public Optional<StockView> item(String item) throws OrderRejected {
        Inventory.keyOf("item", item);
        return retrying(() -> {
            try {
                return inventory.find(item);
            } catch (OrderRejected e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Adds an item to the stock file.
     *
     * @param item the new item
     * @throws OrderRejected ITEM_EXISTS if its key is taken
     */
    public void addItem(StockItem item) throws OrderRejected {
        inventory.add(item);
    }

    /**
     * The newest orders.
     *
     * @param limit how many at most, 1 to 1000
     * @return newest first
     * @throws OrderRejected BAD_REQUEST for a bad limit
     */
    public List<OrderView> orders(int limit) throws OrderRejected {
        if (limit < 1 || limit > 1000) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "limit must be 1 to 1000 but was " + limit);
        }
        return book.recent(limit);
    }

    /**
     * Everything the page shows.
     *
     * @return a snapshot
     */
    public Dashboard dashboard() {
        AdapterMonitor monitor = monitor();
        LockStatistics ls = monitor.lockStatistics();
        RecordStore.Statistics ss = monitor.storeStatistics();
        return new Dashboard(stock(), book.recent(RECENT_ORDERS), lockRows(monitor.lockResources()),
                new Dashboard.LockCounters(ls.newRequests() + ls.conversions(), ls.waits(), ls.deadlockVictims(),
                        ls.timeouts(), ls.resources(), ls.locks()),
                monitor.lockRates().stream()
                        .map(r -> new Dashboard.Rate(r.counter(), r.lastSecond(), r.perSecondLastMinute(), r.activity()))
                        .toList(),
                monitor.hottestTrees(5).stream().map(t -> new Dashboard.Tree(t.rootName(), t.perSecond())).toList(),
                new Dashboard.Transactions(ss.committed(), ss.rolledBack(), RESTARTS.get(), ss.conflicts(),
                        ss.deadlocks(), ss.timedOut(), ss.active(), ss.inDoubt(), book.inDoubt()));
    }

    private long stockOf(String item) throws OrderRejected {
        return item(item).orElseThrow(() -> new OrderRejected(OrderRejected.Reason.UNKNOWN_ITEM, "there is no item " + item))
                .quantity();
    }

    private AdapterMonitor monitor() {
        try {
            return factory.monitor();
        } catch (ResourceException e) {
            throw new EJBException("cannot read the Locksmith adapter: " + e.getMessage(), e);
        }
    }

    /** Runs a read transaction again while it is rolled back because what it read changed meanwhile. */
    private static <T> T retrying(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (EJBException e) {
                if (!restartable(e) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a failed transaction lost to another one and may simply run again: its commit was
     * refused (an optimistic conflict), it was a deadlock victim, or a lock wait ran out.
     */
    static boolean restartable(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof EJBTransactionRolledbackException || t instanceof RollbackException
                    || t instanceof TransactionRolledBackException) {
                return true;
            }
            if (t instanceof RecordException r) {
                switch (r.rmsStatus()) {
                    case CONFLICT, DEADLOCK, TXTIMEOUT, RLK, TMO -> {
                        return true;
                    }
                    default -> { }
                }
            }
            if (t instanceof dev.locksmith.ra.LockFailedException) {
                return true;
            }
        }
        return false;
    }

    private static void check(List<OrderLineRequest> lines, TransactionMode mode, long holdMillis) throws OrderRejected {
        if (mode == null) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "mode must be PESSIMISTIC or OPTIMISTIC");
        }
        if (holdMillis < 0 || holdMillis > MAX_HOLD_MILLIS) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "holdMillis must be 0 to " + MAX_HOLD_MILLIS
                    + " but was " + holdMillis);
        }
        if (lines == null || lines.isEmpty() || lines.size() > 20) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "an order has 1 to 20 lines but this one has "
                    + (lines == null ? 0 : lines.size()));
        }
        Set<String> items = new HashSet<>();
        for (OrderLineRequest l : lines) {
            Inventory.keyOf("item", l.item());
            if (!items.add(l.item())) {
                throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "item " + l.item() + " is on two lines");
            }
            if (l.quantity() < 1 || l.quantity() > MAX_QUANTITY) {
                throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "quantity of " + l.item() + " must be 1 to "
                        + MAX_QUANTITY + " but was " + l.quantity());
            }
        }
    }

    /** Resources with waiters first, then with more locks; at most {@value #LOCK_ROWS}. */
    private static List<Dashboard.LockRow> lockRows(List<ResourceInfo> resources) {
        return resources.stream()
                .sorted(Comparator.comparingInt((ResourceInfo r) -> r.waiting().size() + r.converting().size())
                        .thenComparingInt(r -> r.granted().size()).reversed()
                        .thenComparing(r -> String.join("/", r.path())))
                .limit(LOCK_ROWS)
                .map(r -> new Dashboard.LockRow(resourceName(r.path()),
                        r.granted().stream().map(l -> l.owner() + " " + l.grantedMode()).toList(),
                        r.converting().stream().map(l -> l.owner() + " " + l.grantedMode() + "\u2192" + l.requestedMode()
                                + waited(l)).toList(),
                        r.waiting().stream().map(l -> l.owner() + " \u2192" + l.requestedMode() + waited(l)).toList()))
                .toList();
    }

    private static String waited(LockInfo l) {
        return " (" + l.waitingNanos() / 1_000_000 + " ms)";
    }

    /** An M name {@code ^G(s1,s2)} for name locks, the path from the root otherwise. */
    static String resourceName(List<String> path) {
        if (path.get(0).startsWith("^") && path.size() > 1) {
            return path.get(0) + "(" + String.join(",", path.subList(1, path.size())) + ")";
        }
        return String.join(" / ", path);
    }
}
