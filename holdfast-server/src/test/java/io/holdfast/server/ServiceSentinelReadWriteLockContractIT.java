package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.SentinelTopology;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The read/write lock contract through the lock service on a Sentinel-managed master, the service connected with
 * {@code waitReplicas=1}: the library's steps wait for one replica's acknowledgement of each grant and renewal.
 */
class ServiceSentinelReadWriteLockContractIT extends ReadWriteLockContractTest {
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
