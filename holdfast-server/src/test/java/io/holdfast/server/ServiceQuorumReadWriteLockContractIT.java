package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The read/write lock contract through the lock service on three independent masters ({@code redis-quorum://}): the
 * service runs the library's quorum steps (holder tables granted by majority).
 */
class ServiceQuorumReadWriteLockContractIT extends ReadWriteLockContractTest {
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

  /* The service stores the name as <tenant>/<name> under its hash tag, here on every master. */
  @Override
  protected long keysLeft(String name) {
    return masters.masters().stream().mapToLong(m -> ((List<?>) m.command("KEYS",
        "*{" + Authenticator.OPEN_TENANT + "/" + name + "}*")).size()).sum();
  }
}
