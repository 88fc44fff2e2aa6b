package io.holdfast.concurrent;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code Lock} adapter's contract directly on a real redis-server. */
class HoldfastLockRedisIT extends HoldfastLockContract {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri());
  }

  @Override
  protected void loseEveryLease() {
    redis.flushAll();
  }
}
