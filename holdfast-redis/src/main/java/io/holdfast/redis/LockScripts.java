package io.holdfast.redis;

import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The lock scripts bound to one connection and one key space: names the keys, encodes the arguments and
 * returns the raw replies. Each method is exactly one script call (one Redis command), which is what the
 * per-operation call counts in docs/guarantees.md count. The single-master backend and each master of the
 * quorum backend use it; they differ only in what they make of the replies.
 *
 * <p>Safe: immutable; Lettuce's async commands are thread-safe.
 */
final class LockScripts {
  static final LuaScript ACQUIRE = LuaScript.fromClasspath("acquire.lua");
  static final LuaScript RELEASE = LuaScript.fromClasspath("release.lua");
  static final LuaScript RENEW = LuaScript.fromClasspath("renew.lua");
  static final LuaScript INSPECT = LuaScript.fromClasspath("inspect.lua");
  static final LuaScript ADOPT = LuaScript.fromClasspath("adopt.lua");
  static final LuaScript UNDO = LuaScript.fromClasspath("undo.lua");
  /** Loaded at start-up by every backend (adopt and undo only matter to the quorum mode, but cost nothing). */
  static final List<LuaScript> ALL = List.of(ACQUIRE, RELEASE, RENEW, INSPECT, ADOPT, UNDO);

  private final RedisClusterAsyncCommands<String, String> commands;
  private final KeySpace keys;
  private final boolean shardedPublish;

  LockScripts(RedisClusterAsyncCommands<String, String> commands, KeySpace keys, boolean shardedPublish) {
    this.commands = commands;
    this.keys = keys;
    this.shardedPublish = shardedPublish;
  }

  RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  KeySpace keys() {
    return keys;
  }

  String[] acquireKeys(LockName name) {
    return new String[] {keys.lockKey(name), keys.fenceKey(name)};
  }

  static String[] acquireArgs(OwnerToken owner, Duration ttl, long requestId) {
    return new String[] {owner.value(), ttlMillis(ttl), Long.toString(requestId)};
  }

  /** acquire.lua: {@code {1, token, holds, fresh}} or {@code {0, pttl}}. */
  CompletableFuture<List<Object>> acquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    return ACQUIRE.run(commands, ScriptOutputType.MULTI, acquireKeys(name), acquireArgs(owner, ttl, requestId));
  }

  /** release.lua: remaining holds, or -1 when not the owner under that token. */
  CompletableFuture<Long> release(LockName name, OwnerToken owner, FencingToken token, long requestId) {
    return RELEASE.run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name)},
        owner.value(), Long.toString(token.value()), Long.toString(requestId), keys.releaseChannel(name),
        shardedPublish ? "SPUBLISH" : "PUBLISH");
  }

  /** renew.lua over {@code leases}, which must all share a slot on Cluster: one 1 or 0 per lease. */
  CompletableFuture<List<Object>> renew(List<RenewRequest> leases) {
    return RENEW.run(commands, ScriptOutputType.MULTI, renewKeys(leases), renewArgs(leases));
  }

  String[] renewKeys(List<RenewRequest> leases) {
    String[] keyArgs = new String[leases.size()];
    for (int i = 0; i < keyArgs.length; i++) {
      keyArgs[i] = keys.lockKey(leases.get(i).name());
    }
    return keyArgs;
  }

  /** renew.lua's arguments: the run-length encoded TTLs, then owner and token of each lease. */
  static String[] renewArgs(List<RenewRequest> leases) {
    String[] args = new String[1 + leases.size() * 2];
    StringBuilder ttls = new StringBuilder();
    String run = null;
    int count = 0;
    for (int i = 0; i < leases.size(); i++) {
      RenewRequest lease = leases.get(i);
      String ttl = ttlMillis(lease.ttl());
      if (!ttl.equals(run)) {
        appendRun(ttls, run, count);
        run = ttl;
        count = 0;
      }
      count++;
      args[1 + 2 * i] = lease.owner().value();
      args[2 + 2 * i] = Long.toString(lease.fencingToken().value());
    }
    appendRun(ttls, run, count);
    args[0] = ttls.toString();
    return args;
  }

  private static void appendRun(StringBuilder ttls, String ttl, int count) {
    if (ttl != null) {
      ttls.append(ttls.length() == 0 ? "" : ",").append(ttl).append('*').append(count);
    }
  }

  /** inspect.lua: {@code {owner, token, holds, pttl}} or {@code {}}. */
  CompletableFuture<List<Object>> inspect(LockName name) {
    return INSPECT.run(commands, ScriptOutputType.MULTI, new String[] {keys.lockKey(name)});
  }

  /** adopt.lua: 1 when attempt {@code requestId}'s grant now carries {@code settled} and {@code holds}. */
  CompletableFuture<Long> adopt(LockName name, OwnerToken owner, long requestId, long settled, int holds) {
    return ADOPT.run(commands, ScriptOutputType.INTEGER, acquireKeys(name), owner.value(),
        Long.toString(requestId), Long.toString(settled), Integer.toString(holds));
  }

  /** undo.lua: 1 when the hold attempt {@code requestId} added was given back, 0 when there was none. */
  CompletableFuture<Long> undo(LockName name, OwnerToken owner, long requestId) {
    return UNDO.run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name)}, owner.value(),
        Long.toString(requestId), keys.releaseChannel(name));
  }

  /** Redis takes whole milliseconds; a sub-millisecond TTL rounds up to 1 rather than to 0 (delete). */
  static String ttlMillis(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidArgumentException("lease TTL must be positive, was " + ttl);
    }
    return Long.toString(Math.max(1, ttl.toMillis()));
  }
}
