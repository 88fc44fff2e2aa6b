package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The election contract through the lock service on three independent masters (redis-quorum://): each term is a
 * grant of the service's Redlock coordinator, its number the token settled over the masters.
 */
class ServiceQuorumElectionContractIT extends ElectionContractTest {
  private static IndependentMasters masters;
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(masters.uri())).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    masters.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }
}
