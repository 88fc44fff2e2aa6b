package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.ClusterTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The read/write lock contract through the Holdfast client on a 3-master, 3-replica Redis Cluster
 * (redis-cluster://).
 */
class ClusterReadWriteLockContractIT extends ReadWriteLockContractTest {
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
    return HoldfastOptions.builder().backend(cluster.uri()).clientName("holdfast-contract-cluster");
  }
}
