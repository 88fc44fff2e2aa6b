package io.holdfast.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
