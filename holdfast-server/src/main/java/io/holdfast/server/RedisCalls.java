package io.holdfast.server;

import io.holdfast.redis.CommandLane;
import io.holdfast.redis.LockScripts;
import io.holdfast.internal.WaitForGraph;
import io.holdfast.redis.LuaScript;
import io.holdfast.redis.WaitGraphScripts;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * The service's calls on one logical Redis master (RedisLink): its own session and listing scripts, and the
 * library's lock scripts (LockScripts, the only implementation of the lock rules), each turning any Redis
 * failure into the service's failure (UNAVAILABLE for transient ones). Why this is safe: each script is one
 * atomic step on one hash slot, and a step that failed either did not run or is safe to repeat (see each
 * script's header), so mapping every transient failure to "retry" never double-applies anything. On an
 * independent master every call goes through the master's CommandLane, so the Redlock steps (acquire, then undo or
 * adopt; adopt, then release) reach it in the order they were issued, whatever thread issued them. Immutable.
 */
final class RedisCalls {
  /** The service's own scripts (sessions and listings), each loaded once with common.lua in front. */
  static final class Scripts {
    final LuaScript sessionOpen = load("session_open.lua");
    final LuaScript sessionCheck = load("session_check.lua");
    final LuaScript sessionKeepAlive = load("session_keepalive.lua");
    final LuaScript sessionBind = load("session_bind.lua");
    final LuaScript sessionUnbind = load("session_unbind.lua");
    final LuaScript sessionClose = load("session_close.lua");
    final LuaScript sessionView = load("session_view.lua");
    final LuaScript sessionExpiries = load("session_expiries.lua");
    final LuaScript lockWaiters = load("lock_waiters.lua");
    final LuaScript indexTouch = load("index_touch.lua");
    final LuaScript indexPrune = load("index_prune.lua");

    private static LuaScript load(String file) {
      return LuaScript.load(RedisCalls.class, "common.lua", file);
    }
  }

  static final Scripts SCRIPTS = new Scripts();

  private final RedisLink link;
  private final RedisKeys keys;
  private final CommandLane lane;
  private volatile LockScripts locks;

  RedisCalls(RedisLink link, String keyPrefix) {
    this(link, keyPrefix, null);
  }

  /** Calls on one independent master: each is issued through {@code lane} (null: on the caller's thread). */
  RedisCalls(RedisLink link, String keyPrefix, CommandLane lane) {
    this.link = link;
    this.keys = new RedisKeys(keyPrefix, link.cluster());
    this.lane = lane;
  }

  RedisLink link() {
    return link;
  }

  RedisKeys keys() {
    return keys;
  }

  /**
   * Runs one of the library's lock scripts on this master; the future fails with a ServiceException only
   * (UNAVAILABLE at once while the link has not connected yet).
   */
  <T> CompletableFuture<T> lock(Function<LockScripts, CompletableFuture<T>> call, String what) {
    return mapped(issue(() -> call.apply(scripts())), what);
  }

  private <T> CompletableFuture<T> issue(Supplier<CompletableFuture<T>> call) {
    if (lane != null) {
      return lane.send(call);
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Bound once the link has connected: its commands and publish mode are fixed from then on. */
  private LockScripts scripts() {
    LockScripts current = locks;
    if (current == null) {
      current = LockScripts.forService(link.async(), keys.lockSpace(), link.shardedPubSub());
      locks = current;
    }
    return current;
  }

  /** Runs one of the service's scripts; the future fails with a ServiceException only. */
  CompletableFuture<List<Object>> run(LuaScript script, String what, List<String> keyList, List<String> args) {
    return mapped(issue(() -> script.<List<Object>>run(link.async(), ScriptOutputType.MULTI,
        keyList.toArray(String[]::new), args.toArray(String[]::new))), what);
  }

  /** Maps the failure of any Redis future onto the service's failure. */
  <T> CompletableFuture<T> mapped(CompletableFuture<T> call, String what) {
    return call.handle((reply, failure) -> {
      if (failure != null) {
        throw link.failure(failure, what);
      }
      return reply;
    });
  }

  /** The inspect reply of one lock (the library's inspect.lua). */
  CompletableFuture<List<Object>> inspect(String fullName) {
    return lock(scripts -> scripts.inspect(fullName), "inspect of lock '" + fullName + "'");
  }

  /**
   * The library's wait-for graph (deadlock detection) on this master, bound at each call: the link connects (and
   * may reconnect) after this store is made. A call before the link has connected throws, as lock() fails.
   */
  WaitForGraph waitGraph() {
    return new WaitForGraph() {
      @Override
      public CompletableFuture<Long> record(String party, String lock, java.time.Duration keep) {
        return graph().record(party, lock, keep);
      }

      @Override
      public CompletableFuture<Void> remove(String party, String lock) {
        return graph().remove(party, lock);
      }

      @Override
      public CompletableFuture<List<Edge>> waits(String party) {
        return graph().waits(party);
      }

      @Override
      public CompletableFuture<java.util.Optional<String>> holder(String lock) {
        return graph().holder(lock);
      }
    };
  }

  private WaitGraphScripts graph() {
    return WaitGraphScripts.on(link.async(), keys.lockSpace());
  }

  static String ms(java.time.Duration duration) {
    return Long.toString(duration.toMillis());
  }
}
