package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce objects one backend owns for one logical master: a client, one command connection (Lettuce
 * pipelines every command on it, so one is enough for any number of locks) and one pub/sub connection for
 * release wake-ups. For a standalone server and for Sentinel the command connection is a plain connection
 * (Lettuce asks the sentinels for the master on every reconnect, so a failover is followed once the old master's
 * connection drops); for Cluster it is Lettuce's cluster connection, which routes each command by the hash slot
 * of its first key and follows MOVED and ASK. Both are used through {@link RedisClusterAsyncCommands}, the part
 * of the API they share.
 *
 * <p>Failure behaviour is set in {@link LettuceSetup}. Strings go over the wire as UTF-8 throughout.
 *
 * <p>Safe: fields are final, Lettuce clients and connections are thread-safe, and {@link #close()} runs once.
 */
final class RedisConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
  /** Long enough for in-flight commands to fail cleanly, short enough not to stall a client's close. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  final RedisClusterAsyncCommands<String, String> commands;
  final StatefulRedisPubSubConnection<String, String> pubSub;
  /** Whether release messages travel on sharded channels (SSUBSCRIBE / SPUBLISH; Cluster on Redis 7+). */
  final boolean shardedPubSub;
  /** The URI without credentials, for messages and {@code describe()}. */
  final String safeUri;
  final String serverVersion;
  private final StatefulConnection<String, String> commandConnection;
  private final AbstractRedisClient client;
  private final ClientResources resources;
  private final AtomicBoolean closed = new AtomicBoolean();

  RedisConnections(AbstractRedisClient client, ClientResources resources,
      StatefulConnection<String, String> commandConnection, RedisClusterAsyncCommands<String, String> commands,
      StatefulRedisPubSubConnection<String, String> pubSub, boolean shardedPubSub, String safeUri,
      String serverVersion) {
    this.client = client;
    this.commandConnection = commandConnection;
    this.resources = resources;
    this.commands = commands;
    this.pubSub = pubSub;
    this.shardedPubSub = shardedPubSub;
    this.safeUri = safeUri;
    this.serverVersion = serverVersion;
  }

  /**
   * Connects to the standalone server, Sentinel-managed master or cluster the options name.
   *
   * @param options the client options
   * @param scripts loaded with {@code SCRIPT LOAD} (the server compiles them now)
   * @return the open connections
   * @throws InvalidArgumentException when the URI is malformed or names independent masters
   * @throws BackendUnavailableException when Redis cannot be reached
   */
  static RedisConnections open(HoldfastOptions options, List<LuaScript> scripts) {
    return open(TopologyUris.parse(options.backend(), options.operationTimeout()), options, scripts);
  }

  /**
   * Connects both connections, reads the server version and loads the scripts, so that a bad address,
   * password or script fails here rather than on the first lock.
   *
   * @param spec the parsed URI; standalone, Sentinel or Cluster
   * @param options the client options (timeouts, client name)
   * @param scripts loaded with {@code SCRIPT LOAD}
   * @return the open connections
   * @throws BackendUnavailableException when Redis cannot be reached
   */
  static RedisConnections open(TopologySpec spec, HoldfastOptions options, List<LuaScript> scripts) {
    if (spec.kind() == RedisTopology.QUORUM) {
      throw new InvalidArgumentException("independent masters need one connection set per master: " + spec.safeUri());
    }
    if (spec.kind() == RedisTopology.CLUSTER) {
      return ClusterSetup.open(spec, options, scripts);
    }
    RedisURI uri = spec.nodes().get(0);
    uri.setClientName(clientName(options.clientName()));
    ClientResources resources = SharedClientResources.acquire();
    RedisClient client = RedisClient.create(resources);
    client.setOptions(LettuceSetup.clientOptions(options.operationTimeout()));
    try {
      StatefulRedisConnection<String, String> commands = client.connect(StringCodec.UTF8, uri);
      StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8, uri);
      String version = serverVersion(commands.sync().info("server"));
      LettuceSetup.loadScripts(commands.sync(), scripts, spec.safeUri());
      LettuceSetup.reloadOnReconnect(client, commands,
          () -> scripts.forEach(script -> commands.async().scriptLoad(script.source())));
      return new RedisConnections(client, resources, commands, commands.async(), pubSub, false, spec.safeUri(),
          version);
    } catch (RuntimeException e) {
      shutdown(client, resources, spec.safeUri());
      throw openFailure(spec.safeUri(), e);
    }
  }

  /**
   * Closes the connections, then shuts the client down without a quiet period; idempotent. Pending commands
   * fail. Closing the connections first matters on Cluster: the client would otherwise close each node
   * connection a second time after its cluster connection did, and Lettuce warns about every one.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        commandConnection.close();
        pubSub.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing the connections to {} failed; shutting the client down anyway", safeUri, e);
      }
      shutdown(client, resources, safeUri);
    }
  }

  /** Shuts the client down, then gives back its resources (shared ones stay up while other clients use them). */
  static void shutdown(AbstractRedisClient client, ClientResources resources, String safeUri) {
    try {
      client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("Closing the Redis client for {} failed", safeUri, e);
    }
    try {
      SharedClientResources.release(resources);
    } catch (RuntimeException e) {
      LOG.warn("Releasing the Lettuce resources of the client for {} failed", safeUri, e);
    }
  }

  /**
   * Runs {@code action} (on a Lettuce thread) whenever the cluster topology this client sees changes, such as
   * after a failover or a slot migration. Never called for a single connection. The subscription ends when
   * the client's resources shut down.
   */
  void onTopologyChange(Runnable action) {
    resources.eventBus().get()
        .filter(event -> event instanceof ClusterTopologyChangedEvent)
        .subscribe(event -> action.run(), failure -> LOG.debug("Topology events of {} ended", safeUri, failure));
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

  static HoldfastException openFailure(String safeUri, RuntimeException e) {
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
