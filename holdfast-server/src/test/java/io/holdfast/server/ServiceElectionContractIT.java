package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The election contract through the lock service: the holdfast:// backend of holdfast-client over gRPC to an
 * in-process server on a real redis-server. Campaigns are the service's waiting acquires, observation its Watch
 * stream.
 */
class ServiceElectionContractIT extends ElectionContractTest {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void startServer() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri())).build());
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }
}
