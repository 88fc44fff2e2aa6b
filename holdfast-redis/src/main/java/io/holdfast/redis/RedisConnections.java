package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce objects one backend owns: a client, one command connection (Lettuce pipelines every command
 * on it, so one is enough for any number of locks) and one pub/sub connection for release wake-ups.
 *
 * <p>Failure behaviour is chosen for the engine above, which retries transient failures with backoff: the
 * connections reconnect by themselves, commands issued while disconnected fail at once instead of queueing
 * ({@link DisconnectedBehavior#REJECT_COMMANDS}), and every command times out after
 * {@link HoldfastOptions#operationTimeout()}. Strings go over the wire as UTF-8 throughout.
 *
 * <p>Safe: fields are final, Lettuce clients and connections are thread-safe, and {@link #close()} runs once.
 */
final class RedisConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
  /** Long enough for in-flight commands to fail cleanly, short enough not to stall a client's close. */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  final StatefulRedisConnection<String, String> commands;
  final StatefulRedisPubSubConnection<String, String> pubSub;
  /** The URI without credentials, for messages and {@code describe()}. */
  final String safeUri;
  final String serverVersion;
  private final RedisClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisConnections(RedisClient client, StatefulRedisConnection<String, String> commands,
      StatefulRedisPubSubConnection<String, String> pubSub, String safeUri, String serverVersion) {
    this.client = client;
    this.commands = commands;
    this.pubSub = pubSub;
    this.safeUri = safeUri;
    this.serverVersion = serverVersion;
  }

  /**
   * Connects both connections, reads the server version and loads the scripts, so that a bad address,
   * password or script fails here rather than on the first lock.
   *
   * @param options the client options
   * @param scripts loaded with {@code SCRIPT LOAD} (the server compiles them now)
   * @return the open connections
   * @throws InvalidArgumentException when the URI is malformed
   * @throws BackendUnavailableException when Redis cannot be reached
   */
  static RedisConnections open(HoldfastOptions options, List<LuaScript> scripts) {
    RedisURI uri = parse(options.backend(), options.operationTimeout());
    uri.setClientName(clientName(options.clientName()));
    String safeUri = safeUri(uri);
    RedisClient client = RedisClient.create();
    client.setOptions(clientOptions(options.operationTimeout()));
    try {
      StatefulRedisConnection<String, String> commands = client.connect(StringCodec.UTF8, uri);
      StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8, uri);
      String version = serverVersion(commands.sync().info("server"));
      for (LuaScript script : scripts) {
        String sha = commands.sync().scriptLoad(script.source());
        if (!sha.equals(script.sha1())) {
          throw new HoldfastException(ErrorCode.INTERNAL, "Redis at " + safeUri + " digests " + script.name()
              + " as " + sha + ", expected " + script.sha1() + "; client and server disagree on its bytes");
        }
      }
      return new RedisConnections(client, commands, pubSub, safeUri, version);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
      throw openFailure(safeUri, e);
    }
  }

  /** Shuts the client down without a quiet period; idempotent. Pending commands fail. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.warn("Closing the Redis client for {} failed", safeUri, e);
      }
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  static RedisURI parse(URI backend, Duration timeout) {
    String scheme = backend.getScheme() == null ? "" : backend.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new InvalidArgumentException("Redis backend URI must start with redis:// or rediss://, was '"
          + withoutUserInfo(backend) + "'");
    }
    if (backend.getHost() == null || backend.getHost().isBlank()) {
      throw new InvalidArgumentException("Redis backend URI must name a host and optional numeric port, "
          + "as in redis://127.0.0.1:6379, was '" + withoutUserInfo(backend) + "'");
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(backend);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("Redis backend URI '" + withoutUserInfo(backend) + "' is malformed: "
          + e.getMessage());
    }
    uri.setTimeout(timeout);
    return uri;
  }

  /** CLIENT SETNAME allows no spaces or control characters; replace them rather than fail. */
  static String clientName(String name) {
    StringBuilder sanitized = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sanitized.append(c >= '!' && c <= '~' ? c : '_');
    }
    return sanitized.toString();
  }

  static String safeUri(RedisURI uri) {
    String host = uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost();
    String db = uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase();
    return (uri.isSsl() ? "rediss" : "redis") + "://" + host + ":" + uri.getPort() + db;
  }

  static String serverVersion(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        return line.substring("redis_version:".length()).trim();
      }
    }
    return "unknown version";
  }

  private static ClientOptions clientOptions(Duration timeout) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
        .build();
  }

  private static HoldfastException openFailure(String safeUri, RuntimeException e) {
    if (e instanceof HoldfastException holdfast) {
      return holdfast;
    }
    if (e instanceof RedisCommandInterruptedException) {
      // Most Lettuce paths restore the interrupt flag; not all of them, so make sure.
      Thread.currentThread().interrupt();
      return new HoldfastException(ErrorCode.INTERRUPTED, "Interrupted while connecting to Redis at " + safeUri, e);
    }
    String cause = rootMessage(e);
    if (cause.startsWith("WRONGPASS") || cause.startsWith("NOAUTH") || cause.startsWith("NOPERM")) {
      return new HoldfastException(ErrorCode.PERMISSION_DENIED,
          "Redis at " + safeUri + " refused the credentials: " + cause, e);
    }
    if (RedisErrors.isTransient(e)) {
      return new BackendUnavailableException("Cannot connect to Redis at " + safeUri + ": " + cause, e);
    }
    return new HoldfastException(ErrorCode.INTERNAL,
        "Redis at " + safeUri + " refused the set-up of the Holdfast backend: " + cause, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  /** Drops {@code user:password@}; done on the text, since a URI with a bad port has no parsed user info. */
  private static String withoutUserInfo(URI uri) {
    return uri.toString().replaceFirst("//[^/]*@", "//");
  }
}
