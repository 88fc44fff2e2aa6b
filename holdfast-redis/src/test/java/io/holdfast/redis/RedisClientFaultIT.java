package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.BackendUnavailableException;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostReason;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults seen through the Holdfast client: Redis paused past a lease's TTL, and Redis restarted mid-run. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisClientFaultIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private Holdfast client;

  private Holdfast connect(Duration operationTimeout, Duration retryBudget) {
    client = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri()).clientName("fault-it")
        .operationTimeout(operationTimeout).retryBudget(retryBudget)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    return client;
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void leaseLostListener_redisPausedPastTtl_firesUnconfirmedBeforeRedisReturns(RedisServer server) {
    Duration operationTimeout = Duration.ofSeconds(5);
    Holdfast holdfast = connect(operationTimeout, Duration.ofSeconds(2));
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = holdfast.acquire(AcquireRequest.of("paused/ttl", Duration.ofMillis(600))
        .onLeaseLost((lost, reason) -> reasons.add(reason)));
    long pausedAt = System.nanoTime();
    server.pause();
    try {
      await().atMost(operationTimeout).until(() -> !reasons.isEmpty());
      long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt);
      assertThat(reasons).containsExactly(LeaseLostReason.UNCONFIRMED);
      assertThat(lease.isValid()).isFalse();
      // At the lease's deadline (600 ms), while the renewal call still hangs: before its 5 s timeout ends it.
      assertThat(noticedMillis).as("noticed %d ms after the pause", noticedMillis)
          .isLessThan(operationTimeout.toMillis());
    } finally {
      server.resume();
    }
    Lease next = holdfast.acquire(AcquireRequest.of("paused/ttl", Duration.ofSeconds(5))
        .withWait(Duration.ofSeconds(10)));
    assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
    next.release();
  }

  @Test
  void operations_redisRestartedMidRun_failClearlyThenSucceedAfterReturn(RedisServer server)
      throws InterruptedException {
    Holdfast holdfast = connect(Duration.ofMillis(500), Duration.ofMillis(800));
    Lease before = holdfast.acquire("restart/lock", Duration.ofSeconds(5));
    before.release();
    server.kill();
    assertThatThrownBy(() -> holdfast.acquire("restart/lock", Duration.ofSeconds(5)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("restart/lock")
        .hasMessageContaining(String.valueOf(server.port()));
    server.restart();
    Optional<Lease> after = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (after.isEmpty() && System.nanoTime() < deadline) {
      try {
        after = holdfast.tryAcquire(AcquireRequest.of("restart/lock", Duration.ofSeconds(5))
            .withWait(Duration.ofSeconds(1)));
      } catch (BackendUnavailableException stillReconnecting) {
        Thread.sleep(100);
      }
    }
    assertThat(after).as("acquire after restart").isPresent();
    assertThat(after.get().fencingToken()).as("token after data loss still grows (TIME floor)")
        .isGreaterThan(before.fencingToken());
    after.get().release();
  }

  /**
   * A restarted server has an empty script cache. The client loads its scripts again as soon as Lettuce has
   * reconnected, so calls find them rather than each paying a NOSCRIPT round trip and a re-send from its reply's
   * callback (which would land behind anything issued since).
   */
  @Test
  void scripts_redisRestarted_areLoadedAgainOnceReconnected(RedisServer server) {
    Holdfast holdfast = connect(Duration.ofMillis(500), Duration.ofMillis(800));
    holdfast.acquire("restart/scripts", Duration.ofSeconds(5)).release();
    server.restart();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (LuaScript script : List.of(LockScripts.ACQUIRE, LockScripts.RELEASE, LockScripts.RENEW)) {
        assertThat(server.command("SCRIPT", "EXISTS", script.sha1()))
            .as("%s cached again without any lock call", script.name()).isEqualTo(List.of(1L));
      }
    });
  }
}
