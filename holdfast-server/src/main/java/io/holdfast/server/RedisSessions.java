package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;
import static io.holdfast.server.RedisCalls.ms;

import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.OpenedSession;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ZAddArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/*
 * Opening sessions on Redis and reading what their clients said about themselves (host at open, clock offset at
 * keep-alive: fields h and o of the session hash). Why it is safe: session_open.lua creates the session hash in one
 * atomic step and never overwrites an existing id (a collision retries with a new id); the session index entry is
 * written first, so a listing never misses a live session, and an entry without a session is dropped by the listing.
 * The client facts are read-only and per session, on the session's own slot; another tenant's session is left out.
 * Stateless apart from the SessionCache it fills.
 */
final class RedisSessions {
  private final RedisCalls calls;
  private final RedisKeys keys;
  private final Duration retention;
  private final SessionCache sessions;

  RedisSessions(RedisCalls calls, Duration retention, SessionCache sessions) {
    this.calls = calls;
    this.keys = calls.keys();
    this.retention = retention;
    this.sessions = sessions;
  }

  CompletableFuture<OpenedSession> open(String tenant, String principal, String clientName, String host,
      Duration ttl, Duration lockDelay) {
    String id = SessionIds.next();
    var commands = calls.link().async();
    CompletableFuture<Long> indexed = commands.zadd(keys.sessionIndex(), 0, tenant + "/" + id).toCompletableFuture();
    CompletableFuture<List<Object>> opened = calls.run(SCRIPTS.sessionOpen, "open session", List.of(keys.session(id)),
        List.of(tenant, clientName, ms(ttl), ms(lockDelay), ms(retention), principal, host));
    return calls.mapped(indexed, "open session").thenCombine(opened, (ignored, reply) -> reply)
        .thenCompose(reply -> {
          if (Replies.num(reply, 0) != 1) {
            return open(tenant, principal, clientName, host, ttl, lockDelay);
          }
          long expiry = Replies.num(reply, 1);
          sessions.put(new SessionRef(tenant, id),
              new SessionCache.Known(expiry, lockDelay.toMillis(), clientName, principal));
          return calls.mapped(commands.zadd(keys.sessionExpiries(), ZAddArgs.Builder.gt(), (double) expiry, id)
              .toCompletableFuture(), "open session").thenApply(added -> new OpenedSession(id, ttl, lockDelay));
        });
  }

  CompletableFuture<Map<String, ClientFacts>> clients(String tenant, Set<String> sessionIds) {
    return clients(calls, tenant, sessionIds);
  }

  /** One HMGET per session (pipelined): tenant, host and clock offset of the session hash. */
  static CompletableFuture<Map<String, ClientFacts>> clients(RedisCalls calls, String tenant, Set<String> ids) {
    List<String> order = new ArrayList<>(ids);
    List<CompletableFuture<List<KeyValue<String, String>>>> reads = new ArrayList<>(order.size());
    for (String sid : order) {
      reads.add(calls.mapped(calls.link().async().hmget(calls.keys().session(sid), "T", "h", "o")
          .toCompletableFuture(), "reading session " + sid));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, ClientFacts> out = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        List<KeyValue<String, String>> fields = reads.get(i).join();
        if (tenant.equals(fields.get(0).getValueOrElse(null))) {
          out.put(order.get(i), ClientFacts.of(fields.get(1).getValueOrElse(""), fields.get(2).getValueOrElse("")));
        }
      }
      return out;
    });
  }
}
