package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.SentinelTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The election contract through the Holdfast client on a Sentinel-managed master with 2 replicas and 3 sentinels
 * (redis-sentinel://), every grant and renewal waiting for one replica's acknowledgement.
 */
class SentinelElectionContractIT extends ElectionContractTest {
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
    return HoldfastOptions.builder().backend(sentinel.uri() + "&waitReplicas=1&waitTimeout=500ms")
        .clientName("holdfast-election-contract-sentinel");
  }
}
