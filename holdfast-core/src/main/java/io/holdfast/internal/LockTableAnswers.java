package io.holdfast.internal;

import java.time.Duration;
import java.util.Objects;

/*
 * The vocabulary of LockTable's operations (the session terms a grant is made in, what an attempt came to, a view
 * of a grant, a renewal entry), apart from the rules that produce them: LockTable implements this interface only
 * so that callers keep naming the types LockTable.Busy, LockTable.View, ... as the scripts' answers they mirror.
 * Values only, validated in their constructors.
 */
/** Not an API: the answers and arguments of {@link LockTable}; use them as {@code LockTable.Busy} etc. */
public interface LockTableAnswers {
  /**
   * The terms of the lock-service session a grant is made in.
   *
   * @param id the session id
   * @param expiryNanos the session's expiry on the {@link System#nanoTime()} clock
   * @param lockDelay how long the lock stays ungrantable after the session expires
   * @param clientName the session's client name, for listings
   * @param principal the principal that opened the session: only a session of the same principal re-enters,
   *     releases or renews the grant (acquire.lua's P)
   */
  record Session(String id, long expiryNanos, Duration lockDelay, String clientName, String principal) {
    /** Validates the terms. */
    public Session {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(clientName, "clientName");
      Objects.requireNonNull(principal, "principal");
      if (lockDelay == null || lockDelay.isNegative()) {
        throw new IllegalArgumentException("lock-delay must be zero or positive, was " + lockDelay);
      }
    }
  }

  /** What an acquire attempt came to. */
  sealed interface Attempt permits Granted, Busy, SessionExpired { }

  /**
   * Granted or re-entered.
   *
   * @param token the grant's fencing token
   * @param holds the owner's holds after the call
   */
  record Granted(long token, int holds) implements Attempt { }

  /**
   * Held by another owner, or in lock-delay.
   *
   * @param remaining how long until it can be free without a release
   * @param delayed whether it is in lock-delay after its session expired
   */
  record Busy(Duration remaining, boolean delayed) implements Attempt { }

  /** The caller's session expired before the attempt; nothing changed. */
  record SessionExpired() implements Attempt { }

  /**
   * A lock that blocks others, as inspect.lua reports it.
   *
   * @param name the lock name
   * @param owner the holder's owner token
   * @param token the grant's fencing token
   * @param holds the hold count
   * @param remaining how long the current state (held, or lock-delay) lasts
   * @param delayed whether it is in lock-delay
   * @param sessionId the session of a service grant, empty for a library grant
   * @param acquiredAtMillis wall-clock time of the grant, 0 for a library grant
   * @param clientName the session's client name, empty for a library grant
   */
  record View(String name, String owner, long token, int holds, Duration remaining, boolean delayed,
      String sessionId, long acquiredAtMillis, String clientName) { }

  /**
   * One entry of {@link LockTable#renew(java.util.List, String, long)}.
   *
   * @param name the lock name
   * @param owner the lease's owner, or empty for "the grant of the renewing session", whoever its owner
   * @param token its fencing token (ignored with an empty owner)
   * @param ttl the new lease TTL from now; zero keeps the lease deadline (session grants only)
   */
  record Renewal(String name, String owner, long token, Duration ttl) {
    /** Validates the entry. */
    public Renewal {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(owner, "owner");
      if (ttl == null || ttl.isNegative()) {
        throw new IllegalArgumentException("renewal TTL must be zero or positive, was " + ttl);
      }
    }
  }
}
