package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.LockConcurrencyContractTest;
import io.holdfast.testkit.redis.ClusterTopology;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole lock contract through the lock service on a 3-master, 3-replica Redis Cluster
 * ({@code redis-cluster://}): every service script touches one hash slot, so each call goes to one master.
 */
class ServiceClusterContractIT extends LockConcurrencyContractTest {
  private static ClusterTopology cluster;
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    cluster = ClusterTopology.start();
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(cluster.uri())).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    cluster.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }
}
