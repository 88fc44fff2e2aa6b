package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fair-lock contract through the Holdfast client against one Redis server. */
class RedisFairLockContractIT extends FairLockContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri());
  }
}
