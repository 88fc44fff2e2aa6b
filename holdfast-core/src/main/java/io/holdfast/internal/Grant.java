package io.holdfast.internal;

import java.time.Duration;

/*
 * One grant in a LockTable: the fields of the Redis lock hash (o, t, c, r, and for a session grant s, e, d, x, a, n, P)
 * and the state rule of lockstate.lua on the monotonic clock. A library grant is held until freeAt (its lease end);
 * a session grant until min(e, x), then in lock-delay until freeAt = x when the lease ran out first, else e + d.
 * Why it is safe: only LockTable touches it, under the table's monitor; times are compared as differences, so
 * nanoTime's wrap-around does not matter.
 */
final class Grant {
  final String owner;
  final long token;
  int holds = 1;
  long requestId;
  /** Whether it was granted in fair mode (the hash's q): its release names the head of the line. */
  boolean fair;
  /** A request id answered twice (a repeat): undo must not give its hold back. 0: none. */
  long repeated;
  final String sessionId;
  /** The principal of the session it was granted in; null for a library grant. */
  final String principal;
  private long sessionExpiry;
  private final long delay;
  private boolean leased;
  private long leaseEnd;
  long freeAt;
  private final long acquiredAtMillis;
  private final String clientName;

  private Grant(String owner, long token, long requestId, LockTable.Session session) {
    this.owner = owner;
    this.token = token;
    this.requestId = requestId;
    this.sessionId = session == null ? null : session.id();
    this.principal = session == null ? null : session.principal();
    this.sessionExpiry = session == null ? 0 : session.expiryNanos();
    this.delay = session == null ? 0 : session.lockDelay().toNanos();
    this.acquiredAtMillis = session == null ? 0 : System.currentTimeMillis();
    this.clientName = session == null ? "" : session.clientName();
  }

  static Grant fresh(String owner, long token, long requestId, Duration ttl, LockTable.Session session, long now) {
    if (session == null && (ttl.isZero() || ttl.isNegative())) {
      throw new IllegalArgumentException("a grant outside a session needs a positive TTL, was " + ttl);
    }
    Grant grant = new Grant(owner, token, requestId, session);
    grant.leased = !ttl.isZero();
    grant.leaseEnd = now + ttl.toNanos();
    grant.settle();
    return grant;
  }

  /** Whether the grant may be used (re-entered, released, renewed) now. */
  boolean held(long now) {
    return now - heldUntil() < 0;
  }

  /** Whether it still blocks other owners now (held, or in lock-delay). */
  boolean blocks(long now) {
    return now - freeAt < 0;
  }

  void reenter(long newRequestId, Duration ttl, LockTable.Session session, long now) {
    holds++;
    requestId = newRequestId;
    if (sessionId == null) {
      leaseEnd = Math.max(leaseEnd - now, ttl.toNanos()) + now;
    } else {
      if (session != null && session.id().equals(sessionId) && session.expiryNanos() - sessionExpiry > 0) {
        sessionExpiry = session.expiryNanos();
      }
      if (!ttl.isZero() && leased && now + ttl.toNanos() - leaseEnd > 0) {
        leaseEnd = now + ttl.toNanos();
      }
    }
    settle();
  }

  /** renew.lua for one held entry that matched; false when there is nothing to renew it with. */
  boolean renew(LockTable.Renewal renewal, String renewingSession, long renewingExpiry, long now) {
    if (sessionId == null) {
      if (renewal.ttl().isZero()) {
        return false;
      }
      leaseEnd = now + renewal.ttl().toNanos();
    } else {
      if (sessionId.equals(renewingSession) && renewingExpiry - sessionExpiry > 0) {
        sessionExpiry = renewingExpiry;
      }
      if (!renewal.owner().isEmpty() && !renewal.ttl().isZero()) {
        leased = true;
        leaseEnd = now + renewal.ttl().toNanos();
      }
    }
    settle();
    return true;
  }

  LockTable.View view(String name, long now) {
    boolean heldNow = held(now);
    long remaining = (heldNow ? heldUntil() : freeAt) - now;
    return new LockTable.View(name, owner, token, holds, Duration.ofNanos(Math.max(0, remaining)), !heldNow,
        sessionId == null ? "" : sessionId, acquiredAtMillis, clientName);
  }

  private long heldUntil() {
    if (sessionId == null) {
      return freeAt;
    }
    return leased && leaseEnd - sessionExpiry < 0 ? leaseEnd : sessionExpiry;
  }

  /** freeAt as lockstate.lua's free_at: the lease end when it comes first (no delay), else expiry + delay. */
  private void settle() {
    if (sessionId == null) {
      freeAt = leaseEnd;
    } else {
      freeAt = leased && leaseEnd - sessionExpiry <= 0 ? leaseEnd : sessionExpiry + delay;
    }
  }
}
