package dev.locksmith.sample.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sample's page in a real browser: the machine's Chromium ({@code /usr/bin/chromium}, headless)
 * through its ChromeDriver ({@code /usr/bin/chromedriver}), both named explicitly so Selenium never
 * looks for or downloads either. A failed test leaves a screenshot in
 * {@code target/screenshots/<test>.png}; the rush test also keeps one of the lock table with
 * waiters ({@code rush-waiters.png}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrderEntryPageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static ChromeDriverService service;
    private static WebDriver browser;

    private final SampleApi api = new SampleApi();
    private final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                screenshot(context.getRequiredTestMethod().getName());
            }
        }
    };

    @Deployment(testable = false)
    static EnterpriseArchive sampleEar() {
        File ear = new File(System.getProperty("locksmith.ear", "target/deployments/locksmith-sample.ear"));
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        service.start();
        ChromeOptions options = new ChromeOptions()
                .setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2000");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void placingAnOrderLowersTheStockOnThePage() {
        String item = "S" + run;
        api.addItem(item, "page-" + run, 50);
        openPage();
        By onHand = By.cssSelector("#stock tr[data-item='" + item + "'] td.quantity");
        until(d -> "50".equals(d.findElement(onHand).getText()));

        new Select(browser.findElement(By.id("order-item"))).selectByValue(item);
        WebElement quantity = browser.findElement(By.id("order-quantity"));
        quantity.clear();
        quantity.sendKeys("3");
        browser.findElement(By.id("place-order")).click();

        until(d -> d.findElement(By.id("order-result")).getText().contains("placed"));
        assertThat(browser.findElement(By.id("order-result")).getText()).contains("3 × " + item);
        until(d -> "47".equals(d.findElement(onHand).getText()));
        until(d -> d.findElement(By.cssSelector("#orders tbody")).getText().contains("3 × " + item));
    }

    @Test
    void aRushShowsTheHotItemsLockWithWaitersInTheLockTable() {
        String item = "U" + run;
        api.addItem(item, "page-" + run, 100);
        openPage();
        await(By.cssSelector("#stock tr[data-item='" + item + "']"));

        new Select(browser.findElement(By.id("rush-item"))).selectByValue(item);
        type("rush-orders", "12");
        type("rush-hold", "400");
        new Select(browser.findElement(By.id("rush-mode"))).selectByValue("PESSIMISTIC");
        browser.findElement(By.id("start-rush")).click();

        String lockName = "^STOCK(\"" + item + "\")";
        until(d -> d.findElements(By.cssSelector("#locks tbody tr.waiting")).stream()
                .anyMatch(row -> row.findElement(By.className("resource")).getText().equals(lockName)
                        && !row.findElement(By.className("waiters")).getText().isBlank()));
        screenshot("rush-waiters");
        until(d -> d.findElement(By.id("rush-result")).getText().startsWith("Rush on " + item));
        assertThat(browser.findElement(By.id("rush-result")).getText()).contains("12 of 12 orders placed");
        until(d -> "88".equals(d.findElement(By.cssSelector("#stock tr[data-item='" + item + "'] td.quantity")).getText()));
        assertThat(Integer.parseInt(browser.findElement(By.id("tx-inDoubt")).getText())).isZero();
    }

    @Test
    void aRestockThroughSqlRaisesTheCategorysUnitsOnThePage() {
        String category = "sql-page-" + run;
        api.addItem("C" + run + "-A", category, 4);
        api.addItem("C" + run + "-B", category, 6);
        openPage();
        By units = By.cssSelector("#categories tr[data-category='" + category + "'] td.units");
        until(d -> "10".equals(d.findElement(units).getText()));

        type("restock-category", category);
        type("restock-units", "5");
        browser.findElement(By.id("restock")).click();

        until(d -> d.findElement(By.id("restock-result")).getText().startsWith("Restocked"));
        assertThat(browser.findElement(By.id("restock-result")).getText()).contains("2 item(s) of " + category);
        until(d -> "20".equals(d.findElement(units).getText()));
        until(d -> "9".equals(d.findElement(By.cssSelector("#stock tr[data-item='C" + run + "-A'] td.quantity")).getText()));
    }

    private void openPage() {
        browser.get(Server.http("locksmith-sample/").toString());
        until(d -> d.findElement(By.id("updated")).getText().startsWith("updated"));
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private static void await(By locator) {
        until(d -> !d.findElements(locator).isEmpty());
    }

    /** Waits for a condition of the page, re-evaluating it as the page refreshes; elements replaced meanwhile count as not yet. */
    private static void until(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, PATIENCE)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(condition::apply);
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
