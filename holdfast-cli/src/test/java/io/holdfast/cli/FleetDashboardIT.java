package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** holdfast dashboard's Redis-direct source over a real Redis: what a library-only fleet's page shows. */
@Timeout(120)
class FleetDashboardIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static Holdfast reader;
  private static ExecutorService thread;
  private static FleetDashboard dashboard;

  @BeforeAll
  static void connect() {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    reader = Holdfast.connect(redis.uri());
    thread = Executors.newSingleThreadExecutor();
    dashboard = new FleetDashboard(reader, connection.sync(), "holdfast", redis.uri(), thread);
  }

  @AfterAll
  static void close() {
    thread.shutdownNow();
    reader.close();
    connection.close();
    client.shutdown();
  }

  @Test
  @SuppressWarnings("unchecked")
  void snapshot_libraryLockHeld_listedWithOwnerTokenAndClientConnection() {
    try (Holdfast fleet = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri())
        .clientName("billing-worker-3").build())) {
      Lease lease = fleet.acquire("fleet/orders/7", Duration.ofSeconds(30));
      Map<String, Object> snapshot = dashboard.snapshot("", "fleet/orders/", "", 50).join();
      List<Map<String, Object>> locks = (List<Map<String, Object>>) snapshot.get("locks");
      assertThat(locks).singleElement().satisfies(lock -> {
        assertThat(lock).containsEntry("name", "fleet/orders/7").containsEntry("owner", lease.owner().value())
            .containsEntry("token", lease.fencingToken().toString()).containsEntry("heldForMs", -1L)
            .containsEntry("waiters", 0);
        assertThat((long) lock.get("remainingMs")).isBetween(1L, 30_000L);
      });
      assertThat((List<Map<String, Object>>) snapshot.get("sessions")).extracting(s -> s.get("clientName"))
          .contains("billing-worker-3");
      lease.release();
      assertThat((List<?>) dashboard.snapshot("", "fleet/orders/", "", 50).join().get("locks")).isEmpty();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void snapshot_tenThousandLocks_pagesBySmallScanWalks() {
    try (Holdfast fleet = Holdfast.connect(redis.uri())) {
      List<CompletableFuture<Optional<Lease>>> taken = IntStream.range(0, 10_000).mapToObj(i -> fleet
          .tryAcquireAsync(AcquireRequest.of("many/" + i, Duration.ofSeconds(60)))).toList();
      taken.forEach(CompletableFuture::join);
      Map<String, Object> first = dashboard.snapshot("", "many/", "", 50).join();
      List<Map<String, Object>> page = (List<Map<String, Object>>) first.get("locks");
      assertThat(page).as("one page is a bounded SCAN walk, never the keyspace").hasSizeBetween(1,
          FleetDashboard.MAX_SCANS * 50);
      assertThat((String) first.get("nextCursor")).isNotEmpty();

      Set<Object> seen = new HashSet<>();
      String cursor = "";
      do {
        Map<String, Object> next = dashboard.snapshot("", "many/", cursor, 200).join();
        ((List<Map<String, Object>>) next.get("locks")).forEach(lock -> seen.add(lock.get("name")));
        cursor = (String) next.get("nextCursor");
      } while (!cursor.isEmpty());
      assertThat(seen).as("walking every page finds every held lock").hasSize(10_000);
      taken.forEach(f -> f.join().ifPresent(Lease::release));
    }
  }

  @Test
  void dashboardCommand_running_servesThePageAndSnapshots() throws Exception {
    StringWriter out = new StringWriter();
    Thread command = new Thread(() -> HoldfastCli.execute(new PrintWriter(out, true), new PrintWriter(
        new StringWriter(), true), "dashboard", "--redis", redis.uri(), "--port", "0"));
    command.start();
    try (Holdfast fleet = Holdfast.connect(redis.uri())) {
      Lease lease = fleet.acquire("served/1", Duration.ofSeconds(30));
      Matcher address = Pattern.compile("on (http://\\S+)/dashboard ").matcher("");
      await().atMost(Duration.ofSeconds(30)).until(() -> address.reset(out.toString()).find());
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(address.group(1) + "/dashboard"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.body()).contains("<title>Holdfast dashboard</title>");
      HttpResponse<String> snapshot = http.send(HttpRequest.newBuilder(URI.create(address.group(1)
          + "/dashboard/api/snapshot?prefix=served/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(snapshot.statusCode()).isEqualTo(200);
      assertThat(snapshot.body()).contains("\"name\":\"served/1\"", lease.fencingToken().toString());
      lease.release();
    } finally {
      command.interrupt();
      command.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(command.isAlive()).isFalse();
  }

  @Test
  void glob_prefixWithGlobCharacters_matchesItselfOnly() {
    assertThat(FleetDashboard.glob("a*b?[c]\\")).isEqualTo("a\\*b\\?\\[c\\]\\\\");
    assertThat(FleetDashboard.isLockKey("holdfast:{a/b}")).isTrue();
    assertThat(FleetDashboard.isLockKey("holdfast:{a/b}:waiters")).isFalse();
  }
}
