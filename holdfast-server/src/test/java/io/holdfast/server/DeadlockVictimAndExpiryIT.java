package io.holdfast.server;

import static io.holdfast.server.DeadlockDetectionServiceIT.LONG_WAIT;
import static io.holdfast.server.DeadlockDetectionServiceIT.TTL;
import static io.holdfast.server.DeadlockDetectionServiceIT.config;
import static io.holdfast.server.DeadlockDetectionServiceIT.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.DeadlockException;
import io.holdfast.DeadlockVictim;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.testkit.redis.RedisExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The victim option (youngest: exactly one member of a cycle fails, even when both close it at once), a member's
 * session expiring as the cycle would close (no DEADLOCK for a cycle that is gone, nobody waits out the full
 * timeout), and the cost: an acquire that does not wait sends Redis the same commands with detection on as off.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeadlockVictimAndExpiryIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer first;
  private static HoldfastServer second;

  @BeforeAll
  static void start() {
    first = HoldfastServer.start(config(redis.uri() + "?deadlockDetection=youngest", Duration.ofSeconds(1)));
    second = HoldfastServer.start(config(redis.uri() + "?deadlockDetection=youngest", Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void youngest_bothCloseTheCycleAtOnce_exactlyOneFailsAndTheOtherProceeds() throws Exception {
    for (int round = 0; round < 3; round++) {
      String x = "race/x-" + UUID.randomUUID();
      String y = "race/y-" + UUID.randomUUID();
      OwnerToken a = owner("a");
      OwnerToken b = owner("b");
      try (Holdfast ca = Holdfast.connect(first.uri().toString());
           Holdfast cb = Holdfast.connect(second.uri().toString())) {
        Lease xHeld = ca.acquire(AcquireRequest.of(x, TTL).withOwner(a));
        Lease yHeld = cb.acquire(AcquireRequest.of(y, TTL).withOwner(b));
        CompletableFuture<Lease> aWaits = ca.acquireAsync(AcquireRequest.of(y, TTL).withOwner(a).withWait(LONG_WAIT));
        CompletableFuture<Lease> bWaits = cb.acquireAsync(AcquireRequest.of(x, TTL).withOwner(b).withWait(LONG_WAIT));

        await().atMost(Duration.ofSeconds(30)).until(() -> aWaits.isDone() || bWaits.isDone());
        boolean aIsVictim = aWaits.isCompletedExceptionally();
        CompletableFuture<Lease> victim = aIsVictim ? aWaits : bWaits;
        CompletableFuture<Lease> survivor = aIsVictim ? bWaits : aWaits;
        assertThat(victim.handle((lease, failure) -> failure).get()).as("round %d", round)
            .hasRootCauseInstanceOf(DeadlockException.class);
        (aIsVictim ? xHeld : yHeld).release();
        assertThat(survivor.get(30, TimeUnit.SECONDS).isValid()).as("round %d: one victim only", round).isTrue();
      }
    }
  }

  @Test
  void memberSessionExpires_cycleWouldClose_noDeadlockAndTheWaiterGetsTheLock() throws Exception {
    String x = "expiry/x-" + UUID.randomUUID();
    String y = "expiry/y-" + UUID.randomUUID();
    TestStubs http = new TestStubs(first, null);
    String session = http.openSession(1_000); // never kept alive
    try (Holdfast cb = Holdfast.connect(second.uri().toString())) {
      OwnerToken b = owner("b");
      cb.acquire(AcquireRequest.of(y, TTL).withOwner(b));
      assertThat(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":\"" + x + "\"}")
          .statusCode()).isEqualTo(200);
      CompletableFuture<HttpResponse<String>> aWaits = CompletableFuture.supplyAsync(() -> http.post(
          "/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":\"" + y + "\",\"waitTimeoutMs\":\"20000\"}"));
      await().atMost(Duration.ofSeconds(20)).until(() -> (Long) redis.server().command("EXISTS",
          "holdfast:waits:{" + session + " " + session + "}") == 1L);
      await().atMost(Duration.ofSeconds(20)).until(() -> redisMillis() > Long.parseLong(String.valueOf(
          redis.server().command("HGET", "holdfast:{default/" + x + "}", "e"))));

      long started = System.nanoTime();
      Lease got = cb.acquire(AcquireRequest.of(x, TTL).withOwner(b).withWait(LONG_WAIT));

      assertThat(got.isValid()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the lock-delay, not the wait")
          .isLessThan(LONG_WAIT.dividedBy(2));
      assertThat(aWaits.get(30, TimeUnit.SECONDS).body()).contains("SESSION_EXPIRED").doesNotContain("DEADLOCK");
    }
  }

  @Test
  void uncontendedAcquire_detectionOnOrOff_sameRedisCommands() {
    long off = commandsOfCycles(null);
    long on = commandsOfCycles(DeadlockVictim.REQUESTER);

    assertThat(off).as("the cycles were counted").isGreaterThanOrEqualTo(20);
    assertThat(on).as("Redis commands of 10 uncontended waiting-acquire/release cycles").isEqualTo(off);
  }

  /* Every command Redis counted over 10 acquires (each ready to wait 10 s, none waiting) and releases. */
  private static long commandsOfCycles(DeadlockVictim victim) {
    ScheduledThreadPoolExecutor timers = Timers.create();
    try (RedisStore store = new RedisStore(RedisLink.open(URI.create(redis.uri()), Duration.ofSeconds(5), "count"),
        "holdfast", Duration.ofSeconds(60), victim)) {
      AcquireWait.Setting setting = new AcquireWait.Setting(store, new WaitRoom(), timers,
          new ServiceMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), Duration.ofSeconds(1));
      SessionRef session = new SessionRef("t", store.openSession("t", "tester", "count", Duration.ofMinutes(1),
          Duration.ZERO).join().id());
      cycle(setting, store, session, 1); // reads the session once
      redis.server().command("CONFIG", "RESETSTAT");
      for (int i = 0; i < 10; i++) {
        cycle(setting, store, session, 10 + 2 * i);
      }
      return totalCalls(redis.server().info("commandstats"));
    } finally {
      timers.shutdownNow();
    }
  }

  private static void cycle(AcquireWait.Setting setting, RedisStore store, SessionRef session, long requestId) {
    LockKey lock = new LockKey("t", "count/" + UUID.randomUUID());
    Granted granted = (Granted) new AcquireWait(setting, new AcquireWait.Target(session, lock, "o",
        Duration.ofSeconds(10), requestId, Duration.ofSeconds(10), Duration.ZERO)).start().join();
    store.release(session, lock, "o", granted.token(), requestId + 1).join();
  }

  /* Connection upkeep (a connection opened or checked in the background) is not what a cycle costs. */
  private static final java.util.Set<String> UPKEEP = java.util.Set.of("cmdstat_info", "cmdstat_config",
      "cmdstat_ping", "cmdstat_hello", "cmdstat_client", "cmdstat_select", "cmdstat_command");

  private static long totalCalls(Map<String, String> stats) {
    return stats.entrySet().stream().filter(e -> !UPKEEP.contains(e.getKey()))
        .mapToLong(e -> Long.parseLong(e.getValue().replaceAll("^calls=(\\d+),.*$", "$1"))).sum();
  }

  @SuppressWarnings("unchecked")
  private static long redisMillis() {
    List<Object> time = (List<Object>) redis.server().command("TIME");
    return Long.parseLong(String.valueOf(time.get(0))) * 1000 + Long.parseLong(String.valueOf(time.get(1))) / 1000;
  }
}
