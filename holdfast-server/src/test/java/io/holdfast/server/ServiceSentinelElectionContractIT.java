package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.SentinelTopology;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The election contract through the lock service on a Sentinel-managed master, the service connected with
 * {@code waitReplicas=1}: each grant of a term waits for one replica's acknowledgement.
 */
class ServiceSentinelElectionContractIT extends ElectionContractTest {
  private static SentinelTopology sentinel;
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    sentinel = SentinelTopology.start();
    server = HoldfastServer.start(ServerConfig.builder().port(0)
        .redis(URI.create(sentinel.uri() + "&waitReplicas=1&waitTimeout=500ms")).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    sentinel.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }
}
