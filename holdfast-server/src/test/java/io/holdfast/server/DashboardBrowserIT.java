package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser: headless Chromium (Debian chromium + chromium-driver, driven through WebDriver)
 * loads /dashboard from a running service over real Redis with authentication on, and sees a lock taken by a
 * client appear with its holder and go on release. It saves the screenshot docs/dashboard.md shows.
 */
@Timeout(180)
class DashboardBrowserIT {
  static final String ADMIN = "acme-admin-token-00001";
  static final String CLIENT = "acme-client-token-0001";
  static final List<String> BROWSERS = List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium",
      "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
  static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @TempDir
  static Path profile;

  private static HoldfastServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() {
    Optional<String> binary = firstExisting(BROWSERS);
    Optional<String> driver = firstExisting(DRIVERS);
    assumeTrue(binary.isPresent() && driver.isPresent(), "CANNOT RUN: headless Chromium not found (looked for "
        + BROWSERS + " and " + DRIVERS + "; Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":acme:client")).token(TokenGrant.parse(ADMIN + ":acme:admin"))
        .shutdownGrace(Duration.ofSeconds(1)).build());
    ChromeOptions options = new ChromeOptions().setBinary(binary.get()).addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver.get()))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void dashboard_lockTakenThenReleased_rowShowsHolderThenGoes() throws IOException {
    browser.get("http://127.0.0.1:" + server.port() + "/dashboard");
    browser.findElement(By.id("token")).sendKeys(ADMIN);
    browser.findElement(By.id("connect")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> text(By.id("status")).startsWith("live"));
    try (Holdfast worker = client("billing-worker-7", "billing-7.example");
        Holdfast other = client("report-runner-2", "report-2.example")) {
      Lease lease = worker.acquire("orders/42", Duration.ofSeconds(60));
      Lease report = other.acquire("reports/daily", Duration.ofSeconds(60));
      CompletableFuture<Optional<Lease>> waiting = other.tryAcquireAsync(AcquireRequest.of("orders/42",
          Duration.ofSeconds(10)).withWait(Duration.ofSeconds(60)));
      forceRelease(worker);
      By row = By.cssSelector("#locks tr[data-lock='orders/42']");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(row))
          .contains("orders/42", "held", "billing-worker-7", "billing-7.example", lease.fencingToken().toString()));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(By.id("hot")))
          .contains("orders/42"));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(By.id("events")))
          .contains("forced-release", "cache/rebuild"));
      assertThat(text(By.id("sessions"))).contains("billing-worker-7", "report-runner-2", "report-2.example");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(By.id("clocks")))
          .contains("billing-worker-7 on billing-7.example", "report-runner-2 on report-2.example"));
      screenshot();

      lease.release();
      await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElements(row).isEmpty()
          || !text(row).contains("billing-worker-7"));
      waiting.join().ifPresent(Lease::release);
      report.release();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(text(By.id("locks")))
        .contains("no locks held"));
  }

  /* An admin frees a lock someone held: the page lists it as a forced release. */
  private static void forceRelease(Holdfast worker) {
    Lease doomed = worker.acquire("cache/rebuild", Duration.ofSeconds(60));
    new TestStubs(server, ADMIN).admin.forceRelease(ForceReleaseRequest.newBuilder().setName("cache/rebuild")
        .setFencingToken(doomed.fencingToken().value()).build());
  }

  private static Holdfast client(String name, String host) {
    return Holdfast.connect(HoldfastOptions.builder().backend("holdfast://" + CLIENT + "@127.0.0.1:"
        + server.port() + "?session-ttl=3s&client-host=" + host).clientName(name).build());
  }

  /* The page rebuilds its tables every second: an element found just before a rebuild is stale, so read again. */
  private static String text(By by) {
    for (int attempt = 0; ; attempt++) {
      try {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText();
      } catch (StaleElementReferenceException rebuilt) {
        if (attempt == 10) {
          throw rebuilt;
        }
      }
    }
  }

  /* The screenshot docs/dashboard.md shows, written into the checkout's docs/ directory. */
  private static void screenshot() throws IOException {
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Path docs = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().resolve("docs");
    assertThat(docs).isDirectory();
    Files.copy(shot.toPath(), docs.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Optional<String> firstExisting(List<String> paths) {
    return paths.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
  }
}
