package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fair-lock contract on three independent masters (redis-quorum://): one line per master, tickets settled. */
class QuorumFairLockContractIT extends FairLockContractTest {
  private static IndependentMasters masters;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
  }

  @AfterAll
  static void stop() {
    masters.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(masters.uri());
  }
}
