package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The read/write lock contract through the Holdfast client against one Redis server. */
class RedisReadWriteLockContractIT extends ReadWriteLockContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(redis.uri()).clientName("holdfast-contract-rw");
  }

  /** Every key of the name carries its hash tag: the holders, their expiries, the announced writers. */
  @Override
  protected long keysLeft(String name) {
    return ((List<?>) redis.server().command("KEYS", "*{" + name + "}*")).size();
  }
}
