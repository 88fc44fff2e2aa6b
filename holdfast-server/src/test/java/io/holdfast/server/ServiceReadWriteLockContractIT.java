package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read/write lock contract through the lock service on a real redis-server: the holdfast:// client's
 * PrimitiveService calls, each one step of the library's scripts on the service side.
 */
class ServiceReadWriteLockContractIT extends ReadWriteLockContractTest {
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

  /* The service stores the name as <tenant>/<name> (tenant "default" without authentication), under its hash tag. */
  @Override
  protected long keysLeft(String name) {
    return ((List<?>) redis.server().command("KEYS", "*{" + Authenticator.OPEN_TENANT + "/" + name + "}*")).size();
  }
}
