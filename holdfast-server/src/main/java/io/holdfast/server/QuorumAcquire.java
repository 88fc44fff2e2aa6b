package io.holdfast.server;

import io.holdfast.redis.LockScripts.SessionKeys;
import io.holdfast.redis.LockScripts.SessionTerms;
import io.holdfast.redis.Redlock;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * One acquire attempt over independent masters: the library's Redlock coordinator (holdfast-redis Redlock, the
 * one home of the Redlock rules: first-majority settlement, the token round, the validity window, undo) driving
 * the library's acquire.lua with the session's terms on every master. Each master is a standalone server, so the
 * script is also given that master's session keys and lock index: a grant binds itself to the session's copy and
 * enters the listing on the masters that grant it, in the same step. Why a lock never outlives its session: each
 * copy carries that master's own session expiry, so a majority of held copies ends no later than a majority of
 * live session copies. In fair mode (queueKeep not null) the attempt is Redlock's fair one, the line's member being
 * "<session id> <owner>" as on one server: the settled ticket and why nobody passes a waiter in line are in
 * Redlock's class comment. One object per attempt.
 */
final class QuorumAcquire {
  private final QuorumMasters masters;
  private final SessionRef session;
  private final LockKey lock;
  private final String owner;
  private final Duration leaseTtl;
  private final long requestId;
  private final Duration listing;
  private final SessionCache.Known live;
  private final Duration queueKeep;
  private final String what;

  QuorumAcquire(QuorumMasters masters, SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration listing, SessionCache.Known live) {
    this(masters, session, lock, owner, leaseTtl, requestId, listing, live, null);
  }

  /** {@code queueKeep}: null for the plain lock, else the fair mode's keep time of the caller's place in line. */
  QuorumAcquire(QuorumMasters masters, SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration listing, SessionCache.Known live, Duration queueKeep) {
    this.masters = masters;
    this.session = session;
    this.lock = lock;
    this.owner = owner;
    this.leaseTtl = leaseTtl;
    this.requestId = requestId;
    this.listing = listing;
    this.live = live;
    this.queueKeep = queueKeep;
    this.what = "acquire of lock '" + lock.name() + "'";
  }

  CompletableFuture<AcquireResult> run() {
    List<Redlock.Master> voters = new ArrayList<>(masters.size());
    masters.forEach(master -> voters.add(voter(master)));
    // A lease's window is its TTL minus the drift allowance (1% + 2 ms), as in the library. A session-only grant
    // has no lease to run out: each copy is held until its session's expiry, checked by the script that grants
    // it, so its window is the time one command may take (redis-timeout), as every other step waits.
    Duration window = leaseTtl.isZero() ? masters.timeout()
        : leaseTtl.minus(leaseTtl.dividedBy(100)).minusMillis(2);
    // Under the caller's request id, so that a repeat of the request is recognised on every master.
    CompletableFuture<Redlock.Outcome> attempt = queueKeep == null
        ? Redlock.acquire(voters, lock.fullName(), window, requestId)
        : Redlock.acquireFair(voters, lock.fullName(), window, requestId);
    return attempt.thenApply(outcome -> {
      if (outcome instanceof Redlock.Granted granted) {
        return new Granted(granted.token(), granted.holds());
      }
      if (outcome instanceof Redlock.Busy busy) {
        return new Busy(busy.remaining(), busy.delayed());
      }
      if (outcome instanceof Redlock.SessionExpired) {
        throw ServiceException.sessionExpired(session.id());
      }
      throw ServiceException.unavailable(((Redlock.Unavailable) outcome).reason(), null);
    });
  }

  private Redlock.Master voter(RedisCalls master) {
    SessionTerms terms = live.terms(session);
    SessionKeys keys = new SessionKeys(master.keys().session(session.id()), master.keys().sessionLocks(session.id()),
        master.keys().lockIndex(), master.keys().lockIndexGenerations());
    String name = lock.fullName();
    String member = session.id() + " " + owner;
    return new Redlock.Master() {
      @Override
      public CompletableFuture<List<Object>> acquire(long attemptId) {
        return master.lock(scripts -> scripts.acquireInSession(name, owner, leaseTtl, attemptId, terms, listing, keys,
            queueKeep), what);
      }

      @Override
      public CompletableFuture<Long> settle(long ticket) {
        return master.lock(scripts -> scripts.settleInLine(name, member, ticket, queueKeep), what);
      }

      @Override
      public CompletableFuture<Long> leave() {
        return master.lock(scripts -> scripts.leaveLine(name, member), what);
      }

      @Override
      public CompletableFuture<Long> adopt(long attemptId, long token, int holds) {
        return master.lock(scripts -> scripts.adopt(name, owner, attemptId, token, holds), what);
      }

      @Override
      public CompletableFuture<Long> undo(long attemptId) {
        return master.lock(scripts -> scripts.undo(name, owner, attemptId), what);
      }

      @Override
      public String address() {
        return master.link().describe();
      }
    };
  }
}
