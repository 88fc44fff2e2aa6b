package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.LockConcurrencyContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole lock contract through the lock service on three independent masters ({@code redis-quorum://}):
 * sessions on every master, locks granted by a majority with the library's token settlement.
 */
class ServiceQuorumContractIT extends LockConcurrencyContractTest {
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
