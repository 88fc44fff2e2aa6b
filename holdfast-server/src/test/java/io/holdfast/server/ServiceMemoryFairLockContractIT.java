package io.holdfast.server;

import io.holdfast.HoldfastOptions;
import io.holdfast.client.ServiceAdmin;
import io.holdfast.testkit.contract.FairLockContractTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fair-lock contract through the lock service on its in-memory store: the service waits for its callers, keeps
 * their places in the library's line (LockTable, the scripts' rules in process) and its wait room wakes only the head.
 */
class ServiceMemoryFairLockContractIT extends FairLockContractTest {
  private static HoldfastServer server;
  private static ServiceAdmin admin;

  /* A re-check of 5 s keeps a waiting call's place for 10 s, as the contract's stopped-waiter test asks. */
  @BeforeAll
  static void startServer() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).recheckInterval(Duration.ofSeconds(5)).build());
    admin = ServiceAdmin.connect(server.uri().toString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopServer() {
    admin.close();
    server.close();
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
