package dev.locksmith.sample.web;

import dev.locksmith.ra.TransactionMode;
import dev.locksmith.sample.orders.CategoryTotal;
import dev.locksmith.sample.orders.Dashboard;
import dev.locksmith.sample.orders.OrderLineRequest;
import dev.locksmith.sample.orders.OrderRejected;
import dev.locksmith.sample.orders.OrderService;
import dev.locksmith.sample.orders.OrderView;
import dev.locksmith.sample.orders.PlacedOrder;
import dev.locksmith.sample.orders.RushReport;
import dev.locksmith.sample.orders.StockItem;
import dev.locksmith.sample.orders.StockReport;
import dev.locksmith.sample.orders.StockView;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The order-entry API, JSON out, HTML form parameters in:
 * <ul>
 *   <li>{@code GET api/stock[?category=c]} — the stock (of one category, through the alternate key),
 *       each item with the units ordered of it; {@code GET api/stock/{item}} — one item (404 if none);
 *   <li>{@code POST api/stock} ({@code item, category, quantity, price, description}) — a new item
 *       (201; 409 if the key is taken);
 *   <li>{@code POST api/orders} ({@code item} and {@code quantity} once per line, {@code mode}
 *       PESSIMISTIC or OPTIMISTIC, {@code holdMillis}) — place an order in one XA transaction (201
 *       with the order and its restarts; 409 insufficient stock; 404 unknown item);
 *   <li>{@code GET api/orders?limit=n} — the newest orders;
 *   <li>{@code GET api/categories} — units and stock value per category, summed up by SQL through
 *       the RAR's DataSource; {@code POST api/restock} ({@code category, units}) — one SQL
 *       {@code UPDATE} adding units to each item of a category (negative writes off; 409, and
 *       nothing changes, if an item would fall below zero; 404 for a category without items);
 *   <li>{@code POST api/rush} ({@code item, orders, quantity, mode, holdMillis}) — that many
 *       concurrent orders on one item, answering the {@link RushReport};
 *   <li>{@code GET api/dashboard} — everything the page shows.
 * </ul>
 * Bad input answers 400 with {@code {"error": "..."}} naming the argument, and changes nothing.
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class OrderEntryResource {

    @EJB
    private OrderService orders;

    @EJB
    private StockReport report;

    /**
     * The stock.
     *
     * @param category only this category, if given
     * @return the items
     * @throws OrderRejected for a bad category
     */
    @GET
    @Path("stock")
    public List<StockView> stock(@QueryParam("category") String category) throws OrderRejected {
        return category == null ? orders.stock() : orders.stockInCategory(category);
    }

    /**
     * One item.
     *
     * @param item the item key
     * @return 200 with the item, 404 if there is none
     * @throws OrderRejected for a bad key
     */
    @GET
    @Path("stock/{item}")
    public Response item(@PathParam("item") String item) throws OrderRejected {
        return orders.item(item).map(v -> Response.ok(v).build())
                .orElseGet(() -> Errors.response(Response.Status.NOT_FOUND, "there is no item " + item));
    }

    /**
     * Adds an item.
     *
     * @return 201 with the item
     * @throws OrderRejected if the key is taken or an argument is bad
     */
    @POST
    @Path("stock")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addItem(@FormParam("item") String item, @FormParam("category") String category,
                            @FormParam("quantity") String quantity, @FormParam("price") String priceCents,
                            @FormParam("description") String description) throws OrderRejected {
        StockItem stockItem;
        try {
            stockItem = new StockItem(item, category, number("quantity", quantity), number("price", priceCents),
                    description);
        } catch (IllegalArgumentException e) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, e.getMessage());
        }
        orders.addItem(stockItem);
        return Response.status(Response.Status.CREATED).entity(orders.item(item).orElseThrow()).build();
    }

    /**
     * Places an order.
     *
     * @return 201 with the order and its restarts
     * @throws OrderRejected see the class comment
     */
    @POST
    @Path("orders")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response place(@FormParam("item") List<String> items, @FormParam("quantity") List<String> quantities,
                          @FormParam("mode") @DefaultValue("PESSIMISTIC") String mode,
                          @FormParam("holdMillis") @DefaultValue("0") String holdMillis) throws OrderRejected {
        if (items.size() != quantities.size()) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "each item needs a quantity: " + items.size()
                    + " items, " + quantities.size() + " quantities");
        }
        List<OrderLineRequest> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            lines.add(new OrderLineRequest(items.get(i), number("quantity", quantities.get(i))));
        }
        PlacedOrder placed = orders.place(lines, mode(mode), number("holdMillis", holdMillis));
        return Response.status(Response.Status.CREATED).entity(placed).build();
    }

    /**
     * The newest orders.
     *
     * @param limit how many
     * @return newest first
     * @throws OrderRejected for a bad limit
     */
    @GET
    @Path("orders")
    public List<OrderView> recentOrders(@QueryParam("limit") @DefaultValue("20") String limit) throws OrderRejected {
        return orders.orders((int) number("limit", limit));
    }

    /**
     * Runs a rush of concurrent orders on one item.
     *
     * @return the report
     * @throws OrderRejected for bad arguments or an unknown item
     */
    @POST
    @Path("rush")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public RushReport rush(@FormParam("item") String item, @FormParam("orders") @DefaultValue("20") String count,
                           @FormParam("quantity") @DefaultValue("1") String quantity,
                           @FormParam("mode") @DefaultValue("PESSIMISTIC") String mode,
                           @FormParam("holdMillis") @DefaultValue("0") String holdMillis) throws OrderRejected {
        return orders.rush(item, (int) number("orders", count), number("quantity", quantity), mode(mode),
                number("holdMillis", holdMillis));
    }

    /**
     * The stock per category, summed up by SQL.
     *
     * @return a total per category
     */
    @GET
    @Path("categories")
    public List<CategoryTotal> categories() {
        return report.categories();
    }

    /**
     * Restocks (or writes off) every item of a category with one SQL UPDATE in a container transaction.
     *
     * @return 200 with {@code {"changed": n}}
     * @throws OrderRejected for bad arguments, a category without items, or a write-off below zero
     */
    @POST
    @Path("restock")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response restock(@FormParam("category") String category, @FormParam("units") String units) throws OrderRejected {
        if (category == null || category.isBlank()) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, "category is missing");
        }
        int changed = report.restock(category.strip(), number("units", units));
        return Response.ok(java.util.Map.of("changed", changed)).build();
    }

    /**
     * Everything the page shows.
     *
     * @return the dashboard
     */
    @GET
    @Path("dashboard")
    public Dashboard dashboard() {
        return orders.dashboard();
    }

    private static TransactionMode mode(String value) throws OrderRejected {
        try {
            return TransactionMode.parse("mode", value);
        } catch (IllegalArgumentException e) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, e.getMessage());
        }
    }

    private static long number(String name, String value) throws OrderRejected {
        try {
            return Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new OrderRejected(OrderRejected.Reason.BAD_REQUEST, name + " must be a whole number but was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
    }
}
