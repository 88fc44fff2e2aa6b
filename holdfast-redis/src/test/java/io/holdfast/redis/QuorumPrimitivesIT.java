package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.testkit.redis.IndependentMasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Independent masters (redis-quorum://) offer no read/write lock and no semaphore: a majority of independent
 * holder tables does not bound the holders of a semaphore or keep readers from a writer in any one of them once
 * a master restarts empty, so the handles fail at once, before anything is sent, with a message that says so.
 */
class QuorumPrimitivesIT {
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
  void primitives_onIndependentMasters_refusedWithClearError() {
    try (Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(masters.uri()).build())) {
      assertThatThrownBy(() -> client.readWriteLock("reports")).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("offers no read/write locks").hasMessageContaining("redis-quorum://");
      assertThatThrownBy(() -> client.semaphore("workers", 3)).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("offers no semaphores");
    }
  }
}
