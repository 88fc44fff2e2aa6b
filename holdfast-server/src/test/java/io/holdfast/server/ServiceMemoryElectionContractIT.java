package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The election contract through the lock service on its in-memory store (no Redis): campaigns are the service's
 * waiting acquires, observation its Watch stream, on the store the service runs without Redis.
 */
class ServiceMemoryElectionContractIT extends ElectionContractTest {
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }
}
