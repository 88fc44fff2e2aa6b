package io.holdfast.server;

import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Forced;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.OpenedSession;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/*
 * The LockStore on Redis: every operation is one Lua script (see the headers in src/main/resources), so each is
 * atomic in Redis and timed by Redis TIME, never by this process's clock; this class only builds KEYS and ARGV
 * and decodes replies. Any number of service instances may share one Redis: nothing is kept here but the
 * connection. Scripts with a -1/-2/-3 reply changed nothing, which is what makes those failures clean.
 */
final class RedisStore implements LockStore {
  private final RedisConnection redis;
  private final RedisKeys keys;
  private final Duration retention;
  private final Scripts scripts = new Scripts();

  /** The scripts, each loaded once from the class path. */
  static final class Scripts {
    final RedisScript open = RedisScript.load("open_session.lua");
    final RedisScript keepAlive = RedisScript.load("keepalive.lua");
    final RedisScript close = RedisScript.load("close_session.lua");
    final RedisScript acquire = RedisScript.load("acquire.lua");
    final RedisScript release = RedisScript.load("release.lua");
    final RedisScript inspect = RedisScript.load("inspect.lua");
    final RedisScript force = RedisScript.load("force_release.lua");
    final RedisScript listLocks = RedisScript.load("list_locks.lua");
    final RedisScript listWaiters = RedisScript.load("list_waiters.lua");
    final RedisScript listSessions = RedisScript.load("list_sessions.lua");
    final RedisScript housekeeping = RedisScript.load("housekeeping.lua");
  }

  RedisStore(RedisConnection redis, String keyPrefix, Duration retention) {
    this.redis = redis;
    this.keys = new RedisKeys(keyPrefix);
    this.retention = retention;
  }

  @Override
  public CompletableFuture<OpenedSession> openSession(String tenant, String clientName, Duration ttl,
      Duration lockDelay) {
    String id = SessionIds.next();
    return run(scripts.open, "open session", List.of(keys.session(id), keys.sessionExpiries(), keys.sessionIndex()),
        List.of(id, tenant, clientName, ms(ttl), ms(lockDelay), ms(retention)))
        .thenCompose(reply -> Replies.num(reply, 0) == 1
            ? CompletableFuture.completedFuture(new OpenedSession(id, ttl, lockDelay))
            : openSession(tenant, clientName, ttl, lockDelay));
  }

  @Override
  public CompletableFuture<KeepAliveResult> keepAlive(SessionRef session, List<Renewal> renewals) {
    List<String> keyList = new ArrayList<>(List.of(keys.session(session.id()), keys.sessionLocks(session.id()),
        keys.sessionExpiries()));
    List<String> args = new ArrayList<>(List.of(session.id(), session.tenant(), ms(retention), keys.prefix()));
    for (Renewal renewal : renewals) {
      keyList.add(keys.lock(renewal.lock()));
      args.add(renewal.owner());
      args.add(Long.toString(renewal.token()));
      args.add(ms(renewal.ttl()));
    }
    return run(scripts.keepAlive, "keep-alive of session " + session.id(), keyList, args).thenApply(reply -> {
      Replies.sessionStatus(reply, session);
      List<Boolean> renewed = new ArrayList<>(renewals.size());
      for (int i = 2; i < reply.size(); i++) {
        renewed.add(Replies.num(reply, i) == 1);
      }
      return new KeepAliveResult(Duration.ofMillis(Replies.num(reply, 1)), renewed);
    });
  }

  @Override
  public CompletableFuture<Integer> closeSession(SessionRef session) {
    return run(scripts.close, "close of session " + session.id(),
        List.of(keys.session(session.id()), keys.sessionLocks(session.id()), keys.sessionExpiries(),
            keys.sessionIndex(), keys.lockIndex()),
        List.of(session.id(), session.tenant())).thenApply(reply -> {
          Replies.sessionStatus(reply, session);
          return (int) Replies.num(reply, 1);
        });
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing) {
    return run(scripts.acquire, "acquire of lock '" + lock.name() + "'",
        List.of(keys.lock(lock), keys.fence(), keys.session(session.id()), keys.sessionLocks(session.id()),
            keys.waiters(lock), keys.lockIndex()),
        List.of(session.id(), session.tenant(), owner, ms(leaseTtl), Long.toString(requestId), ms(waiterListing),
            keys.prefix())).thenApply(reply -> {
              Replies.sessionStatus(reply, session);
              if (Replies.num(reply, 0) == 1) {
                return new Granted(Replies.num(reply, 1), (int) Replies.num(reply, 2));
              }
              return new Busy(Duration.ofMillis(Math.max(0, Replies.num(reply, 1))), Replies.num(reply, 2) == 1);
            });
  }

  @Override
  public CompletableFuture<Integer> release(SessionRef session, LockKey lock, String owner, long token,
      long requestId) {
    return run(scripts.release, "release of lock '" + lock.name() + "'",
        List.of(keys.lock(lock), keys.session(session.id()), keys.lockIndex()),
        List.of(session.tenant(), owner, Long.toString(token), Long.toString(requestId), keys.releaseChannel(lock),
            keys.prefix())).thenApply(reply -> {
              Replies.sessionStatus(reply, session);
              if (Replies.num(reply, 0) == -3) {
                throw ServiceException.notOwner("lock '" + lock.name() + "' is not held by owner " + owner
                    + " under fencing token " + token + " (it expired, is in lock-delay, was force-released or"
                    + " taken); nothing was changed");
              }
              return (int) Replies.num(reply, 1);
            });
  }

  @Override
  public CompletableFuture<Optional<LockView>> inspect(LockKey lock) {
    return run(scripts.inspect, "inspect of lock '" + lock.name() + "'", List.of(keys.lock(lock)),
        List.of(keys.prefix())).thenApply(reply -> reply.isEmpty() ? Optional.empty()
            : Optional.of(Replies.lockView(lock.name(), reply, 0)));
  }

  @Override
  public CompletableFuture<List<LockView>> listLocks(String tenant, String prefix, int limit) {
    return run(scripts.listLocks, "listing locks", List.of(keys.lockIndex()),
        List.of(keys.prefix(), tenant, prefix, Integer.toString(limit)))
        .thenApply(reply -> Replies.records(reply, 9, (r, i) -> Replies.lockView(Replies.str(r, i), r, i + 1)));
  }

  @Override
  public CompletableFuture<List<WaiterView>> listWaiters(LockKey lock) {
    return run(scripts.listWaiters, "listing waiters of lock '" + lock.name() + "'", List.of(keys.waiters(lock)),
        List.of(keys.prefix())).thenApply(reply -> Replies.records(reply, 4, (r, i) -> new WaiterView(
            Replies.str(r, i), Replies.str(r, i + 1), Replies.str(r, i + 2),
            Duration.ofMillis(Replies.num(r, i + 3)))));
  }

  @Override
  public CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    return run(scripts.listSessions, "listing sessions", List.of(keys.sessionIndex()),
        List.of(keys.prefix(), tenant, Integer.toString(limit))).thenApply(reply -> Replies.records(reply, 5,
            (r, i) -> new SessionView(Replies.str(r, i), Replies.str(r, i + 1),
                Duration.ofMillis(Replies.num(r, i + 2)), Duration.ofMillis(Replies.num(r, i + 3)),
                (int) Replies.num(r, i + 4))));
  }

  @Override
  public CompletableFuture<Forced> forceRelease(LockKey lock, long expectedToken) {
    return run(scripts.force, "force-release of lock '" + lock.name() + "'",
        List.of(keys.lock(lock), keys.lockIndex()),
        List.of(keys.prefix(), Long.toString(expectedToken), keys.releaseChannel(lock))).thenApply(reply -> {
          long status = Replies.num(reply, 0);
          if (status == -3) {
            throw ServiceException.notOwner("lock '" + lock.name() + "' is held under fencing token "
                + Replies.num(reply, 1) + ", not " + expectedToken + "; nothing was changed");
          }
          return status == 1 ? new Forced(true, Replies.num(reply, 1)) : new Forced(false, 0);
        });
  }

  @Override
  public CompletableFuture<Void> removeWaiter(LockKey lock, String sessionId, String owner) {
    return redis.async().zrem(keys.waiters(lock), sessionId + " " + owner).toCompletableFuture()
        .handle((removed, failure) -> {
          if (failure != null) {
            throw redis.failure(failure, "removing a waiter of lock '" + lock.name() + "'");
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Housekeeping> housekeeping() {
    return run(scripts.housekeeping, "housekeeping", List.of(keys.sessionExpiries(), keys.lockIndex()),
        List.of(keys.prefix(), "20")).thenApply(reply -> new Housekeeping(Replies.num(reply, 0),
            Replies.num(reply, 1), Replies.num(reply, 2)));
  }

  @Override
  public CompletableFuture<Void> ping() {
    return redis.async().ping().toCompletableFuture().handle((pong, failure) -> {
      if (failure != null) {
        throw redis.failure(failure, "ping");
      }
      return null;
    });
  }

  @Override
  public void onRelease(Consumer<String> fullName) {
    redis.psubscribe(keys.releasePattern(), (channel, message) -> {
      String name = keys.fullNameOfChannel(channel);
      if (name != null) {
        fullName.accept(name);
      }
    });
  }

  @Override
  public String describe() {
    return redis.describe();
  }

  @Override
  public void close() {
    redis.close();
  }

  private CompletableFuture<List<Object>> run(RedisScript script, String what, List<String> keyList,
      List<String> args) {
    CompletableFuture<List<Object>> call;
    try {
      call = script.run(redis.async(), keyList, args);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle((reply, failure) -> {
      if (failure != null) {
        throw redis.failure(failure, what);
      }
      return reply;
    });
  }

  private static String ms(Duration duration) {
    return Long.toString(duration.toMillis());
  }
}
