package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;
import static io.holdfast.server.RedisCalls.ms;

import io.holdfast.server.QuorumMasters.Answer;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.Renewal;
import io.lettuce.core.ZAddArgs;
import io.holdfast.redis.LockScripts.SessionRenewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One keep-alive over independent masters, in two rounds like RedisKeepAlive. Round 1, sent at once to every
 * master: session_keepalive.lua (a majority must find the session live) and the library's renew.lua for the listed
 * leases (renewed where a majority renewed them; the lease's e is not moved in this round), the leases once a
 * majority said the session is the caller's and named its principal, which every renewed grant must carry, so no
 * lease is renewed for a caller refused the session. The reply goes out
 * after round 1. Round 2, after it: the library's renew.lua on every master with the SMALLEST expiry the live majority
 * reported, for the union of the bound locks, then each master drops the entries a majority reported as not
 * held, at the generation that master reported. Why it is safe: a lock's e only moves to an expiry a majority of
 * the session's copies has, so no lock outlives its session's majority; a lock that left 'held' is never
 * revived; if round 2 fails, each copy frees itself at its old e + lock-delay and the next keep-alive retries.
 */
final class QuorumKeepAlive {
  private static final Logger log = LoggerFactory.getLogger(QuorumKeepAlive.class);

  private final QuorumMasters masters;
  private final QuorumStore store;
  private final Duration retention;

  QuorumKeepAlive(QuorumMasters masters, QuorumStore store, Duration retention) {
    this.masters = masters;
    this.store = store;
    this.retention = retention;
  }

  CompletableFuture<KeepAliveResult> run(SessionRef session, List<Renewal> renewals, Optional<Duration> offset) {
    String sid = session.id();
    String what = "keep-alive of session " + sid;
    List<SessionRenewal> leaseEntries = new ArrayList<>();
    for (Renewal renewal : renewals) {
      leaseEntries.add(new SessionRenewal(renewal.lock().fullName(), renewal.owner(), renewal.token(), renewal.ttl()));
    }
    CompletableFuture<List<Answer>> extended = masters.all(m -> m.run(SCRIPTS.sessionKeepAlive, what,
        List.of(m.keys().session(sid), m.keys().sessionLocks(sid)),
        List.of(session.tenant(), ms(retention), session.scope(), Replies.micros(offset))));
    CompletableFuture<List<Answer>> leases = extended.thenCompose(answers -> {
      List<Answer> live = QuorumMasters.withStatus(answers, 1);
      if (leaseEntries.isEmpty() || live.size() < masters.majority()) {
        return CompletableFuture.completedFuture(List.<Answer>of()); // nothing to renew, or answered as refused
      }
      String principal = Replies.str(live.get(0).reply(), 5);
      return masters.all(m -> m.lock(scripts -> scripts.renewInSession(leaseEntries, sid, 0, principal), what));
    });
    return extended.thenCombine(leases,
            (answers, renewedBy) -> {
              List<Answer> live = QuorumMasters.withStatus(answers, 1);
              if (live.size() < masters.majority()) {
                throw store.sessionFailure(answers, session, what);
              }
              if (!leaseEntries.isEmpty() && renewedBy.stream().filter(Answer::ok).count() < masters.majority()) {
                throw masters.noMajority(renewedBy, what);
              }
              long expiry = live.stream().mapToLong(a -> Replies.num(a.reply(), 2)).min().orElseThrow();
              extendBound(session, answers, live, expiry, what);
              long ttl = Replies.num(live.get(0).reply(), 1);
              return new KeepAliveResult(Duration.ofMillis(ttl), majorities(renewedBy, renewals.size()),
                  Replies.num(live.get(0).reply(), 2) - ttl);
            });
  }

  private List<Boolean> majorities(List<Answer> answers, int size) {
    List<Boolean> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int index = i;
      out.add(answers.stream().filter(a -> a.ok() && Replies.num(a.reply(), index) == 1).count()
          >= masters.majority());
    }
    return out;
  }

  /** Round 2: the new expiry to every bound lock on every master, then per-master unbind of dead entries. */
  private void extendBound(SessionRef session, List<Answer> answers, List<Answer> live, long expiry, String what) {
    Set<String> bound = new LinkedHashSet<>();
    live.forEach(a -> {
      for (int i = 6; i + 1 < a.reply().size(); i += 2) {
        bound.add(Replies.str(a.reply(), i));
      }
    });
    List<String> keys = new ArrayList<>(bound);
    List<SessionRenewal> entries = new ArrayList<>();
    keys.forEach(key -> entries.add(new SessionRenewal(masters.first().keys().fullNameOfLock(key), "", 0,
        Duration.ZERO)));
    masters.all(m -> {
      m.link().async().zadd(m.keys().sessionExpiries(), ZAddArgs.Builder.gt(), (double) expiry, session.id());
      return keys.isEmpty() ? CompletableFuture.completedFuture(List.<Object>of())
          : m.lock(scripts -> scripts.renewInSession(entries, session.id(), expiry,
              Replies.str(live.get(0).reply(), 5)), what);
    }).thenCompose(extended -> {
      Set<String> dead = new LinkedHashSet<>();
      List<Boolean> held = majorities(extended, keys.size());
      for (int i = 0; i < keys.size(); i++) {
        if (!held.get(i) && extended.stream().filter(Answer::ok).count() >= masters.majority()) {
          dead.add(keys.get(i));
        }
      }
      return dead.isEmpty() ? CompletableFuture.completedFuture(List.<Answer>of()) : masters.all(m -> {
        List<String> pairs = new ArrayList<>();
        Answer own = answers.get(masters.indexOf(m));
        for (int i = 6; own.ok() && own.status() == 1 && i + 1 < own.reply().size(); i += 2) {
          if (dead.contains(Replies.str(own.reply(), i))) {
            pairs.add(Replies.str(own.reply(), i));
            pairs.add(Replies.str(own.reply(), i + 1));
          }
        }
        return pairs.isEmpty() ? CompletableFuture.completedFuture(List.<Object>of())
            : m.run(SCRIPTS.sessionUnbind, what, List.of(m.keys().sessionLocks(session.id())), pairs);
      });
    }).whenComplete((done, failure) -> {
      if (failure != null) {
        log.debug("{}: extending its locks failed, the next keep-alive retries: {}", what, failure.getMessage());
      }
    });
  }
}
