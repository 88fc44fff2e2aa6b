package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.ClusterTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fair-lock contract on a 3-master Redis Cluster: the line lives in the lock's slot, hand-offs go by SPUBLISH. */
class ClusterFairLockContractIT extends FairLockContractTest {
  private static ClusterTopology cluster;

  @BeforeAll
  static void start() {
    cluster = ClusterTopology.start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(cluster.uri());
  }
}
