package io.holdfast.spring.integration;

import io.holdfast.HoldfastOptions;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The LockRegistry's contract through the lock service (holdfast://, in-process server, real Redis). */
class HoldfastLockRegistryServiceIT extends HoldfastLockRegistryContract {
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

  @Override
  protected void loseEveryLease() {
    redis.flushAll();
  }
}
