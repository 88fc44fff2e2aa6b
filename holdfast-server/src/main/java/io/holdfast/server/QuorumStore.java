package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;
import static io.holdfast.server.RedisCalls.ms;

import io.holdfast.server.QuorumMasters.Answer;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.Forced;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.OpenedSession;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/*
 * The LockStore over N independent masters (redis-quorum://): every step runs the same slot-local scripts as
 * RedisStore on every master and counts only what a majority of ALL masters says (the Redlock rule). Why it is
 * safe: a session is live only where a majority says so, and each lock copy carries an expiry its master's session
 * copy had, so no lock outlives its session's majority; a grant is reported only if a majority granted it within
 * its validity window and adopted one token, the largest drawn (the library's Redlock, through QuorumAcquire),
 * so tokens of a name keep growing
 * under the assumptions stated in docs/guarantees.md; every other step is idempotent, so an answer without a
 * majority is UNAVAILABLE and the client's retry is harmless. Views and housekeeping live in QuorumViews.
 */
final class QuorumStore implements LockStore {
  private final QuorumMasters masters;
  private final Duration retention;
  private final QuorumViews views;

  QuorumStore(QuorumMasters masters, Duration retention) {
    this.masters = masters;
    this.retention = retention;
    this.views = new QuorumViews(masters);
  }

  @Override
  public CompletableFuture<OpenedSession> openSession(String tenant, String principal, String clientName,
      String host, Duration ttl, Duration lockDelay) {
    String id = SessionIds.next();
    return masters.all(m -> m.mapped(m.link().async().zadd(m.keys().sessionIndex(), 0, tenant + "/" + id)
        .toCompletableFuture(), "open session").thenCompose(indexed -> m.run(SCRIPTS.sessionOpen, "open session",
            List.of(m.keys().session(id)), List.of(tenant, clientName, ms(ttl), ms(lockDelay), ms(retention), principal,
                host)))
        .thenCompose(reply -> Replies.num(reply, 0) != 1 ? CompletableFuture.completedFuture(reply)
            : m.mapped(m.link().async().zadd(m.keys().sessionExpiries(), io.lettuce.core.ZAddArgs.Builder.gt(),
                (double) Replies.num(reply, 1), id).toCompletableFuture(), "open session").thenApply(x -> reply)))
        .thenApply(answers -> {
          if (QuorumMasters.withStatus(answers, 1).size() < masters.majority()) {
            throw masters.noMajority(answers, "open session");
          }
          return new OpenedSession(id, ttl, lockDelay);
        });
  }

  /** The session as a majority sees it: e (the smallest reported), d and the client name. */
  CompletableFuture<SessionCache.Known> check(SessionRef session, String what) {
    return masters.all(m -> m.run(SCRIPTS.sessionCheck, what, List.of(m.keys().session(session.id())),
        List.of(session.tenant()))).thenApply(answers -> {
          List<Answer> live = QuorumMasters.withStatus(answers, 1);
          if (live.size() >= masters.majority()) {
            long expiry = live.stream().mapToLong(a -> Replies.num(a.reply(), 1)).min().orElseThrow();
            List<Object> first = live.get(0).reply();
            SessionCache.Known known = new SessionCache.Known(expiry, Replies.num(first, 2), Replies.str(first, 3),
                Replies.str(first, 4));
            session.authorize(known.principal());
            return known;
          }
          throw sessionFailure(answers, session, what);
        });
  }

  /**
   * Another principal's when any master says so (the principal is written once, at open, and never changes);
   * else unknown or expired when a majority says one of them (expired wins); else no majority.
   */
  ServiceException sessionFailure(List<Answer> answers, SessionRef session, String what) {
    if (!QuorumMasters.withStatus(answers, -3).isEmpty()) {
      return ServiceException.sessionForbidden(session.id());
    }
    int expired = QuorumMasters.withStatus(answers, -2).size();
    int unknown = QuorumMasters.withStatus(answers, -1).size();
    if (expired + unknown >= masters.majority()) {
      return expired > 0 ? ServiceException.sessionExpired(session.id()) : ServiceException.sessionUnknown(session.id());
    }
    return masters.noMajority(answers, what);
  }

  @Override
  public CompletableFuture<KeepAliveResult> keepAlive(SessionRef session, List<Renewal> renewals,
      Optional<Duration> clockOffset) {
    return new QuorumKeepAlive(masters, this, retention).run(session, renewals, clockOffset);
  }

  /** From the first master that answers for each session (host and offset are reported facts, not lock state). */
  @Override
  public CompletableFuture<Map<String, ClientFacts>> clients(String tenant, Set<String> sessionIds) {
    List<CompletableFuture<Map<String, ClientFacts>>> each = new ArrayList<>();
    masters.forEach(m -> each.add(Errors.started(() -> RedisSessions.clients(m, tenant, sessionIds))
        .exceptionally(failure -> Map.of())));
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, ClientFacts> out = new HashMap<>();
      each.forEach(answer -> answer.join().forEach(out::putIfAbsent));
      return out;
    });
  }

  @Override
  public CompletableFuture<Integer> closeSession(SessionRef session) {
    String sid = session.id();
    String what = "close of session " + sid;
    return masters.all(m -> m.run(SCRIPTS.sessionClose, what, List.of(m.keys().session(sid),
        m.keys().sessionLocks(sid)), List.of(session.tenant(), session.scope()))).thenCompose(answers -> {
          List<Answer> closed = QuorumMasters.withStatus(answers, 1);
          if (closed.size() < masters.majority()) {
            throw sessionFailure(answers, session, what);
          }
          Set<String> keys = new LinkedHashSet<>();
          closed.forEach(a -> a.reply().subList(1, a.reply().size()).forEach(k -> keys.add(String.valueOf(k))));
          masters.all(m -> m.mapped(m.link().async().zrem(m.keys().sessionIndex(), session.tenant() + "/" + sid)
              .toCompletableFuture(), what).thenApply(List::<Object>of));
          List<CompletableFuture<Boolean>> frees = new ArrayList<>();
          for (String key : keys) {
            frees.add(masters.all(m -> m.lock(scripts -> scripts.force(m.keys().fullNameOfLock(key), 0, sid), what))
                .thenApply(freed -> !QuorumMasters.withStatus(freed, 1).isEmpty()));
          }
          return CompletableFuture.allOf(frees.toArray(CompletableFuture[]::new))
              .thenApply(done -> (int) frees.stream().filter(CompletableFuture::join).count());
        });
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing) {
    String what = "acquire of lock '" + lock.name() + "'";
    return check(session, what).thenCompose(live -> new QuorumAcquire(masters, session, lock, owner, leaseTtl,
        requestId, waiterListing, live).run());
  }

  /* The fair mode is Redlock's fair attempt (QuorumAcquire), on each master's own line of the lock. */
  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing, Duration queueKeep) {
    if (queueKeep == null) {
      return acquire(session, lock, owner, leaseTtl, requestId, waiterListing);
    }
    String what = "acquire of lock '" + lock.name() + "'";
    return check(session, what).thenCompose(live -> new QuorumAcquire(masters, session, lock, owner, leaseTtl,
        requestId, waiterListing, live, queueKeep).run());
  }

  @Override
  public CompletableFuture<Integer> release(SessionRef session, LockKey lock, String owner, long token,
      long requestId) {
    String what = "release of lock '" + lock.name() + "'";
    // The session first (the caller's right to it, and its principal, which the grant must carry); then release.lua
    // answers the holds left, or -1 when refused (another owner, token or principal): as {1, holds} / {-3} here.
    return check(session, what).thenCompose(facts -> masters.all(m -> m.lock(scripts -> scripts.releaseInSession(
        lock.fullName(), owner, token, requestId, facts.principal()), what)
        .thenApply(holds -> holds >= 0 ? List.<Object>of(1L, holds) : List.<Object>of(-3L)))).thenCompose(answers -> {
              List<Answer> released = QuorumMasters.withStatus(answers, 1);
              if (released.size() >= masters.majority()) {
                return CompletableFuture.completedFuture(
                    (int) released.stream().mapToLong(a -> Replies.num(a.reply(), 1)).max().orElse(0));
              }
              if (QuorumMasters.withStatus(answers, -3).size() > masters.size() - masters.majority()) {
                // Refused by a majority: only now read the session, to explain the refusal.
                return check(session, what).handle((live, sessionFailure) -> {
                  if (Errors.unwrap(sessionFailure) instanceof ServiceException refusal
                      && refusal.reason() != io.holdfast.api.v1.Reason.REDIS_UNAVAILABLE) {
                    throw refusal; // the session explains why nothing was released
                  }
                  throw ServiceException.notOwner("lock '" + lock.name() + "' is not held by owner " + owner
                      + " under fencing token " + token + " on a majority of the masters; nothing was released");
                });
              }
              throw masters.noMajority(answers, what);
            });
  }


  @Override
  public CompletableFuture<Boolean> giveBack(SessionRef session, LockKey lock, String owner, long token,
      long requestId) {
    // As on one server, by request id on every master (the Redlock attempt ran under it); a master where the
    // request was answered twice keeps its hold.
    String what = "giving back lock '" + lock.name() + "'";
    return masters.all(m -> m.lock(scripts -> scripts.undo(lock.fullName(), owner, requestId), what)
        .thenApply(List::<Object>of)).thenApply(answers -> !QuorumMasters.withStatus(answers, 1).isEmpty());
  }

  @Override
  public CompletableFuture<Optional<LockView>> inspect(LockKey lock) {
    return views.inspect(lock.fullName()).thenApply(reply -> reply.map(r -> Replies.lockView(lock.name(), r, 0)));
  }

  @Override
  public CompletableFuture<LockPage> listLocks(String tenant, String prefix, String after, int limit) {
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
    String what = "force-release of lock '" + lock.name() + "'";
    return masters.all(m -> m.lock(scripts -> scripts.force(lock.fullName(), expectedToken, ""), what))
        .thenApply(answers -> {
          List<Answer> freed = QuorumMasters.withStatus(answers, 1);
          if (!freed.isEmpty()) {
            return new Forced(true, freed.stream().mapToLong(a -> Replies.num(a.reply(), 1)).max().orElseThrow());
          }
          List<Answer> other = QuorumMasters.withStatus(answers, -3);
          if (other.size() >= masters.majority()) {
            throw ServiceException.notOwner("lock '" + lock.name() + "' is held under fencing token "
                + Replies.num(other.get(0).reply(), 1) + ", not " + expectedToken + "; nothing was changed");
          }
          if (QuorumMasters.withStatus(answers, 0).size() >= masters.majority()) {
            return new Forced(false, 0);
          }
          throw masters.noMajority(answers, what);
        });
  }

  @Override
  public CompletableFuture<Void> removeWaiter(LockKey lock, String sessionId, String owner) {
    return masters.all(m -> m.mapped(m.link().async().zrem(m.keys().waiters(lock), sessionId + " " + owner)
        .toCompletableFuture(), "removing a waiter").thenApply(List::<Object>of)).thenApply(answers -> null);
  }

  @Override
  public CompletableFuture<Housekeeping> housekeeping() {
    return views.housekeeping();
  }

  @Override
  public CompletableFuture<Void> ping() {
    return masters.all(m -> m.mapped(m.link().async().ping().toCompletableFuture(), "ping")
        .thenApply(List::<Object>of)).thenApply(answers -> {
          if (answers.stream().filter(Answer::ok).count() < masters.majority()) {
            throw masters.noMajority(answers, "ping");
          }
          return null;
        });
  }

  @Override
  public void onRelease(Consumer<String> fullName) {
    onReleaseToHead((name, head) -> fullName.accept(name));
  }

  /*
   * Every master publishes its own releases; a fair release names the head of that master's line ("<token> <session
   * id> <owner>"). The same release comes from each master of the majority that held it, so a waiter may be woken
   * once per master: an extra attempt at most, never a passing (the masters' lines decide, not the wake-up).
   */
  @Override
  public void onReleaseToHead(BiConsumer<String, String> fullNameAndHead) {
    masters.forEachLink(link -> link.psubscribe(masters.first().keys().releasePattern(), (channel, message) -> {
      String name = masters.first().keys().fullNameOfChannel(channel);
      if (name != null) {
        int space = message.indexOf(' ');
        fullNameAndHead.accept(name, space < 0 ? "" : message.substring(space + 1));
      }
    }));
  }

  @Override
  public String describe() {
    return masters.describe();
  }

  @Override
  public void close() {
    masters.close();
  }
}
