package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.testkit.redis.RedisExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's kit in ops/: the Prometheus rules pass promtool (syntax and their unit tests), every alert has its
 * runbook section, and every metric the rules and the Grafana dashboard use is exported by a real service after
 * lock traffic or by a library client's Prometheus registry. Also the per-lock statistics the dashboard shows.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OpsKitIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path RULES = ROOT.resolve("ops/prometheus/holdfast-alerts.yml");
  private static final Path DASHBOARD = ROOT.resolve("ops/grafana/holdfast.json");
  /** A metric name (a wildcard such as holdfast_server_* in a comment is not one). */
  private static final Pattern METRIC = Pattern.compile("\\b(?:holdfast|jvm|process)_[a-z0-9_]*[a-z0-9](?![a-z0-9_*])");
  private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\w+)\\s*$", Pattern.MULTILINE);
  private static final String ADMIN = "ops-kit-admin-token-0001";
  private static final String OTHER_TENANT = "ops-kit-other-token-0001";

  @Test
  void promtool_rulesAndTheirTests_pass() throws Exception {
    Optional<Path> promtool = onPath("promtool");
    assumeTrue(promtool.isPresent(), "CANNOT RUN: promtool is not on PATH (Debian: apt-get install prometheus;"
        + " .ci/run installs it); the alert rules in ops/prometheus were not checked");
    assertThat(run(promtool.get().toString(), "check", "rules", RULES.getFileName().toString()))
        .contains("SUCCESS: 10 rules found");
    assertThat(run(promtool.get().toString(), "test", "rules", "holdfast-alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void runbook_everyAlert_hasItsSection() throws IOException {
    String operations = Files.readString(ROOT.resolve("docs/operations.md"));
    Set<String> alerts = matches(ALERT, Files.readString(RULES), 1);
    assertThat(alerts).hasSize(10);
    for (String alert : alerts) {
      assertThat(operations).as("docs/operations.md section of " + alert).containsPattern("(?m)^### " + alert + "$");
      assertThat(Files.readString(RULES)).contains("runbook: \"docs/operations.md#" + alert.toLowerCase() + "\"");
    }
  }

  @Test
  void settingsExample_asShipped_loadsWithItsValues() {
    ServerConfig config = ServerSettings.load(java.util.Map.of("config",
        ROOT.resolve("ops/holdfast.properties").toString()), java.util.Map.of());

    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(7420);
    assertThat(config.redis()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
    assertThat(config.tokens()).hasSize(2);
    assertThat(config.lockDelay()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void metrics_usedByRulesAndDashboard_areExported() throws Exception {
    Set<String> used = matches(METRIC, Files.readString(RULES) + Files.readString(DASHBOARD), 0);
    assertThat(used).contains("holdfast_lease_lost_total", "holdfast_acquire_seconds_bucket",
        "holdfast_clock_offset_seconds", "holdfast_clock_rate_drift", "holdfast_server_redis_up",
        "holdfast_server_session_expiries_total", "holdfast_server_auth_failures_total",
        "holdfast_server_lock_wait_seconds_bucket", "holdfast_server_lock_hold_seconds_bucket");
    try (HoldfastServer server = HoldfastServer.start(config())) {
      PrometheusMeterRegistry library = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PrometheusMeterRegistry service = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (Holdfast direct = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri())
              .clientName("ops-library").meterRegistry(library).build());
           Holdfast viaService = Holdfast.connect(HoldfastOptions.builder().backend(serviceUri(server, ADMIN))
              .clientName("ops-service").meterRegistry(service).build())) {
        try (Lease lease = direct.acquire("ops/direct", Duration.ofSeconds(5))) {
          assertThat(lease.isValid()).isTrue();
        }
        contend(server, viaService);
        new TestStubs(server, "ops-kit-unknown-token-01").get("/metrics"); // scrapes need no token
        assertThat(new TestStubs(server, "ops-kit-unknown-token-01").get(HotLocksRoute.PATH).statusCode())
            .isEqualTo(401);
        String scraped = new TestStubs(server, null).get("/metrics").body();
        assertThat(scraped).contains("holdfast_server_lock_wait_seconds_count{outcome=\"granted\"} 1")
            .containsPattern("holdfast_server_lock_hold_seconds_count [1-9]")
            .contains("holdfast_server_lock_contended_total 1.0")
            .containsPattern("holdfast_server_auth_failures_total [1-9]");
        String all = scraped + library.scrape() + service.scrape();
        for (String name : used) {
          assertThat(all).as("a series of " + name).containsPattern("(?m)^" + name + "[{ ]");
        }
      }
    }
  }

  /* The service grants "ops/hot", a second client waits for it in the service, gets it on release and frees it. */
  private static void contend(HoldfastServer server, Holdfast client) throws Exception {
    TestStubs admin = new TestStubs(server, ADMIN);
    Lease first = client.acquire("ops/hot", Duration.ofSeconds(10));
    CompletableFuture<Optional<Lease>> second = CompletableFuture.supplyAsync(
        () -> client.tryAcquire("ops/hot", Duration.ofSeconds(10), Duration.ofSeconds(30)));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(admin.get(HotLocksRoute.PATH).body())
        .isEqualTo("{\"locks\":[{\"name\":\"ops/hot\",\"contended\":1,\"overcountAtMost\":0,\"waits\":0,"
            + "\"waitedMs\":0}],\"trackedCapacity\":" + LockStats.HOT_CAPACITY + "}"));
    assertThat(new TestStubs(server, OTHER_TENANT).get(HotLocksRoute.PATH).body()).startsWith("{\"locks\":[]");
    first.close();
    Lease granted = second.get(20, TimeUnit.SECONDS).orElseThrow();
    granted.close();
    assertThat(admin.get(HotLocksRoute.PATH + "?limit=1").body()).contains("\"contended\":1")
        .contains("\"waits\":1");
    assertThat(admin.get(HotLocksRoute.PATH + "?limit=0").statusCode()).isEqualTo(400);
    assertThat(admin.post(HotLocksRoute.PATH, "{}").statusCode()).isEqualTo(405);
  }

  private static ServerConfig config() {
    return ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(ADMIN + ":acme:admin")).token(TokenGrant.parse(OTHER_TENANT + ":other:client"))
        .shutdownGrace(Duration.ofSeconds(1)).build();
  }

  private static String serviceUri(HoldfastServer server, String token) {
    return "holdfast://" + token + "@127.0.0.1:" + server.port();
  }

  private static Set<String> matches(Pattern pattern, String text, int group) {
    Set<String> found = new TreeSet<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(group));
    }
    return found;
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    return output;
  }
}
