package io.holdfast.server;

import io.holdfast.redis.LockScripts.SessionTerms;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/*
 * What this instance last learned of each session from Redis: an expiry e the session had, its lock-delay,
 * client name and the principal that opened it (checked against every caller before the session is used). It
 * lets an acquire or release send its lock step at once instead of reading the session first, and a keep-alive
 * renew leases in the same round trip as it extends the session. Why a stale entry is safe: a
 * session's expiry only grows while it is live, so a cached e is never later than the session's real expiry
 * and a lock given it never outlives its session; an e already past makes the lock step answer "expired", on
 * which the caller re-reads the session (another instance may have extended it); a session closed meanwhile is
 * caught by the bind step after the grant, which finds no session and gives the grant back. Lock-delay, client
 * name and principal never change. Entries are dropped on close and when the map grows past a bound (then simply
 * re-read). Thread-safe: one ConcurrentHashMap.
 */
final class SessionCache {
  /** Known facts about one session. */
  record Known(long expiry, long delay, String clientName, String principal) {
    /** The terms a grant in this session carries (the library's acquire.lua). */
    SessionTerms terms(SessionRef session) {
      return new SessionTerms(session.id(), expiry, Duration.ofMillis(delay), clientName, principal);
    }
  }

  private static final int MAX_ENTRIES = 100_000;

  private final Map<String, Known> sessions = new ConcurrentHashMap<>();

  /** Keyed by tenant AND id: a session is only ever known to the tenant that Redis said owns it. */
  Known get(SessionRef session) {
    return sessions.get(key(session));
  }

  /** Records what Redis said for this tenant's session; keeps the later expiry if two answers race. */
  void put(SessionRef session, Known known) {
    if (sessions.size() >= MAX_ENTRIES) {
      sessions.clear();
    }
    sessions.merge(key(session), known, (old, now) -> now.expiry() >= old.expiry() ? now : old);
  }

  void forget(SessionRef session) {
    sessions.remove(key(session));
  }

  private static String key(SessionRef session) {
    return session.tenant() + "/" + session.id();
  }
}
