package io.holdfast.spring.integration;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The LockRegistry's contract directly on a real redis-server. */
class HoldfastLockRegistryRedisIT extends HoldfastLockRegistryContract {
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
