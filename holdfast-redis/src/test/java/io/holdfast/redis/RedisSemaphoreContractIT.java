package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.SemaphoreContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The semaphore contract through the Holdfast client against one Redis server. */
class RedisSemaphoreContractIT extends SemaphoreContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri()).clientName("holdfast-contract-semaphore");
  }

  /** Every key of the name carries its hash tag: the holders and their expiries. */
  @Override
  protected long keysLeft(String name) {
    return ((List<?>) redis.server().command("KEYS", "*{" + name + "}*")).size();
  }
}
