package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.DeadlockException;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.WaitCycle;
import io.holdfast.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The library's documented choice: no waits are recorded unless the backend URI opts in with
 * {@code deadlockDetection=...}; with it, two library clients whose waits close a cycle get the same DEADLOCK the
 * lock service gives, and the opt-in costs an acquire that does not wait nothing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeadlockDetectionIT {
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);
  private static final Duration TTL = Duration.ofSeconds(30);

  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  @Test
  void twoClients_waitsCloseCycle_requesterFailsAtOnceNamingCycle() throws Exception {
    String x = "dl/x-" + UUID.randomUUID();
    String y = "dl/y-" + UUID.randomUUID();
    OwnerToken a = OwnerToken.of("a-" + UUID.randomUUID());
    OwnerToken b = OwnerToken.of("b-" + UUID.randomUUID());
    // With the requester rule, a member re-arming its wait just as another closes the cycle would find it too and
    // also fail; no re-check timer fires during this test (a release wakes the survivor), so only the closer fails.
    try (Holdfast first = Holdfast.connect(quietWaiters(redis.uri() + "?deadlockDetection=requester"));
         Holdfast second = Holdfast.connect(quietWaiters(redis.uri() + "?deadlockDetection=requester"))) {
      first.acquire(AcquireRequest.of(x, TTL).withOwner(a));
      Lease yHeld = second.acquire(AcquireRequest.of(y, TTL).withOwner(b));
      CompletableFuture<Lease> aWaits = first.acquireAsync(AcquireRequest.of(y, TTL).withOwner(a).withWait(LONG_WAIT));
      await().atMost(Duration.ofSeconds(20)).until(() -> exists("holdfast:waits:{" + a + "}"));

      long started = System.nanoTime();
      assertThatThrownBy(() -> second.acquire(AcquireRequest.of(x, TTL).withOwner(b).withWait(LONG_WAIT)))
          .isInstanceOfSatisfying(DeadlockException.class, e -> assertThat(e.cycle().steps()).containsExactly(
              new WaitCycle.Step(b.value(), x), new WaitCycle.Step(a.value(), y)));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed well before its wait ran out")
          .isLessThan(LONG_WAIT.dividedBy(2));

      yHeld.release();
      assertThat(aWaits.get(30, TimeUnit.SECONDS).isValid()).as("the other member proceeds").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> waitKeys().isEmpty());
    }
  }

  @Test
  void noOptIn_clientsWaitOnEachOther_nothingRecordedAndWaitRunsOut() {
    String x = "plain/x-" + UUID.randomUUID();
    String y = "plain/y-" + UUID.randomUUID();
    OwnerToken a = OwnerToken.of("a-" + UUID.randomUUID());
    OwnerToken b = OwnerToken.of("b-" + UUID.randomUUID());
    try (Holdfast first = Holdfast.connect(redis.uri());
         Holdfast second = Holdfast.connect(redis.uri())) {
      first.acquire(AcquireRequest.of(x, TTL).withOwner(a));
      second.acquire(AcquireRequest.of(y, TTL).withOwner(b));
      CallCounts.reset(List.of(redis.server()));
      CompletableFuture<Lease> aWaits = first.acquireAsync(AcquireRequest.of(y, TTL).withOwner(a).withWait(LONG_WAIT));
      await().atMost(Duration.ofSeconds(20)).until(() -> RedisItSupport.commandCalls(redis.server(), "evalsha") > 0);

      assertThat(second.tryAcquire(AcquireRequest.of(x, TTL).withOwner(b).withWait(Duration.ofSeconds(1))))
          .as("no detection: the wait just runs out").isEmpty();
      assertThat(waitKeys()).isEmpty();
      assertThat(aWaits).isNotDone();
      aWaits.cancel(true);
    }
  }

  @Test
  void uncontendedCycles_optedIn_sameRedisCommandsAsWithout() {
    long plain = commandsPerCycles(redis.uri());
    long detecting = commandsPerCycles(redis.uri() + "?deadlockDetection=requester");

    assertThat(plain).as("the cycles were counted").isGreaterThanOrEqualTo(40);
    assertThat(detecting).as("Redis commands of 20 uncontended acquire/release cycles").isEqualTo(plain);
    assertThat(waitKeys()).isEmpty();
  }

  /* Every command Redis counted (INFO commandstats) over 20 acquire/release cycles that never wait. */
  private static long commandsPerCycles(String uri) {
    try (Holdfast client = Holdfast.connect(uri)) {
      client.acquire(AcquireRequest.of("warm/" + UUID.randomUUID(), TTL).withoutAutoRenew()).release();
      CallCounts.reset(List.of(redis.server()));
      for (int i = 0; i < 20; i++) {
        client.acquire(AcquireRequest.of("calls/" + UUID.randomUUID(), TTL).withoutAutoRenew()
            .withWait(LONG_WAIT)).release();
      }
      return totalCalls(redis.server().info("commandstats"));
    }
  }

  private static long totalCalls(Map<String, String> stats) {
    return stats.entrySet().stream().filter(e -> !e.getKey().equals("cmdstat_info"))
        .mapToLong(e -> Long.parseLong(e.getValue().replaceAll("^calls=(\\d+),.*$", "$1"))).sum();
  }

  static io.holdfast.HoldfastOptions quietWaiters(String uri) {
    return io.holdfast.HoldfastOptions.builder().backend(uri).recheckInterval(Duration.ofSeconds(60)).build();
  }

  private static boolean exists(String key) {
    return (Long) redis.server().command("EXISTS", key) == 1L;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> waitKeys() {
    return (List<Object>) redis.server().command("KEYS", "holdfast:waits:*");
  }
}
