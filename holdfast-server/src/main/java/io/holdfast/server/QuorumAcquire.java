package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;

import io.holdfast.server.QuorumMasters.Answer;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * One acquire attempt over independent masters, the library's Redlock scheme (holdfast-redis QuorumAcquire) with
 * the library's lock scripts: (1) acquire.lua with the session's terms on every master (with the index touch), timed from a monotonic
 * start; (2) a grant needs a majority of ALL masters and, for a lease, validity left (TTL - elapsed - drift > 0);
 * (3) the token is settled: T = the largest token drawn, adopted (the library's adopt.lua) on every granting
 * master that drew less, which also raises that master's counter to T; (4) the grant is bound on a majority of
 * the session's copies; otherwise (5) every hold this attempt added is given back with the library's undo.lua.
 * Why tokens keep growing: an earlier reported grant left counter >= T1 on a majority; this grant's majority
 * shares a master with it, which drew t > T1, and T is the largest drawn (docs/guarantees.md states what that
 * assumes). Why retrying is safe: every step is keyed by owner and request id. One object per attempt.
 */
final class QuorumAcquire {
  private final QuorumMasters masters;
  private final SessionRef session;
  private final LockKey lock;
  private final String owner;
  private final Duration leaseTtl;
  private final long requestId;
  private final Duration listing;
  private final QuorumStore.LiveSession live;
  private final String what;

  QuorumAcquire(QuorumMasters masters, SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration listing, QuorumStore.LiveSession live) {
    this.masters = masters;
    this.session = session;
    this.lock = lock;
    this.owner = owner;
    this.leaseTtl = leaseTtl;
    this.requestId = requestId;
    this.listing = listing;
    this.live = live;
    this.what = "acquire of lock '" + lock.name() + "'";
  }

  CompletableFuture<AcquireResult> run() {
    long start = System.nanoTime();
    return masters.all(m -> {
      CompletableFuture<List<Object>> touched = m.run(SCRIPTS.indexTouch, what,
          List.of(m.keys().lockIndex(), m.keys().lockIndexGenerations()), List.of(lock.fullName()));
      return m.mapped(m.locks().acquireInSession(lock.fullName(), owner, leaseTtl, requestId, live.terms(session),
          listing), what).thenCombine(touched, (reply, gen) -> reply);
    }).thenCompose(answers -> decide(answers, start));
  }

  private CompletableFuture<AcquireResult> decide(List<Answer> answers, long start) {
    List<Answer> granted = QuorumMasters.withStatus(answers, 1);
    if (granted.size() >= masters.majority() && valid(start)) {
      long token = granted.stream().mapToLong(a -> Replies.num(a.reply(), 1)).max().orElseThrow();
      int holds = (int) granted.stream().mapToLong(a -> Replies.num(a.reply(), 2)).min().orElseThrow();
      return settle(answers, token, holds);
    }
    return undo().thenApply(done -> {
      if (QuorumMasters.withStatus(answers, -2).size() >= masters.majority()) {
        throw ServiceException.sessionExpired(session.id());
      }
      List<Answer> busy = QuorumMasters.withStatus(answers, 0);
      if (busy.isEmpty()) {
        throw masters.noMajority(answers, what);
      }
      long remaining = busy.stream().mapToLong(a -> Replies.num(a.reply(), 1)).min().orElse(0);
      boolean delayed = busy.stream().allMatch(a -> Replies.num(a.reply(), 2) == 1);
      return new Busy(Duration.ofMillis(Math.max(0, remaining)), delayed);
    });
  }

  /** A lease must have validity left after the round trip and the drift allowance (1% of the TTL + 2 ms). */
  private boolean valid(long start) {
    if (leaseTtl.isZero()) {
      return true;
    }
    long drift = leaseTtl.toNanos() / 100 + 2_000_000;
    return System.nanoTime() - start < leaseTtl.toNanos() - drift;
  }

  /** Adopts token/holds where a granting master differs, binds the lock to the session, or undoes it all. */
  private CompletableFuture<AcquireResult> settle(List<Answer> answers, long token, int holds) {
    return masters.all(m -> {
      int index = masters.indexOf(m);
      Answer answer = answers.get(index);
      if (!answer.ok() || answer.status() != 1) {
        return CompletableFuture.completedFuture(List.<Object>of(0L));
      }
      if (Replies.num(answer.reply(), 1) == token && Replies.num(answer.reply(), 2) == holds) {
        return CompletableFuture.completedFuture(List.<Object>of(1L));
      }
      return m.mapped(m.locks().adopt(lock.fullName(), owner, requestId, token, holds), what)
          .thenApply(List::<Object>of);
    }).thenCompose(adopted -> {
      if (QuorumMasters.withStatus(adopted, 1).size() < masters.majority()) {
        return undo().thenApply(done -> {
          throw masters.noMajority(adopted, what);
        });
      }
      return masters.all(m -> m.run(SCRIPTS.sessionBind, what, List.of(m.keys().session(session.id()),
          m.keys().sessionLocks(session.id())), List.of(m.keys().lock(lock)))).thenCompose(bound -> {
            if (QuorumMasters.withStatus(bound, 1).size() < masters.majority()) {
              return undo().thenApply(done -> {
                throw masters.noMajority(bound, what);
              });
            }
            return CompletableFuture.completedFuture((AcquireResult) new Granted(token, holds));
          });
    });
  }

  private CompletableFuture<Void> undo() {
    return masters.all(m -> m.mapped(m.locks().undo(lock.fullName(), owner, requestId), what)
        .thenApply(List::<Object>of)).thenApply(answers -> null);
  }
}
