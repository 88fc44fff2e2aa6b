package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.ClusterTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The election contract through the Holdfast client on a 3-master, 3-replica Redis Cluster. */
class ClusterElectionContractIT extends ElectionContractTest {
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
    return HoldfastOptions.builder().backend(cluster.uri()).clientName("holdfast-election-contract-cluster");
  }
}
