package io.holdfast.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * The service's scripts bound to one logical Redis master (RedisLink) and its key names: runs a script and turns
 * any Redis failure into the service's failure (UNAVAILABLE for transient ones). Why this is safe: each script is
 * one atomic step on one hash slot, and a step that failed either did not run or is safe to repeat (see each
 * script's header), so mapping every transient failure to "retry" never double-applies anything. Immutable.
 */
final class RedisCalls {
  /** The scripts, each loaded once from the class path with common.lua in front. */
  static final class Scripts {
    final RedisScript sessionOpen = RedisScript.load("session_open.lua");
    final RedisScript sessionCheck = RedisScript.load("session_check.lua");
    final RedisScript sessionKeepAlive = RedisScript.load("session_keepalive.lua");
    final RedisScript sessionBind = RedisScript.load("session_bind.lua");
    final RedisScript sessionUnbind = RedisScript.load("session_unbind.lua");
    final RedisScript sessionClose = RedisScript.load("session_close.lua");
    final RedisScript sessionView = RedisScript.load("session_view.lua");
    final RedisScript sessionExpiries = RedisScript.load("session_expiries.lua");
    final RedisScript lockAcquire = RedisScript.load("lock_acquire.lua");
    final RedisScript lockRelease = RedisScript.load("lock_release.lua");
    final RedisScript lockExtend = RedisScript.load("lock_extend.lua");
    final RedisScript lockInspect = RedisScript.load("lock_inspect.lua");
    final RedisScript lockForce = RedisScript.load("lock_force.lua");
    final RedisScript lockWaiters = RedisScript.load("lock_waiters.lua");
    final RedisScript indexTouch = RedisScript.load("index_touch.lua");
    final RedisScript indexPrune = RedisScript.load("index_prune.lua");
  }

  static final Scripts SCRIPTS = new Scripts();

  private final RedisLink link;
  private final RedisKeys keys;

  RedisCalls(RedisLink link, String keyPrefix) {
    this.link = link;
    this.keys = new RedisKeys(keyPrefix, link.cluster());
  }

  RedisLink link() {
    return link;
  }

  RedisKeys keys() {
    return keys;
  }

  /** Runs a script; the future fails with a ServiceException only. */
  CompletableFuture<List<Object>> run(RedisScript script, String what, List<String> keyList, List<String> args) {
    CompletableFuture<List<Object>> call;
    try {
      call = script.run(link.async(), keyList, args);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return mapped(call, what);
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

  /** The inspect reply of one lock. */
  CompletableFuture<List<Object>> inspect(String fullName) {
    return run(SCRIPTS.lockInspect, "inspect of lock '" + fullName + "'", List.of(keys.lock(fullName)), List.of());
  }

  static String ms(java.time.Duration duration) {
    return Long.toString(duration.toMillis());
  }
}
