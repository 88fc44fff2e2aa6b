package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;

import io.holdfast.DeadlockVictim;
import io.holdfast.internal.DeadlockCheck;
import io.holdfast.redis.LockScripts.SessionKeys;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.ClientFacts;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The LockStore on one logical Redis master: a single server, a Sentinel-managed master, or a Redis Cluster.
 * Why it is safe on all three: every script touches the keys of ONE hash slot (a lock's {F} keys and its
 * slot's fence counter, or a session's {sid} keys, or one listing index), and is atomic there and timed by that
 * node's TIME. A lock decides whether it is held from its own hash (it carries its session's expiry e and
 * lock-delay), so no lock step reads a session key; operations that span slots are sequences of steps, each
 * idempotent, ordered so that a crash between two of them never leaves a lock held past its own deadline:
 *   acquire     [session_check] -> acquire (binding and listing the grant itself), or on Cluster
 *               [session_check] -> (index_touch | acquire, pipelined) -> session_bind on a grant
 *   keep-alive  (session_keepalive | renew of the listed leases) -> renew of bound locks per slot ->
 *               session_unbind of dead entries (RedisKeepAlive)
 *   close       session_close -> force(session) per bound lock
 * acquire, renew, release and force are the library's lock scripts (LockScripts), called with the session's terms:
 * the service has no lock rule of its own.
 * A lock's e is a value its session's expiry once had, and the session's expiry only grows, so a lock is never
 * held past its session's expiry, and every lock frees itself at its own e + lock-delay at the latest. The session
 * check is skipped when this instance already knows an expiry the session had (SessionCache, which says why
 * that is safe); a lease's bind may complete after the reply, since the lease is governed by its own TTL.
 * A session is used only by the principal that opened it (or an admin of the tenant): checked against the
 * principal SessionCache holds (it never changes), read with session_check when unknown, and in Lua by the
 * keep-alive and close scripts; a lock step names the caller's session, so a grant of another session is refused.
 */
final class RedisStore implements LockStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private final RedisCalls calls;
  private final RedisKeys keys;
  private final RedisKeepAlive keepAlives;
  private final RedisViews views;
  private final SessionCache sessions = new SessionCache();
  private final DeadlockCheck.Detection deadlocks;
  private final RedisSessions opener;

  RedisStore(RedisLink link, String keyPrefix, Duration retention) {
    this(link, keyPrefix, retention, null);
  }

  /** A store whose waits are checked for deadlocks with {@code victim}'s rule (null: not checked). */
  RedisStore(RedisLink link, String keyPrefix, Duration retention, DeadlockVictim victim) {
    this.calls = new RedisCalls(link, keyPrefix);
    this.deadlocks = victim == null ? null : new DeadlockCheck.Detection(calls.waitGraph(), victim);
    this.keys = calls.keys();
    this.keepAlives = new RedisKeepAlive(calls, retention, sessions);
    this.views = new RedisViews(calls);
    this.opener = new RedisSessions(calls, retention, sessions);
  }

  @Override
  public DeadlockCheck.Detection deadlocks() {
    return deadlocks;
  }

  @Override
  public CompletableFuture<OpenedSession> openSession(String tenant, String principal, String clientName,
      String host, Duration ttl, Duration lockDelay) {
    return opener.open(tenant, principal, clientName, host, ttl, lockDelay);
  }

  @Override
  public CompletableFuture<Map<String, ClientFacts>> clients(String tenant, Set<String> sessionIds) {
    return opener.clients(tenant, sessionIds);
  }

  @Override
  public CompletableFuture<KeepAliveResult> keepAlive(SessionRef session, List<Renewal> renewals,
      Optional<Duration> clockOffset) {
    return keepAlives.run(session, renewals, clockOffset);
  }

  @Override
  public CompletableFuture<Integer> closeSession(SessionRef session) {
    String sid = session.id();
    return calls.run(SCRIPTS.sessionClose, "close of session " + sid,
        List.of(keys.session(sid), keys.sessionLocks(sid)), List.of(session.tenant(), session.scope()))
        .thenCompose(reply -> {
          Replies.sessionStatus(reply, session);
          sessions.forget(session);
          var commands = calls.link().async();
          commands.zrem(keys.sessionIndex(), session.tenant() + "/" + sid);
          commands.zrem(keys.sessionExpiries(), sid);
          List<CompletableFuture<List<Object>>> frees = new java.util.ArrayList<>();
          for (int i = 1; i < reply.size(); i++) {
            String name = keys.fullNameOfLock(Replies.str(reply, i));
            frees.add(calls.lock(scripts -> scripts.force(name, 0, sid),
                "release of lock '" + name + "' of closed session " + sid));
          }
          return CompletableFuture.allOf(frees.toArray(CompletableFuture[]::new)).thenApply(done ->
              (int) frees.stream().filter(f -> Replies.num(f.join(), 0) == 1).count());
        });
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing) {
    return acquire(session, lock, owner, leaseTtl, requestId, waiterListing, null);
  }

  /* The fair mode is acquire.lua's, with the line's keys in the lock's slot: the same steps on every deployment. */
  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing, Duration queueKeep) {
    CompletableFuture<SessionCache.Known> start = known(session, "acquire of lock '" + lock.name() + "'");
    return start.thenCompose(facts -> attempt(session, lock, owner, leaseTtl, requestId, waiterListing, facts, queueKeep))
        .thenCompose(result -> {
          if (result != null) {
            return CompletableFuture.completedFuture(result);
          }
          // The cached expiry had passed: another instance may have extended the session; read it again.
          return check(session, "acquire of lock '" + lock.name() + "'").thenCompose(fresh -> attempt(session, lock, owner, leaseTtl, requestId,
              waiterListing, fresh, queueKeep)).thenApply(again -> {
                if (again == null) {
                  throw ServiceException.sessionExpired(session.id());
                }
                return again;
              });
        });
  }

  /** What this instance knows of the caller's session, read (session_check) only if nothing; the caller's checked. */
  private CompletableFuture<SessionCache.Known> known(SessionRef session, String what) {
    SessionCache.Known known = sessions.get(session);
    if (known == null) {
      return check(session, what);
    }
    try {
      session.authorize(known.principal());
    } catch (ServiceException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return CompletableFuture.completedFuture(known);
  }

  private CompletableFuture<SessionCache.Known> check(SessionRef session, String what) {
    return calls.run(SCRIPTS.sessionCheck, what, List.of(keys.session(session.id())), List.of(session.tenant()))
        .thenApply(reply -> {
          Replies.sessionStatus(reply, session);
          SessionCache.Known known = new SessionCache.Known(Replies.num(reply, 1), Replies.num(reply, 2),
              Replies.str(reply, 3), Replies.str(reply, 4));
          sessions.put(session, known);
          session.authorize(known.principal());
          return known;
        });
  }

  /**
   * One lock step with what is known of the session; null when that expiry had passed (re-read it). Where the
   * session's keys are on the lock's server (all but Cluster) the library's acquire.lua also reads the session's
   * own expiry, binds the grant to the session and lists it, in the same script: one script per attempt.
   * On Cluster those are steps on other slots: the index touch is pipelined with the attempt, the bind follows a
   * grant and comes before the answer (a grant whose session is gone is given back and refused, never answered).
   */
  private CompletableFuture<AcquireResult> attempt(SessionRef session, LockKey lock, String owner,
      Duration leaseTtl, long requestId, Duration waiterListing, SessionCache.Known known, Duration queueKeep) {
    String what = "acquire of lock '" + lock.name() + "'";
    if (!calls.link().cluster()) {
      SessionKeys colocated = new SessionKeys(keys.session(session.id()), keys.sessionLocks(session.id()),
          keys.lockIndex(), keys.lockIndexGenerations());
      return calls.lock(scripts -> scripts.acquireInSession(lock.fullName(), owner, leaseTtl, requestId,
          known.terms(session), waiterListing, colocated, queueKeep), what).thenCompose(reply -> {
            AcquireResult result = decode(session, reply);
            if (!(result instanceof Granted granted)) {
              return CompletableFuture.completedFuture(result);
            }
            return calls.link().awaitReplicas(what)
                .handle((ok, failure) -> afterGrant(session, lock, owner, requestId, granted, failure));
          });
    }
    CompletableFuture<List<Object>> touched = calls.run(SCRIPTS.indexTouch, what,
        List.of(keys.lockIndex(), keys.lockIndexGenerations()), List.of(lock.fullName()));
    return calls.lock(scripts -> scripts.acquireInSession(lock.fullName(), owner, leaseTtl, requestId,
        known.terms(session), waiterListing, null, queueKeep), what).thenCompose(reply -> {
          AcquireResult result = decode(session, reply);
          if (!(result instanceof Granted granted)) {
            return CompletableFuture.completedFuture(result);
          }
          // The answer waits for the bind: a session that is gone (closed, or lost with Redis's data) must not
          // be told it holds a lock that is given back a moment later.
          CompletableFuture<List<Object>> bound = touched.thenCompose(gen -> bind(session, lock, what));
          return bound.thenCompose(done -> calls.link().awaitReplicas(what)).handle((ok, failure) -> {
            boolean unbound = failure == null && Replies.num(bound.join(), 0) != 1;
            if (unbound) {
              sessions.forget(session);
            }
            return afterGrant(session, lock, owner, requestId, granted,
                unbound ? ServiceException.sessionUnknown(session.id()) : failure);
          });
        });
  }

  /** acquire.lua's reply: Granted, Busy, or null when the session's expiry had passed (forgotten here). */
  private AcquireResult decode(SessionRef session, List<Object> reply) {
    long status = Replies.num(reply, 0);
    if (status == -2) {
      sessions.forget(session);
      return null;
    }
    if (status != 1) {
      return new Busy(Duration.ofMillis(Math.max(0, Replies.num(reply, 1))), Replies.num(reply, 2) == 1);
    }
    return new Granted(Replies.num(reply, 1), (int) Replies.num(reply, 2));
  }

  private CompletableFuture<List<Object>> bind(SessionRef session, LockKey lock, String what) {
    return calls.run(SCRIPTS.sessionBind, what, List.of(keys.session(session.id()), keys.sessionLocks(session.id())),
        List.of(keys.lock(lock)));
  }

  /**
   * A grant whose index entry, binding or replica acknowledgement failed is given back and the caller retries
   * (by request id: a retry that was answered meanwhile keeps its hold).
   */
  private AcquireResult afterGrant(SessionRef session, LockKey lock, String owner, long requestId, Granted granted,
      Throwable failure) {
    if (failure == null) {
      return granted;
    }
    giveBack(session, lock, owner, granted.token(), requestId).exceptionally(e -> null);
    throw calls.link().failure(failure, "acquire of lock '" + lock.name() + "'");
  }

  /**
   * Owner, fencing token and principal decide (the library's release.lua, on the lock's slot: the grant must carry
   * the principal of the caller's session). The caller's right to the session is checked first, from what this
   * instance knows of it (read once per instance and session otherwise; an admin may use any session of its
   * tenant). Only a refusal
   * reads the session (its own slot), to explain it: a release that changed nothing because the caller's session
   * is unknown, another tenant's or expired says so, as a release by a live session says NOT_OWNER. A successful
   * release, the common case, costs one script.
   */
  @Override
  public CompletableFuture<Integer> release(SessionRef session, LockKey lock, String owner, long token,
      long requestId) {
    String what = "release of lock '" + lock.name() + "'";
    return known(session, what).thenCompose(facts -> calls.lock(scripts -> scripts.releaseInSession(
            lock.fullName(), owner, token, requestId, facts.principal()), what))
        .thenCompose(holds -> {
              if (holds >= 0) {
                return CompletableFuture.completedFuture(holds.intValue());
              }
              return calls.run(SCRIPTS.sessionCheck, what, List.of(keys.session(session.id())),
                  List.of(session.tenant())).thenApply(status -> {
                    Replies.sessionStatus(status, session);
                    throw ServiceException.releaseRefused(lock.name(), owner, token);
                  });
            });
  }

  @Override
  public CompletableFuture<Boolean> giveBack(SessionRef session, LockKey lock, String owner, long token,
      long requestId) {
    return calls.lock(scripts -> scripts.undo(lock.fullName(), owner, requestId),
        "giving back lock '" + lock.name() + "'").thenApply(undone -> undone == 1);
  }

  @Override
  public CompletableFuture<Optional<LockView>> inspect(LockKey lock) {
    return calls.inspect(lock.fullName()).thenApply(reply -> reply.isEmpty() ? Optional.empty()
        : Optional.of(Replies.lockView(lock.name(), reply, 0)));
  }

  @Override
  public CompletableFuture<StoreViews.LockPage> listLocks(String tenant, String prefix, String after, int limit) {
    return views.listLocks(tenant, prefix, after, limit);
  }

  @Override
  public CompletableFuture<List<WaiterView>> listWaiters(LockKey lock) {
    return views.listWaiters(lock);
  }

  @Override
  public CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    return views.listSessions(tenant, limit);
  }

  @Override
  public CompletableFuture<Forced> forceRelease(LockKey lock, long expectedToken) {
    return calls.lock(scripts -> scripts.force(lock.fullName(), expectedToken, ""),
        "force-release of lock '" + lock.name() + "'").thenApply(reply -> {
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
    return calls.mapped(calls.link().async().zrem(keys.waiters(lock), sessionId + " " + owner)
        .toCompletableFuture(), "removing a waiter of lock '" + lock.name() + "'").thenApply(removed -> null);
  }

  @Override
  public CompletableFuture<Housekeeping> housekeeping() {
    return views.housekeeping();
  }

  @Override
  public CompletableFuture<Void> ping() {
    return calls.mapped(calls.link().async().ping().toCompletableFuture(), "ping").thenApply(pong -> null);
  }

  @Override
  public void onRelease(Consumer<String> fullName) {
    onReleaseToHead((name, head) -> fullName.accept(name));
  }

  /* release.lua's message is "<token>", or "<token> <session id> <owner>" for a fair hand-off to that waiter. */
  @Override
  public void onReleaseToHead(BiConsumer<String, String> fullNameAndHead) {
    calls.link().psubscribe(keys.releasePattern(), (channel, message) -> {
      String name = keys.fullNameOfChannel(channel);
      if (name != null) {
        int space = message.indexOf(' ');
        fullNameAndHead.accept(name, space < 0 ? "" : message.substring(space + 1));
      }
    });
  }

  @Override
  public String describe() {
    return calls.link().describe();
  }

  @Override
  public void close() {
    calls.link().close();
  }
}
