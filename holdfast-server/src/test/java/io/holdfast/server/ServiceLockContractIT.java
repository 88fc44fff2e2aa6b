package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.LockConcurrencyContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole lock contract through the lock service: the holdfast:// backend of holdfast-client talking gRPC over
 * loopback to an in-process server on a real redis-server. Passing it means an application can switch between
 * redis:// and holdfast:// by changing the URI only.
 */
class ServiceLockContractIT extends LockConcurrencyContractTest {
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
