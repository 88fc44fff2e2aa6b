package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.client.ServiceAdmin;
import io.holdfast.testkit.contract.FairLockContractTest;
import io.holdfast.testkit.redis.SentinelTopology;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fair-lock contract through the lock service on a Sentinel-managed master, the service connected with
 * {@code waitReplicas=1}: the line is written with the grant, so each attempt that joins or keeps a place waits for
 * one replica's acknowledgement like a grant.
 */
class ServiceSentinelFairLockContractIT extends FairLockContractTest {
  private static SentinelTopology sentinel;
  private static HoldfastServer server;
  private static ServiceAdmin admin;

  /* A re-check of 5 s keeps a waiting call's place for 10 s, as the contract's stopped-waiter test asks. */
  @BeforeAll
  static void start() {
    sentinel = SentinelTopology.start();
    server = HoldfastServer.start(ServerConfig.builder().port(0)
        .redis(URI.create(sentinel.uri() + "&waitReplicas=1&waitTimeout=500ms"))
        .recheckInterval(Duration.ofSeconds(5)).build());
    admin = ServiceAdmin.connect(server.uri().toString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
    sentinel.close();
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
