package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.sample.it.SampleApi.Answer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The order-entry application on WildFly: stock in the Locksmith store's indexed file, orders in
 * H2 through JPA on an XA datasource, one container-managed XA transaction per order. Each test
 * makes items of its own (keys unique to the run), so it can account for every unit: what is on
 * hand plus what the stored orders took is what the item started with.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrderEntryIT {

    private static final int THREADS = 8;
    private static final int ORDERS_PER_THREAD = 50;
    private static final int ITEMS = 5;
    private static final long START_QUANTITY = 120;

    private final SampleApi api = new SampleApi();
    private final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    @Deployment(testable = false)
    static EnterpriseArchive sampleEar() {
        File ear = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PESSIMISTIC", "OPTIMISTIC"})
    void concurrentOrdersNeverOversell(String mode) throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            String item = "R" + run + "-" + mode.charAt(0) + i;
            api.addItem(item, "rush-" + run, START_QUANTITY);
            items.add(item);
        }
        Map<String, Long> placedUnits = new HashMap<>();
        int placedOrders = 0;
        int refused = 0;
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<long[]>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = new SplittableRandom(t);
                results.add(threads.submit(() -> {
                    List<long[]> outcomes = new ArrayList<>();
                    for (int n = 0; n < ORDERS_PER_THREAD; n++) {
                        int item = random.nextInt(ITEMS);
                        long quantity = 1 + random.nextInt(3);
                        Answer a = api.post("orders", SampleApi.form("item", items.get(item), "quantity", quantity,
                                "mode", mode));
                        assertThat(a.status()).as(a.body()).isIn(201, 409);
                        outcomes.add(new long[] {item, a.status() == 201 ? quantity : 0});
                    }
                    return outcomes;
                }));
            }
            for (Future<List<long[]>> f : results) {
                for (long[] outcome : f.get(10, TimeUnit.MINUTES)) {
                    if (outcome[1] > 0) {
                        placedUnits.merge(items.get((int) outcome[0]), outcome[1], Long::sum);
                        placedOrders++;
                    } else {
                        refused++;
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(placedOrders + refused).isEqualTo(THREADS * ORDERS_PER_THREAD);
        assertThat(refused).as("demand (about 800 units) exceeds the 600 in stock").isPositive();
        for (String item : items) {
            JsonObject now = api.item(item);
            long onHand = now.getJsonNumber("quantity").longValue();
            long ordered = now.getJsonNumber("ordered").longValue();
            assertThat(onHand).as("%s on hand", item).isNotNegative();
            assertThat(onHand + ordered).as("%s: on hand + ordered in H2", item).isEqualTo(START_QUANTITY);
            assertThat(ordered).as("%s: ordered in H2 = units of the orders answered 201", item)
                    .isEqualTo(placedUnits.getOrDefault(item, 0L));
        }
    }

    @Test
    void anOrderThatCannotBeFilledChangesNeitherStore() {
        String plenty = "N" + run + "-A";
        String scarce = "N" + run + "-B";
        api.addItem(plenty, "scarce-" + run, 10);
        api.addItem(scarce, "scarce-" + run, 2);
        long ordersBefore = api.get("orders?limit=1000").array().size();

        Answer a = api.post("orders", SampleApi.form("item", plenty, "quantity", 5) + "&"
                + SampleApi.form("item", scarce, "quantity", 3));

        assertThat(a.status()).as(a.body()).isEqualTo(409);
        assertThat(a.object().getString("reason")).isEqualTo("INSUFFICIENT_STOCK");
        assertThat(a.object().getString("error")).contains(scarce);
        assertThat(api.item(plenty).getJsonNumber("quantity").longValue()).as("the line that fitted is undone").isEqualTo(10);
        assertThat(api.item(plenty).getJsonNumber("ordered").longValue()).isZero();
        assertThat(api.item(scarce).getJsonNumber("quantity").longValue()).isEqualTo(2);
        assertThat(api.get("orders?limit=1000").array().size()).as("no order row").isEqualTo(ordersBefore);
    }

    @Test
    void anOrderDecrementsTheStockAndStoresItsLines() {
        String a = "P" + run + "-A";
        String b = "P" + run + "-B";
        api.addItem(a, "pair-" + run, 10);
        api.addItem(b, "pair-" + run, 10);

        Answer placed = api.post("orders", SampleApi.form("item", a, "quantity", 4, "item", b, "quantity", 1,
                "mode", "OPTIMISTIC"));

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        JsonObject order = placed.object().getJsonObject("order");
        assertThat(order.getString("mode")).isEqualTo("OPTIMISTIC");
        assertThat(order.getJsonArray("lines")).hasSize(2);
        assertThat(order.getJsonNumber("totalCents").longValue()).isEqualTo(500);
        assertThat(api.item(a).getJsonNumber("quantity").longValue()).isEqualTo(6);
        assertThat(api.item(b).getJsonNumber("quantity").longValue()).isEqualTo(9);
        assertThat(api.get("orders?limit=5").array().stream().map(o -> o.asJsonObject().getJsonNumber("id").longValue()))
                .contains(order.getJsonNumber("id").longValue());
    }

    @Test
    void theSeededStockFileIsReadByItsCategoryKeyWithDuplicates() {
        Map<String, JsonObject> stock = api.stock();
        assertThat(stock).containsKeys("PADLOCK-40", "BLANK-KW1", "KEY-CUTTER");

        Answer padlocks = api.get("stock?category=padlocks");

        assertThat(padlocks.status()).isEqualTo(200);
        assertThat(padlocks.array().stream().map(o -> o.asJsonObject().getString("item")))
                .contains("PADLOCK-40", "PADLOCK-60", "DISC-LOCK")
                .allMatch(i -> stock.get(i).getString("category").equals("padlocks"));
    }

    @Test
    void sqlThroughTheRarsDataSourceSumsTheStockUpPerCategory() {
        String category = "sql-" + run;
        api.addItem("S" + run + "-A", category, 10);
        api.addItem("S" + run + "-B", category, 5);

        JsonObject total = categoryTotal(category);

        assertThat(total.getJsonNumber("items").longValue()).isEqualTo(2);
        assertThat(total.getJsonNumber("units").longValue()).isEqualTo(15);
        assertThat(total.getJsonNumber("valueCents").longValue()).as("15 units at 100 cents").isEqualTo(1_500);
        assertThat(categoryTotal("padlocks").getJsonNumber("items").longValue()).as("the seeded stock too").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRestockIsOneSqlUpdateInAContainerTransactionAndAWriteOffBelowZeroChangesNothing() {
        String category = "restock-" + run;
        String a = "T" + run + "-A";
        String b = "T" + run + "-B";
        api.addItem(a, category, 10);
        api.addItem(b, category, 2);

        Answer restocked = api.post("restock", SampleApi.form("category", category, "units", 5));
        assertThat(restocked.status()).as(restocked.body()).isEqualTo(200);
        assertThat(restocked.object().getInt("changed")).isEqualTo(2);
        assertThat(api.item(a).getJsonNumber("quantity").longValue()).as("read through JCA").isEqualTo(15);
        assertThat(api.item(b).getJsonNumber("quantity").longValue()).isEqualTo(7);

        Answer writeOff = api.post("restock", SampleApi.form("category", category, "units", -8));
        assertThat(writeOff.status()).as(writeOff.body()).isEqualTo(409);
        assertThat(writeOff.object().getString("reason")).isEqualTo("INSUFFICIENT_STOCK");
        assertThat(api.item(a).getJsonNumber("quantity").longValue()).as("the UPDATE was rolled back with the transaction")
                .isEqualTo(15);
        assertThat(api.item(b).getJsonNumber("quantity").longValue()).isEqualTo(7);

        assertThat(api.post("restock", SampleApi.form("category", "none-" + run, "units", 1)).status()).isEqualTo(404);
        assertThat(api.post("restock", SampleApi.form("category", category, "units", "x")))
                .satisfies(r -> assertThat(r.status()).isEqualTo(400))
                .satisfies(r -> assertThat(r.object().getString("error")).contains("units"));
    }

    private JsonObject categoryTotal(String category) {
        Answer totals = api.get("categories");
        assertThat(totals.status()).as(totals.body()).isEqualTo(200);
        return totals.array().stream().map(JsonValue::asJsonObject).filter(o -> o.getString("category").equals(category))
                .findFirst().orElseThrow(() -> new AssertionError("no category " + category + " in " + totals.body()));
    }

    @Test
    void badInputIsRefusedNamingTheArgumentAndChangesNothing() {
        String item = "B" + run;
        api.addItem(item, "bad-" + run, 5);

        assertThat(api.post("orders", SampleApi.form("item", item, "quantity", 0)))
                .satisfies(a -> assertThat(a.status()).isEqualTo(400))
                .satisfies(a -> assertThat(a.object().getString("error")).contains("quantity"));
        assertThat(api.post("orders", SampleApi.form("item", item, "quantity", 1, "mode", "EVENTUAL")))
                .satisfies(a -> assertThat(a.status()).isEqualTo(400))
                .satisfies(a -> assertThat(a.object().getString("error")).contains("mode"));
        assertThat(api.post("orders", SampleApi.form("item", "NO-SUCH-" + run, "quantity", 1)).status()).isEqualTo(404);
        assertThat(api.post("stock", SampleApi.form("item", item, "category", "x", "quantity", 1, "price", 1)).status())
                .as("a key that is taken").isEqualTo(409);
        assertThat(api.item(item).getJsonNumber("quantity").longValue()).isEqualTo(5);
        assertThat(api.item(item).getJsonNumber("ordered").longValue()).isZero();
    }

    @Test
    void aPessimisticRushWaitsForTheItemsLockAndSellsExactlyTheStock() {
        JsonObject r = rushOfTenOnSix("PESSIMISTIC");

        assertThat(r.getJsonNumber("lockWaits").longValue()).as("orders queued for the item's lock").isPositive();
    }

    @Test
    void anOptimisticRushRestartsTheOrdersThatLostAndSellsExactlyTheStock() {
        JsonObject r = rushOfTenOnSix("OPTIMISTIC");

        assertThat(r.getJsonNumber("restarts").longValue()).as("orders whose commit found the item changed").isPositive();
    }

    /** Ten concurrent orders of one unit, each holding its transaction 100 ms, on an item with six: six sell. */
    private JsonObject rushOfTenOnSix(String mode) {
        String item = "H" + run + "-" + mode.charAt(0);
        api.addItem(item, "hot-" + run, 6);

        Answer rush = api.post("rush", SampleApi.form("item", item, "orders", 10, "quantity", 1, "mode", mode,
                "holdMillis", 100));

        assertThat(rush.status()).as(rush.body()).isEqualTo(200);
        JsonObject r = rush.object();
        assertThat(r.getInt("succeeded")).isEqualTo(6);
        assertThat(r.getInt("rejected")).isEqualTo(4);
        assertThat(r.getInt("failed")).isZero();
        assertThat(r.getJsonNumber("stockAfter").longValue()).isZero();
        assertThat(api.item(item).getJsonNumber("ordered").longValue()).isEqualTo(6);
        return r;
    }

    @Test
    void theDashboardShowsTransactionCountsAndNothingInDoubt() {
        api.post("orders", SampleApi.form("item", "BLANK-KW1", "quantity", 1));

        Answer d = api.get("dashboard");

        assertThat(d.status()).as(d.body()).isEqualTo(200);
        JsonObject tx = d.object().getJsonObject("transactions");
        assertThat(tx.getJsonNumber("committed").longValue()).isPositive();
        assertThat(tx.getInt("inDoubt")).isZero();
        assertThat(tx.getJsonNumber("h2InDoubt").longValue()).isZero();
        assertThat(d.object().getJsonArray("stock")).isNotEmpty();
        assertThat(d.object().getJsonArray("rates")).isNotEmpty();
        assertThat(d.object().getJsonObject("lockCounters").getJsonNumber("requests").longValue()).isPositive();
    }
}
