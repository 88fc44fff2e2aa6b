package io.holdfast.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/*
 * The in-memory store's tables and the one rule that reads them, the lock state of common.lua, translated
 * line by line so that both stores agree: held while the holder's session is live and its lease deadline (if
 * any) not passed; free at once when the lease deadline came first; lock-delayed until expiry + delay when the
 * session expired first. Times are "store milliseconds" on the monotonic clock. Not thread-safe by itself:
 * MemoryStore holds its monitor around every use, which makes each operation atomic as a script is in Redis.
 */
final class MemoryTables {
  enum State { FREE, HELD, DELAYED }

  static final class Session {
    String tenant;
    String clientName;
    long ttl;
    long delay;
    long expiresAt;
    boolean expiryCounted;
    final Map<String, Long> locks = new LinkedHashMap<>();
  }

  static final class Lock {
    String owner;
    long token;
    int holds;
    long requestId;
    String sessionId;
    long leaseDeadline;
    long acquiredAtWall;
    String clientName;
  }

  /** A lock's state at one instant, and how long that state lasts. */
  record Status(State state, long remaining, Lock lock, Session holder) { }

  final Map<String, Session> sessions = new HashMap<>();
  final TreeMap<String, Lock> locks = new TreeMap<>();
  final Map<String, Map<String, Long>> waiters = new HashMap<>();
  long fence;

  static long now() {
    return System.nanoTime() / 1_000_000;
  }

  static long freeAt(long leaseDeadline, long expiresAt, long delay) {
    return leaseDeadline > 0 && leaseDeadline <= expiresAt ? leaseDeadline : expiresAt + delay;
  }

  Status status(String fullName, long now) {
    Lock lock = locks.get(fullName);
    if (lock == null) {
      return new Status(State.FREE, 0, null, null);
    }
    Session holder = sessions.get(lock.sessionId);
    if (holder == null) {
      return new Status(State.FREE, 0, lock, null);
    }
    long heldUntil = lock.leaseDeadline > 0 ? Math.min(holder.expiresAt, lock.leaseDeadline) : holder.expiresAt;
    if (now < heldUntil) {
      return new Status(State.HELD, heldUntil - now, lock, holder);
    }
    long until = freeAt(lock.leaseDeadline, holder.expiresAt, holder.delay);
    if (now < until) {
      return new Status(State.DELAYED, until - now, lock, holder);
    }
    return new Status(State.FREE, 0, lock, holder);
  }

  /** The caller's live session, or a failure as the scripts report it. */
  Session live(SessionRef ref, long now) {
    Session session = sessions.get(ref.id());
    if (session == null || !session.tenant.equals(ref.tenant())) {
      throw ServiceException.sessionUnknown(ref.id());
    }
    if (now >= session.expiresAt) {
      throw ServiceException.sessionExpired(ref.id());
    }
    return session;
  }

  /** Drops sessions past their retention and locks no longer blocking anyone (the keys Redis would expire). */
  void expire(long now, long retention) {
    sessions.values().removeIf(s -> now >= s.expiresAt + s.delay + retention);
    locks.keySet().removeIf(name -> status(name, now).state() == State.FREE);
    waiters.values().forEach(w -> w.values().removeIf(deadline -> deadline <= now));
    waiters.values().removeIf(Map::isEmpty);
  }

  /** Counts sessions that expired since the last call (each once), then drops what Redis would have expired. */
  StoreViews.Housekeeping housekeeping(long now, long retention) {
    long expired = 0;
    for (Session session : sessions.values()) {
      if (!session.expiryCounted && now >= session.expiresAt) {
        session.expiryCounted = true;
        expired++;
      }
    }
    expire(now, retention);
    long active = sessions.values().stream().filter(s -> now < s.expiresAt).count();
    return new StoreViews.Housekeeping(expired, active, locks.size());
  }
}
