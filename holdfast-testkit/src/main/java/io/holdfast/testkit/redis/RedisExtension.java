package io.holdfast.testkit.redis;

import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving a test class one standalone {@link RedisServer}, started before all its
 * tests and closed after them.
 *
 * <pre>{@code
 * class LockIT {
 *   @RegisterExtension
 *   static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();
 *
 *   @Test
 *   void acquire_freeLock_succeeds(RedisServer server) { ... redis.uri() ... }
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field (or with {@code @ExtendWith(RedisExtension.class)} for the
 * defaults): JUnit calls class-level callbacks only for static registrations, and a server per test
 * method would make a suite needlessly slow. {@code @Nested} classes share the outer class's server.
 *
 * <p>Before each test the server is healed: if the previous test paused it, it is resumed; if it was
 * stopped, killed or shut down, it is restarted on the same port. One fault test therefore cannot
 * poison the next, but a test that changed configuration ({@code CONFIG SET}) must undo it itself.
 * Data is left alone between tests unless {@link Builder#flushBetweenTests()} was set.
 *
 * <p>{@link RedisServer} parameters of test, lifecycle and constructor methods are resolved to the server.
 * Test methods of one class must not run concurrently with each other while faulting the server.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    ParameterResolver {

  private final RedisServerBuilder serverBuilder;
  private final boolean flushBetweenTests;

  /** Guarded by {@code this}; set by the outermost class's beforeAll, cleared by its afterAll. */
  private RedisServer server;
  private String ownerId;

  /** Creates an extension with a default server (no persistence) and no flushing between tests. */
  public RedisExtension() {
    this(new Builder());
  }

  private RedisExtension(Builder builder) {
    this.serverBuilder = builder.server;
    this.flushBetweenTests = builder.flushBetweenTests;
  }

  /**
   * Starts configuring an extension.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the running server.
   *
   * @return the server
   * @throws IllegalStateException if called outside the test class's lifetime
   */
  public synchronized RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("No Redis server: RedisExtension starts it in beforeAll, so register"
          + " it on a static field and use it only while the test class runs");
    }
    return server;
  }

  /**
   * Returns the server's URI.
   *
   * @return {@code redis://127.0.0.1:PORT}
   * @throws IllegalStateException if called outside the test class's lifetime
   */
  public String uri() {
    return server().uri();
  }

  /**
   * Deletes every key in every database of the server.
   *
   * @throws IllegalStateException if called outside the test class's lifetime
   */
  public void flushAll() {
    server().command("FLUSHALL");
  }

  /**
   * Starts the server unless an enclosing class already did.
   *
   * @param context the class's extension context
   */
  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = serverBuilder.build().start();
      ownerId = context.getUniqueId();
    }
  }

  /**
   * Closes the server when the class that started it is done; a {@code @Nested} class leaves it running.
   *
   * @param context the class's extension context
   */
  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(ownerId)) {
      try {
        server.close();
      } finally {
        server = null;
        ownerId = null;
      }
    }
  }

  /**
   * Heals the server left behind by the previous test, then flushes it if so configured.
   *
   * @param context the test's extension context
   * @throws ExtensionConfigurationException if the extension was registered on an instance field
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    RedisServer s;
    synchronized (this) {
      if (server == null) {
        throw new ExtensionConfigurationException("RedisExtension in " + context.getRequiredTestClass()
            + " must be registered on a static field: JUnit skips beforeAll for instance fields");
      }
      s = server;
    }
    if (s.isPaused()) {
      s.resume();
    }
    if (!s.isRunning()) {
      s.restart();
    }
    if (flushBetweenTests) {
      s.command("FLUSHALL");
    }
  }

  /**
   * Supports parameters of type {@link RedisServer}.
   *
   * @param parameterContext the parameter
   * @param extensionContext the current context
   * @return whether the parameter is a {@link RedisServer}
   */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == RedisServer.class;
  }

  /**
   * Resolves a {@link RedisServer} parameter to this extension's server.
   *
   * @param parameterContext the parameter
   * @param extensionContext the current context
   * @return the server
   */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return server();
  }

  /** Configures a {@link RedisExtension}; not thread-safe. */
  public static final class Builder {

    private final RedisServerBuilder server = RedisServer.builder();
    private boolean flushBetweenTests;

    private Builder() {}

    /**
     * Adds a server option; see {@link RedisServerBuilder#arg(String, String...)}.
     *
     * @param option the option, such as {@code "--maxmemory"}
     * @param values its values
     * @return this builder
     */
    public Builder arg(String option, String... values) {
      server.arg(option, values);
      return this;
    }

    /**
     * Enables the append-only file; see {@link RedisServerBuilder#persistence(boolean)}.
     *
     * @param enabled whether to persist
     * @return this builder
     */
    public Builder persistence(boolean enabled) {
      server.persistence(enabled);
      return this;
    }

    /**
     * Gives access to every other server setting, such as the binary or the timeouts.
     *
     * @param configurer called once, now, with the server builder
     * @return this builder
     */
    public Builder configure(Consumer<RedisServerBuilder> configurer) {
      Objects.requireNonNull(configurer, "configurer").accept(server);
      return this;
    }

    /**
     * Runs {@code FLUSHALL} before each test, so every test starts with an empty server.
     *
     * @return this builder
     */
    public Builder flushBetweenTests() {
      this.flushBetweenTests = true;
      return this;
    }

    /**
     * Creates the extension; its server is built and started by JUnit's beforeAll.
     *
     * @return the extension
     */
    public RedisExtension build() {
      return new RedisExtension(this);
    }
  }
}
