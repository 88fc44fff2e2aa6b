package io.holdfast.fence;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.InvalidArgumentException;
import io.holdfast.redis.LuaScript;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The resource's side of fencing for data kept in Redis: {@code SET}, {@code HSET} and {@code XADD} that apply only
 * when the writer's fencing token is at least the highest token that key has accepted, and are refused (nothing
 * changes) when it is lower, because a newer holder of the lock has written since. The check, the write and the
 * raise of the fence are one Lua script ({@code fenced_write.lua}), so no other write can come between them.
 *
 * <pre>{@code
 * RedisFence fence = RedisFence.on(resourceConnection.async());
 * fence.set(lease.fencingToken(), "orders:42", json).requireApplied("orders:42", lease.fencingToken());
 * }</pre>
 *
 * <p><b>Where.</b> The resource may live in the Redis that holds the locks or in any other one: the guard needs
 * only a connection to the resource's Redis, and the tokens from the lock. Each resource key has its own fence,
 * the key {@link #fenceKeyOf(String)}, which has no TTL (forgetting it would let a stale token in once) and
 * shares the resource key's hash slot, so the guard works on Redis Cluster. Delete it only with the resource, once
 * no holder of the lock can still write.
 *
 * <p><b>Which token.</b> Use one lock per resource key (or per group of keys, each fenced with that lock's
 * tokens). Tokens of different locks must not be mixed on one key: a Holdfast token only increases per lock.
 *
 * <p><b>Equal tokens</b> are accepted: they are the same grant writing again. A repeated {@code SET} or
 * {@code HSET} is harmless; a repeated {@code XADD} appends a second entry, so an {@code XADD} whose outcome is
 * unknown (a timeout) must not be blindly repeated. The guard itself never retries.
 *
 * <p><b>Failures.</b> The synchronous methods wait at most the guard's timeout ({@link #DEFAULT_TIMEOUT}, the
 * same as Lettuce's synchronous commands; {@link #withTimeout(Duration)} sets another), since Lettuce's async
 * commands do not time out unless the client enables {@code TimeoutOptions}. A connection failure or a timeout
 * throws {@link BackendUnavailableException} (the write may or may not have been applied); any
 * other Redis error (the key holds another type) throws {@link HoldfastException} with code {@code INTERNAL},
 * and then neither the data nor the fence changed.
 *
 * <p>Thread-safe: immutable, over Lettuce's thread-safe async commands.
 */
public final class RedisFence {
  /** The prefix of every fence key; see {@link #fenceKeyOf(String)}. */
  public static final String FENCE_KEY_PREFIX = "holdfast-fence:";

  /** How long a synchronous write waits for Redis unless told otherwise: Lettuce's default command timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final LuaScript SCRIPT = LuaScript.load(RedisFence.class, "fenced_write.lua");

  private final RedisClusterAsyncCommands<String, String> commands;
  private final Duration timeout;

  private RedisFence(RedisClusterAsyncCommands<String, String> commands, Duration timeout) {
    this.commands = Objects.requireNonNull(commands, "commands");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidArgumentException("a fenced write's timeout must be positive, was " + timeout);
    }
  }

  /**
   * A guard writing through {@code commands}: a standalone, Sentinel or Cluster connection's
   * {@code async()} commands, with String keys and values.
   *
   * @param commands the resource's Redis
   * @return the guard
   */
  public static RedisFence on(RedisClusterAsyncCommands<String, String> commands) {
    return new RedisFence(commands, DEFAULT_TIMEOUT);
  }

  /**
   * The same guard, whose synchronous writes wait at most {@code timeout} (the async ones are unaffected).
   *
   * @param timeout positive
   * @return a new guard
   * @throws InvalidArgumentException when the timeout is zero or negative
   */
  public RedisFence withTimeout(Duration timeout) {
    return new RedisFence(commands, timeout);
  }

  /**
   * The fence key of a resource key: {@code holdfast-fence:<key>} when the key has a hash tag (the tag then
   * decides the slot of both), otherwise {@code holdfast-fence:{<key>}}, whose tag is the whole key and so lands
   * in the key's own slot.
   *
   * @param key the resource key
   * @return its fence key, in the same Redis Cluster hash slot
   * @throws InvalidArgumentException when the key is empty, or has no hash tag but contains a {@code '}'} (its
   *     slot cannot then be shared by a tagged key: give such a key a hash tag)
   */
  public static String fenceKeyOf(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new InvalidArgumentException("a fenced resource key must not be empty");
    }
    if (hasHashTag(key)) {
      return FENCE_KEY_PREFIX + key;
    }
    if (key.indexOf('}') >= 0) {
      throw new InvalidArgumentException("resource key '" + key + "' contains '}' but no hash tag, so no fence"
          + " key can share its slot; give the key a hash tag (a non-empty {...} part)");
    }
    return FENCE_KEY_PREFIX + "{" + key + "}";
  }

  /* Redis Cluster's rule: the tag is what lies between the first '{' and the next '}', if not empty. */
  private static boolean hasHashTag(String key) {
    int open = key.indexOf('{');
    return open >= 0 && key.indexOf('}', open + 1) > open + 1;
  }

  /**
   * {@code SET key value} if {@code token} is at least the highest token {@code key} has accepted.
   *
   * @param token the writer's fencing token
   * @param key the resource key
   * @param value the value
   * @return applied (reply {@code "OK"}), or refused with the newer token
   * @throws BackendUnavailableException when Redis could not be reached or did not answer in time
   */
  public FenceVerdict set(FencingToken token, String key, String value) {
    return await(setAsync(token, key, value), key, timeout);
  }

  /**
   * {@link #set} without waiting.
   *
   * @param token the writer's fencing token
   * @param key the resource key
   * @param value the value
   * @return the verdict, or a future failed with the Lettuce exception
   */
  public CompletableFuture<FenceVerdict> setAsync(FencingToken token, String key, String value) {
    return write(token, key, "SET", List.of(Objects.requireNonNull(value, "value")));
  }

  /**
   * {@code HSET key field value ...} if {@code token} is at least the highest token {@code key} has accepted.
   *
   * @param token the writer's fencing token
   * @param key the resource key, a hash
   * @param fields the fields to set, at least one
   * @return applied (reply: how many fields were new), or refused with the newer token
   * @throws BackendUnavailableException when Redis could not be reached or did not answer in time
   */
  public FenceVerdict hset(FencingToken token, String key, Map<String, String> fields) {
    return await(hsetAsync(token, key, fields), key, timeout);
  }

  /**
   * {@link #hset} without waiting.
   *
   * @param token the writer's fencing token
   * @param key the resource key, a hash
   * @param fields the fields to set, at least one
   * @return the verdict, or a future failed with the Lettuce exception
   */
  public CompletableFuture<FenceVerdict> hsetAsync(FencingToken token, String key, Map<String, String> fields) {
    return write(token, key, "HSET", flatten(fields));
  }

  /**
   * {@code XADD stream * field value ...} if {@code token} is at least the highest token {@code stream} has
   * accepted. Not safe to repeat after an unknown outcome: an applied repeat appends again.
   *
   * @param token the writer's fencing token
   * @param stream the resource key, a stream
   * @param fields the entry's fields, at least one
   * @return applied (reply: the new entry's id), or refused with the newer token
   * @throws BackendUnavailableException when Redis could not be reached or did not answer in time
   */
  public FenceVerdict xadd(FencingToken token, String stream, Map<String, String> fields) {
    return await(xaddAsync(token, stream, fields), stream, timeout);
  }

  /**
   * {@link #xadd} without waiting.
   *
   * @param token the writer's fencing token
   * @param stream the resource key, a stream
   * @param fields the entry's fields, at least one
   * @return the verdict, or a future failed with the Lettuce exception
   */
  public CompletableFuture<FenceVerdict> xaddAsync(FencingToken token, String stream, Map<String, String> fields) {
    List<String> args = new ArrayList<>();
    args.add("*");
    args.addAll(flatten(fields));
    return write(token, stream, "XADD", args);
  }

  private CompletableFuture<FenceVerdict> write(FencingToken token, String key, String command, List<String> args) {
    Objects.requireNonNull(token, "token");
    String[] keys = {key, fenceKeyOf(key)};
    String[] argv = new String[args.size() + 2];
    argv[0] = Long.toString(token.value());
    argv[1] = command;
    for (int i = 0; i < args.size(); i++) {
      argv[i + 2] = args.get(i);
    }
    return SCRIPT.<List<Object>>run(commands, ScriptOutputType.MULTI, keys, argv)
        .thenApply(reply -> verdict(token, reply));
  }

  private static FenceVerdict verdict(FencingToken token, List<Object> reply) {
    String second = reply.size() > 1 && reply.get(1) != null ? reply.get(1).toString() : "";
    if (Long.valueOf(1).equals(reply.get(0))) {
      return FenceVerdict.applied(token, second);
    }
    return FenceVerdict.refused(new FencingToken(Long.parseLong(second)));
  }

  private static List<String> flatten(Map<String, String> fields) {
    if (fields.isEmpty()) {
      throw new InvalidArgumentException("a fenced HSET or XADD needs at least one field");
    }
    List<String> flat = new ArrayList<>(fields.size() * 2);
    fields.forEach((field, value) -> {
      flat.add(Objects.requireNonNull(field, "field"));
      flat.add(Objects.requireNonNull(value, "value of " + field));
    });
    return flat;
  }

  private static FenceVerdict await(CompletableFuture<FenceVerdict> verdict, String key, Duration timeout) {
    try {
      return verdict.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BackendUnavailableException("fenced write to " + key + " got no answer within " + timeout
          + "; it may or may not have been applied", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HoldfastException(ErrorCode.INTERRUPTED, "interrupted while writing " + key
          + " through its fence; the write may or may not have been applied", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RedisConnectionException || cause instanceof RedisCommandTimeoutException) {
        throw new BackendUnavailableException("fenced write to " + key + " did not complete: " + cause.getMessage()
            + "; it may or may not have been applied", cause);
      }
      throw new HoldfastException(ErrorCode.INTERNAL, "fenced write to " + key + " failed: "
          + cause.getMessage(), cause);
    }
  }
}
