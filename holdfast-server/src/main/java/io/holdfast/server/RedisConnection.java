package io.holdfast.server;

import io.holdfast.ErrorCode;
import io.holdfast.api.v1.Reason;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The Lettuce objects of one service instance: one command connection (Lettuce pipelines every command on it)
 * and one pub/sub connection that pattern-subscribes to every lock's release channel. Chosen for failing fast:
 * commands issued while disconnected fail at once (REJECT_COMMANDS) and every command times out after the
 * configured Redis timeout, so a request never hangs on a dead Redis; both connections reconnect by themselves
 * and Lettuce re-issues the PSUBSCRIBE after a reconnect. Fields are final and Lettuce objects thread-safe.
 */
final class RedisConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
  /** Server error codes that announce a passing condition: the request was not applied, retry later. */
  private static final Set<String> PASSING = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "NOREPLICAS");

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisPubSubConnection<String, String> pubSub;
  private final String safeUri;
  private final String version;

  private RedisConnection(RedisClient client, StatefulRedisConnection<String, String> commands,
      StatefulRedisPubSubConnection<String, String> pubSub, String safeUri, String version) {
    this.client = client;
    this.commands = commands;
    this.pubSub = pubSub;
    this.safeUri = safeUri;
    this.version = version;
  }

  /** Connects both connections; fails with UNAVAILABLE when Redis cannot be reached now. */
  static RedisConnection open(URI uri, Duration timeout, String clientName) {
    RedisURI redisUri;
    try {
      redisUri = RedisURI.create(uri);
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest("Redis URI '" + redact(uri) + "' is malformed: " + e.getMessage());
    }
    redisUri.setTimeout(timeout);
    redisUri.setClientName(clientName);
    String safe = redact(uri);
    RedisClient client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
        .build());
    try {
      StatefulRedisConnection<String, String> commands = client.connect(StringCodec.UTF8, redisUri);
      StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8, redisUri);
      String version = commands.sync().info("server").lines()
          .filter(line -> line.startsWith("redis_version:"))
          .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("unknown version");
      return new RedisConnection(client, commands, pubSub, safe, version);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw ServiceException.unavailable("cannot connect to Redis at " + safe + ": " + rootMessage(e), e);
    }
  }

  RedisAsyncCommands<String, String> async() {
    return commands.async();
  }

  /** Pattern-subscribes once; {@code onMessage} gets (channel, message) on a Lettuce thread. */
  void psubscribe(String pattern, BiConsumer<String, String> onMessage) {
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String matched, String channel, String message) {
        onMessage.accept(channel, message);
      }
    });
    pubSub.sync().psubscribe(pattern);
  }

  String describe() {
    return safeUri + " (Redis " + version + ")";
  }

  /** Maps any failure of a Redis future onto the service's failure. */
  ServiceException failure(Throwable failure, String what) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ServiceException service) {
      return service;
    }
    if (cause instanceof RedisCommandExecutionException && !PASSING.contains(firstWord(cause.getMessage()))) {
      log.error("{} failed: Redis at {} refused a command", what, safeUri, cause);
      return new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR,
          what + " failed: Redis refused the command: " + cause.getMessage(), cause);
    }
    return ServiceException.unavailable(what + " failed: Redis at " + safeUri + " is unavailable ("
        + rootMessage(cause) + "); nothing was changed or the call is safe to repeat", cause);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  @Override
  public void close() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.warn("closing the Redis client for {} failed", safeUri, e);
    }
  }

  private static String firstWord(String message) {
    if (message == null) {
      return "";
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  private static String redact(URI uri) {
    return uri.toString().replaceFirst("//[^/]*@", "//");
  }
}
