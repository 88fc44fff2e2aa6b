package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.ClusterTopology;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The election contract through the lock service on a 3-master Redis Cluster: each election's lock in its own slot,
 * the session steps on others.
 */
class ServiceClusterElectionContractIT extends ElectionContractTest {
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
