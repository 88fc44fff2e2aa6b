package io.holdfast.testkit.contract;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * What the contract suites of the read/write lock and the semaphore share: the backend's options, clients that
 * are closed after each test, and fresh names. Subclass a suite once per backend and topology and supply
 * {@link #options()}.
 */
public abstract class PrimitiveContractClients {
  private final List<Holdfast> clients = new ArrayList<>();

  /**
   * Options for a client of the backend under test; called for every client a test opens.
   *
   * @return a builder with the backend set; tests may change timing fields
   */
  protected abstract HoldfastOptions.Builder options();

  /**
   * Opens a client that is closed after the test.
   *
   * @return a new client
   */
  protected Holdfast client() {
    return client(options());
  }

  /**
   * Opens a client with the given options that is closed after the test.
   *
   * @param builder the options
   * @return a new client
   */
  protected Holdfast client(HoldfastOptions.Builder builder) {
    Holdfast client = Holdfast.connect(builder.build());
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /**
   * A name no other test uses.
   *
   * @return a fresh name
   */
  protected static String freshName() {
    return "contract/" + UUID.randomUUID();
  }

  /**
   * How many keys (or entries) of the primitive named {@code name} the backend still keeps, when the subclass can
   * tell; the suites then check that a released primitive leaves nothing behind.
   *
   * @param name the primitive's name
   * @return the count, or -1 when this backend cannot tell (the check is skipped)
   */
  protected long keysLeft(String name) {
    return -1;
  }

  @AfterEach
  void closeClients() {
    synchronized (clients) {
      clients.forEach(Holdfast::close);
      clients.clear();
    }
  }
}
