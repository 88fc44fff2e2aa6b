package io.holdfast.redis;

import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@link LockBackend} on one standalone Redis server.
 *
 * <p>Each operation is one Lua script call, so it is atomic on the server, and the scripts keep the whole
 * lock protocol: the data model and each script's contract are in the script headers
 * ({@code io/holdfast/redis/*.lua}). This class only names keys, encodes arguments and decodes replies.
 * Futures complete on Lettuce's I/O threads, as the SPI allows; nothing here blocks after {@link #open}.
 *
 * <p>Safe: every field is final and thread-safe (Lettuce's async API may be called from any thread; it
 * pipelines commands on the one connection). After {@link #close()} every call fails fast with
 * {@link ErrorCode#CLOSED}.
 */
final class RedisLockBackend implements LockBackend {
  static final LuaScript ACQUIRE = LuaScript.fromClasspath("acquire.lua");
  static final LuaScript RELEASE = LuaScript.fromClasspath("release.lua");
  static final LuaScript RENEW = LuaScript.fromClasspath("renew.lua");
  static final LuaScript INSPECT = LuaScript.fromClasspath("inspect.lua");
  static final List<LuaScript> SCRIPTS = List.of(ACQUIRE, RELEASE, RENEW, INSPECT);

  private final RedisConnections redis;
  private final RedisAsyncCommands<String, String> commands;
  private final KeySpace keys;
  private final ReleaseChannels channels;

  RedisLockBackend(RedisConnections redis, KeySpace keys) {
    this.redis = redis;
    this.commands = redis.commands.async();
    this.keys = keys;
    this.channels = new ReleaseChannels(redis.pubSub);
  }

  /**
   * Connects to the Redis server the options name.
   *
   * @param options the client options
   * @return the backend
   * @throws InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when Redis cannot be reached
   */
  static RedisLockBackend open(HoldfastOptions options) {
    RedisConnections redis = RedisConnections.open(options, SCRIPTS);
    return new RedisLockBackend(redis, KeySpace.standalone(options.keyPrefix()));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    return call(() -> {
      String[] keyArgs = {keys.lockKey(name), keys.fenceKey(name)};
      return ACQUIRE.<List<Object>>run(commands, ScriptOutputType.MULTI, keyArgs,
              owner.value(), ttlMillis(ttl), Long.toString(requestId))
          .thenApply(ScriptReplies::acquire);
    });
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    return call(() -> RELEASE.<Long>run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name)},
            owner.value(), Long.toString(fencingToken.value()), Long.toString(requestId),
            keys.releaseChannel(name))
        .thenApply(ScriptReplies::release));
  }

  /** One EVALSHA for the whole batch: the engine already caps its size. */
  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    if (leases.isEmpty()) {
      return call(() -> CompletableFuture.completedFuture(List.of()));
    }
    return call(() -> {
      String[] keyArgs = new String[leases.size()];
      String[] args = new String[leases.size() * 3];
      for (int i = 0; i < keyArgs.length; i++) {
        RenewRequest lease = leases.get(i);
        keyArgs[i] = keys.lockKey(lease.name());
        args[3 * i] = lease.owner().value();
        args[3 * i + 1] = Long.toString(lease.fencingToken().value());
        args[3 * i + 2] = ttlMillis(lease.ttl());
      }
      return RENEW.<List<Object>>run(commands, ScriptOutputType.MULTI, keyArgs, args)
          .thenApply(reply -> ScriptReplies.renew(reply, keyArgs.length));
    });
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return call(() -> INSPECT.<List<Object>>run(commands, ScriptOutputType.MULTI,
            new String[] {keys.lockKey(name)})
        .thenApply(reply -> ScriptReplies.inspect(name, reply)));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return call(() -> channels.subscribe(keys.releaseChannel(name), onRelease));
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return RedisErrors.isTransient(failure);
  }

  @Override
  public String describe() {
    return redis.safeUri + " (Redis " + redis.serverVersion + ")";
  }

  @Override
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisLockBackend[" + describe() + "]";
  }

  /** Release channels with a listener right now; for tests. */
  int activeReleaseChannels() {
    return channels.activeChannels();
  }

  /**
   * Runs an operation unless the backend is closed, and turns an exception thrown while building the call
   * (a bad TTL) into a failed future, since the SPI reports every failure through the future.
   */
  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    if (redis.isClosed()) {
      return CompletableFuture.failedFuture(
          new HoldfastException(ErrorCode.CLOSED, "The Redis backend " + redis.safeUri + " is closed"));
    }
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Redis takes whole milliseconds; a sub-millisecond TTL rounds up to 1 rather than to 0 (delete). */
  private static String ttlMillis(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidArgumentException("lease TTL must be positive, was " + ttl);
    }
    return Long.toString(Math.max(1, ttl.toMillis()));
  }
}
