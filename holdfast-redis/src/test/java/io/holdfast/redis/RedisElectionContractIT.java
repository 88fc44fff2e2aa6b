package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The election contract through the Holdfast client against one Redis server. */
class RedisElectionContractIT extends ElectionContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri()).clientName("holdfast-election-contract");
  }
}
