package io.holdfast.bench;

import io.holdfast.redis.LockScripts;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holdfast's own acquire.lua and release.lua, loaded as holdfast-redis loads them (LuaScript) and called
 * directly, with nothing of the client engine around them: what one Holdfast cycle costs Redis, for the
 * ceilings table. Keys and arguments are shaped as holdfast-redis sends them (key prefix {@code hf}, a 22-character
 * owner token, request ids as decimal longs).
 *
 * <p>Why it is safe: the script bodies are loaded once; the object only holds their digests and is used by
 * one thread.
 */
final class HoldfastScripts {
  private static final String OWNER = "ceilingOwnerToken00000";
  private static final String TTL = "30000";

  private final RedisAsyncCommands<String, String> async;
  private final String acquireSha;
  private final String releaseSha;
  private long requestId = 1;

  HoldfastScripts(StatefulRedisConnection<String, String> connection) {
    this.async = connection.async();
    this.acquireSha = connection.sync().scriptLoad(LockScripts.acquireSource());
    this.releaseSha = connection.sync().scriptLoad(LockScripts.releaseSource());
  }

  /** Sends acquire.lua for the lock key of {@code name}; completes with its reply. */
  RedisFuture<List<Object>> acquire(String name) {
    return async.evalsha(acquireSha, ScriptOutputType.MULTI, new String[] {key(name), "hf:fence"}, OWNER, TTL,
        Long.toString(requestId++));
  }

  /** Sends release.lua for the grant an {@link #acquire} reply describes. */
  RedisFuture<Long> release(String name, List<Object> granted) {
    return async.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {key(name)}, OWNER,
        String.valueOf(granted.get(1)), Long.toString(requestId++), key(name) + ":released", "PUBLISH");
  }

  /** One acquire+release cycle with one command in flight. */
  void cycle(String name) throws InterruptedException, ExecutionException, TimeoutException {
    release(name, acquire(name).get(10, TimeUnit.SECONDS)).get(10, TimeUnit.SECONDS);
  }

  private static String key(String name) {
    return "hf:{" + name + "}";
  }
}
