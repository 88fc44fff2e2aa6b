package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deterministic reproductions of the two engine bugs `holdfast verify` found (docs/safety.md, "Bugs found"), with
 * the ambiguous failure scripted by {@link FlakyBackend} instead of waiting for a fault to hit the right moment.
 * Both failed on the engine as the checker first found it, and pass with the fixes in LockClient.afterRelease and
 * AcquireOperation.
 */
@Timeout(30)
class EngineRegressionIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private Holdfast flaky;
  private Holdfast other;

  private void connect(RedisServer server) {
    flaky = Holdfast.connect(options("flaky-redis://" + server.host() + ":" + server.port()));
    other = Holdfast.connect(options(server.uri()));
  }

  private static HoldfastOptions options(String uri) {
    return HoldfastOptions.builder().backend(uri).operationTimeout(Duration.ofMillis(500))
        .retryBudget(Duration.ofSeconds(3)).build();
  }

  @AfterEach
  void close() {
    FlakyBackend.loseNextAcquireAnswer = false;
    FlakyBackend.dropNextRelease = false;
    if (flaky != null) {
      flaky.close();
    }
    if (other != null) {
      other.close();
    }
  }

  /* Bug 1: a release begun after the lease was lost must not report success, even after an ambiguous attempt. */
  @Test
  void releaseOfALostLease_afterAnAmbiguousAttempt_doesNotSucceed(RedisServer server) throws Exception {
    connect(server);
    Lease stale = flaky.acquire(AcquireRequest.of("orders", Duration.ofMillis(300)).withoutAutoRenew());
    Thread.sleep(400);
    try (Lease successor = other.acquire(AcquireRequest.of("orders", Duration.ofSeconds(5)))) {
      assertThat(successor.fencingToken().isNewerThan(stale.fencingToken())).isTrue();
      FlakyBackend.dropNextRelease = true;

      assertThatThrownBy(stale::release).isInstanceOf(LeaseLostException.class);
    }
  }

  /* Bug 2: a lease granted by an attempt whose answer was lost must not stay valid locally past Redis's expiry. */
  @Test
  void leaseGrantedByALostAnswer_isNotValidLongerThanRedisKeepsIt(RedisServer server) {
    connect(server);
    FlakyBackend.loseNextAcquireAnswer = true;

    Lease lease = flaky.acquire(AcquireRequest.of("orders", Duration.ofSeconds(2)).withoutAutoRenew());

    long redisLeft = (Long) server.command("PTTL", "holdfast:{orders}");
    assertThat(lease.remainingValidity().toMillis())
        .as("local validity must end before Redis expires the lease (PTTL %d ms)", redisLeft)
        .isLessThanOrEqualTo(redisLeft);
  }
}
