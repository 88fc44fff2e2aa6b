package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;
import static io.holdfast.server.RedisCalls.ms;

import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.redis.LockScripts.SessionRenewal;
import io.holdfast.redis.RenewGroups;
import io.lettuce.core.ZAddArgs;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One keep-alive on Redis, in two rounds. Round 1, sent at once: session_keepalive.lua extends the session on its
 * slot and lists its bound locks, and the library's renew.lua renews the listed leases, one call per hash slot present
 * (pipelined per node, as the library's renewal groups), carrying the session's expiry as this instance last knew
 * it (SessionCache). The leases go in the same round only when this instance knows the session (its cached
 * principal matched the caller's); otherwise they follow the session step, which checks the caller and names the
 * session's principal, which every renewed grant must carry: no lease is renewed for a caller refused the session. The reply goes out after round 1. Round 2, after the reply: renew.lua carries the new
 * expiry to every bound lock, per slot, then session_unbind.lua drops entries of locks no longer held at the
 * generation seen. Why it is safe: renew.lua only ever moves a lock's e forward to an expiry its session really
 * had and never revives a lock that left 'held'; if round 2 fails or never runs, each lock keeps the e it had (at
 * least the previous keep-alive's, for renewed leases) and frees itself at e + lock-delay at the latest, and the
 * next keep-alive moves it forward again. Stateless apart from the shared SessionCache.
 */
final class RedisKeepAlive {
  private static final Logger log = LoggerFactory.getLogger(RedisKeepAlive.class);

  private final RedisCalls calls;
  private final Duration retention;
  private final SessionCache sessions;

  RedisKeepAlive(RedisCalls calls, Duration retention, SessionCache sessions) {
    this.calls = calls;
    this.retention = retention;
    this.sessions = sessions;
  }

  CompletableFuture<KeepAliveResult> run(SessionRef session, List<Renewal> renewals, Optional<Duration> offset) {
    RedisKeys keys = calls.keys();
    String sid = session.id();
    String what = "keep-alive of session " + sid;
    SessionCache.Known known = sessions.get(session);
    List<SessionRenewal> leases = new ArrayList<>(renewals.size());
    for (Renewal renewal : renewals) {
      leases.add(new SessionRenewal(renewal.lock().fullName(), renewal.owner(), renewal.token(), renewal.ttl()));
    }
    if (known != null) {
      session.authorize(known.principal());
    }
    CompletableFuture<List<Object>> extended = calls.run(SCRIPTS.sessionKeepAlive, what,
        List.of(keys.session(sid), keys.sessionLocks(sid)), List.of(session.tenant(), ms(retention), session.scope(),
            Replies.micros(offset)));
    CompletableFuture<Boolean[]> renewed = known != null || leases.isEmpty()
        ? extend(sid, known == null ? 0 : known.expiry(), known == null ? "" : known.principal(), leases, what)
        : extended.thenCompose(reply -> {
          Replies.sessionStatus(reply, session);
          return extend(sid, Replies.num(reply, 2), Replies.str(reply, 5), leases, what);
        });
    return extended.thenCombine(renewed, (reply, results) -> {
          Replies.sessionStatus(reply, session);
          return reply;
        }).thenCompose(reply -> calls.link().awaitReplicas(what).thenApply(acked -> {
          long expiry = Replies.num(reply, 2);
          sessions.put(session,
              new SessionCache.Known(expiry, Replies.num(reply, 3), Replies.str(reply, 4), Replies.str(reply, 5)));
          calls.link().async().zadd(keys.sessionExpiries(), ZAddArgs.Builder.gt(), (double) expiry, sid);
          extendBound(session, expiry, reply, what);
          return new KeepAliveResult(Duration.ofMillis(Replies.num(reply, 1)), List.of(renewed.join()),
              expiry - Replies.num(reply, 1));
        }));
  }

  /** Round 2: carries the new expiry to every bound lock, then drops the entries of locks no longer held. */
  private void extendBound(SessionRef session, long expiry, List<Object> reply, String what) {
    List<SessionRenewal> bound = new ArrayList<>();
    List<String> boundKeys = new ArrayList<>();
    List<String> generations = new ArrayList<>();
    for (int i = 6; i + 1 < reply.size(); i += 2) {
      String key = Replies.str(reply, i);
      boundKeys.add(key);
      bound.add(new SessionRenewal(calls.keys().fullNameOfLock(key), "", 0, Duration.ZERO));
      generations.add(Replies.str(reply, i + 1));
    }
    if (bound.isEmpty()) {
      return;
    }
    extend(session.id(), expiry, Replies.str(reply, 5), bound, what).thenCompose(results -> {
      List<String> dead = new ArrayList<>();
      for (int i = 0; i < results.length; i++) {
        if (!results[i]) {
          dead.add(boundKeys.get(i));
          dead.add(generations.get(i));
        }
      }
      return dead.isEmpty() ? CompletableFuture.completedFuture(List.of())
          : calls.run(SCRIPTS.sessionUnbind, what, List.of(calls.keys().sessionLocks(session.id())), dead);
    }).whenComplete((done, failure) -> {
      if (failure != null) {
        log.debug("{}: extending its locks failed, the next keep-alive retries: {}", what, failure.getMessage());
      }
    });
  }

  /** The library's renew.lua per hash slot present, all sent at once; one result per entry, in order. */
  private CompletableFuture<Boolean[]> extend(String sid, long expiry, String principal, List<SessionRenewal> entries,
      String what) {
    Boolean[] results = new Boolean[entries.size()];
    List<CompletableFuture<Void>> steps = new ArrayList<>();
    for (int[] group : RenewGroups.bySlot(entries, SessionRenewal::name)) {
      List<SessionRenewal> slotEntries = new ArrayList<>(group.length);
      for (int index : group) {
        slotEntries.add(entries.get(index));
      }
      steps.add(calls.lock(scripts -> scripts.renewInSession(slotEntries, sid, expiry, principal), what).thenAccept(reply -> {
        for (int i = 0; i < group.length; i++) {
          results[group[i]] = Replies.num(reply, i) == 1; // distinct indexes per group: no shared writes
        }
      }));
    }
    // allOf happens-after every write to results, so they are all visible to whoever reads them after it.
    return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).thenApply(done -> results);
  }
}
