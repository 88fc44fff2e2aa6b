package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.LockConcurrencyContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole lock contract (functional and concurrency) through the Holdfast client against Redis. */
class RedisLockContractIT extends LockConcurrencyContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri()).clientName("holdfast-contract");
  }
}
