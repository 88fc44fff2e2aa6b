package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.SentinelTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fair-lock contract on a Sentinel-managed master, every grant (and its place in line) acknowledged by a replica. */
class SentinelFairLockContractIT extends FairLockContractTest {
  private static SentinelTopology sentinel;

  @BeforeAll
  static void start() {
    sentinel = SentinelTopology.start();
  }

  @AfterAll
  static void stop() {
    sentinel.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(sentinel.uri() + "&waitReplicas=1&waitTimeout=500ms");
  }
}
