package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostReason;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Liveness after a Redis outage (issue 16): a lease granted after Redis came back is valid for its TTL counted
 * from a send that reached the restarted Redis, and a release deletes the key whenever Redis still holds it for
 * the owner, even when the client had already declared the lease lost.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisOutageLivenessIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private Holdfast client;

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  private Holdfast connect(Duration operationTimeout) {
    client = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri()).clientName("outage-it")
        .operationTimeout(operationTimeout).retryBudget(Duration.ofSeconds(30))
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    return client;
  }

  /*
   * The outage (3 s) is part of the scenario, not a timing assertion. Every attempt during it is rejected
   * locally (never sent), so the grant can only come from a send after the restart: its local deadline must be
   * at least restart + TTL - drift. Before the fix it counted from the first rejected attempt, 3 s earlier, and
   * the lease came back already invalid.
   */
  @Test
  void tryAcquire_redisKilledAndRestartedEmptyDuringTheWait_validityCountsFromASendAfterTheRestart(
      RedisServer server) throws Exception {
    Holdfast holdfast = connect(Duration.ofSeconds(2));
    Duration ttl = Duration.ofSeconds(2);
    holdfast.acquire("outage/warm-up", ttl).release();
    server.kill();
    CompletableFuture<Optional<Lease>> waiting =
        holdfast.tryAcquireAsync(AcquireRequest.of("outage/x", ttl).withWait(Duration.ofSeconds(15)));
    Thread.sleep(3_000);
    long restartedAt = System.nanoTime();
    server.restart();

    Lease lease = waiting.get(30, TimeUnit.SECONDS).orElseThrow();
    long validUntil = System.nanoTime() + lease.remainingValidity().toNanos();
    Duration drift = HoldfastOptions.builder().backend(redis.uri()).build().driftAllowance(ttl);
    assertThat(validUntil - restartedAt).as("local deadline counted from the restart")
        .isGreaterThanOrEqualTo(ttl.minus(drift).toNanos());
    lease.release();
    assertThat(server.command("EXISTS", "holdfast:{outage/x}")).isEqualTo(0L);
  }

  /*
   * Redis keeps the grant (its TTL raised by hand) while a pause longer than the lease's TTL makes the client
   * declare the lease lost (UNCONFIRMED). Redis still holds it for this owner and token, so release must delete
   * it: the contract is Redis's answer, not the local view.
   */
  @Test
  void release_leaseDeclaredLostButStillHeldInRedis_deletesTheKeyAndSucceeds(RedisServer server) {
    Holdfast holdfast = connect(Duration.ofSeconds(5));
    List<LeaseLostReason> lost = new CopyOnWriteArrayList<>();
    Lease lease = holdfast.acquire(AcquireRequest.of("outage/kept", Duration.ofMillis(600))
        .onLeaseLost((l, reason) -> lost.add(reason)));
    server.command("PEXPIRE", "holdfast:{outage/kept}", "60000");
    server.pause();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !lost.isEmpty());
    } finally {
      server.resume();
    }
    assertThat(lost).containsExactly(LeaseLostReason.UNCONFIRMED);
    assertThat(lease.isValid()).isFalse();
    assertThat(server.command("EXISTS", "holdfast:{outage/kept}")).isEqualTo(1L);

    lease.release();

    assertThat(server.command("EXISTS", "holdfast:{outage/kept}")).isEqualTo(0L);
  }
}
