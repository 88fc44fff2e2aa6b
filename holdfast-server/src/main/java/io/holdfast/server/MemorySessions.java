package io.holdfast.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * The in-memory store's sessions and waiter listings (what the Redis store keeps in its session scripts and the
 * waiter sets): everything of the service that is not a lock rule. Lock state lives in the shared LockTable.
 * Times are nanoTime, the table's clock. Not thread-safe by itself: MemoryStore holds its monitor around every use,
 * which makes each operation atomic as a script is in Redis.
 */
final class MemorySessions {
  static final class Session {
    String tenant;
    /** The principal id that opened it: only it, or an admin of the tenant, may use it. */
    String principal;
    String clientName;
    /** What the client said about itself (host at open, clock offset at keep-alive). */
    StoreViews.ClientFacts client = StoreViews.ClientFacts.UNKNOWN;
    long ttlNanos;
    long delayNanos;
    long expiresAt;
    boolean expiryCounted;
    /** Lock full name to the token it was bound under (the Redis store's session lock set). */
    final Map<String, Long> locks = new LinkedHashMap<>();
  }

  final Map<String, Session> sessions = new HashMap<>();
  final Map<String, Map<String, Long>> waiters = new HashMap<>();

  /** The caller's live session, or the failure the session scripts report (unknown, forbidden, expired). */
  Session live(SessionRef ref, long now) {
    Session session = sessions.get(ref.id());
    if (session == null || !session.tenant.equals(ref.tenant())) {
      throw ServiceException.sessionUnknown(ref.id());
    }
    ref.authorize(session.principal);
    if (now - session.expiresAt >= 0) {
      throw ServiceException.sessionExpired(ref.id());
    }
    return session;
  }

  /** The tenant's sessions by id, at most {@code limit}, as the listing shows them. */
  List<StoreViews.SessionView> views(String tenant, int limit, long now) {
    return sessions.entrySet().stream().filter(e -> e.getValue().tenant.equals(tenant))
        .sorted(Map.Entry.comparingByKey()).limit(limit)
        .map(e -> new StoreViews.SessionView(e.getKey(), e.getValue().clientName,
            Duration.ofNanos(e.getValue().ttlNanos), Duration.ofNanos(e.getValue().expiresAt - now),
            e.getValue().locks.size(), e.getValue().client))
        .toList();
  }

  /** What the clients of the tenant's sessions among {@code ids} said about themselves. */
  Map<String, StoreViews.ClientFacts> clients(String tenant, Set<String> ids) {
    Map<String, StoreViews.ClientFacts> out = new HashMap<>();
    for (String sid : ids) {
      Session session = sessions.get(sid);
      if (session != null && session.tenant.equals(tenant)) {
        out.put(sid, session.client);
      }
    }
    return out;
  }

  Map<String, Long> waitersOf(String fullName) {
    return waiters.computeIfAbsent(fullName, k -> new HashMap<>());
  }

  /** Counts sessions that expired since the last call (each once), then drops what Redis would have expired. */
  long expire(long now, long retentionNanos) {
    long expired = 0;
    for (Session session : sessions.values()) {
      if (!session.expiryCounted && now - session.expiresAt >= 0) {
        session.expiryCounted = true;
        expired++;
      }
    }
    sessions.values().removeIf(s -> now - (s.expiresAt + s.delayNanos + retentionNanos) >= 0);
    waiters.values().forEach(w -> w.values().removeIf(deadline -> deadline - now <= 0));
    waiters.values().removeIf(Map::isEmpty);
    return expired;
  }

  long active(long now) {
    return sessions.values().stream().filter(s -> now - s.expiresAt < 0).count();
  }
}
