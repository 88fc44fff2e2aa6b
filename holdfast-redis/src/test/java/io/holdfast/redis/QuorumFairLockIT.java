package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.testkit.redis.IndependentMasters;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Independent masters have no fair mode (docs/fair-lock.md): each master would keep its own line, and a majority
 * of heads is not guaranteed to exist. A fair request is refused, never served as a plain one.
 */
@Timeout(60)
class QuorumFairLockIT {
  private static IndependentMasters masters;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
  }

  @AfterAll
  static void stop() {
    masters.close();
  }

  @Test
  void fairAcquire_independentMasters_refusedWithInvalidArgument() {
    try (Holdfast client = Holdfast.connect(masters.uri())) {
      AcquireRequest request = AcquireRequest.of("fair/quorum", Duration.ofSeconds(5)).withFair(true);
      assertThatThrownBy(() -> client.acquire(request))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("fair locks are not available");
      assertThatThrownBy(() -> client.tryAcquire(request.withWait(Duration.ZERO)))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }
}
