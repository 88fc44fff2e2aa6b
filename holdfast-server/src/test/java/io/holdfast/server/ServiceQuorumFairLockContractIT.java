package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.client.ServiceAdmin;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fair-lock contract through the lock service on three independent masters ({@code redis-quorum://}): each
 * master keeps its own line of "<session id> <owner>" places, and the library's Redlock settles every waiter's ticket
 * into all of them; each master's release names its own head.
 */
class ServiceQuorumFairLockContractIT extends FairLockContractTest {
  private static IndependentMasters masters;
  private static HoldfastServer server;
  private static ServiceAdmin admin;

  /* A re-check of 5 s keeps a waiting call's place for 10 s, as the contract's stopped-waiter test asks. */
  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(masters.uri()))
        .recheckInterval(Duration.ofSeconds(5)).build());
    admin = ServiceAdmin.connect(server.uri().toString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
    masters.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(server.uri().toString());
  }

  /* The service waits for its callers: the waiters it lists are those in line behind the holder. */
  @Override
  protected int inLine(String name) {
    return admin.listWaiters(name).size();
  }
}
